package io.jrun.runtime.seccomp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import io.jrun.images.oci.OciJson;
import io.jrun.linux.Errno;
import io.jrun.linux.Seccomp;

import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a seccomp profile in docker's format, which extends the OCI runtime spec's
 * {@code linux.seccomp} object (docker adds "archMap", "names", "includes"/"excludes" and
 * "comment"; containers/common adds "defaultErrno" and "errno" as errno names). Every field is
 * checked, and the first bad one is reported with its path. Fields jrun does not know are
 * ignored, as docker and podman ignore them.
 */
public final class ProfileParser {
    private ProfileParser() {
    }

    /** Highest errno a filter can return (the kernel's MAX_ERRNO). */
    private static final int MAX_ERRNO = 4095;
    private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);
    private static final Pattern SYSCALL_NAME = Pattern.compile("[a-z_][a-z0-9_]*");
    static final Map<String, Integer> FLAGS = Map.of(
            "SECCOMP_FILTER_FLAG_TSYNC", 0, // jrun filters one thread by design; the app's threads descend from it
            "SECCOMP_FILTER_FLAG_LOG", Seccomp.SECCOMP_FILTER_FLAG_LOG,
            "SECCOMP_FILTER_FLAG_SPEC_ALLOW", Seccomp.SECCOMP_FILTER_FLAG_SPEC_ALLOW);

    /** A problem at a field; turned into a {@link SeccompProfileException} naming the source. */
    private static final class Bad extends Exception {
        private static final long serialVersionUID = 1L;

        Bad(String path, String problem) {
            super(path + ": " + problem, null, false, false);
        }
    }

    /** Parses {@code json}; {@code source} names it in messages (a path, or the built-in profile). */
    public static SeccompProfile parse(byte[] json, String source) throws SeccompProfileException {
        JsonNode root;
        try {
            root = OciJson.mapper().reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION).readTree(json);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            throw new SeccompProfileException(source, "not valid JSON: " + e.getOriginalMessage().lines().findFirst().orElse("")
                    + where);
        } catch (IOException e) {
            throw new SeccompProfileException(source, "cannot read: " + e.getMessage());
        }
        try {
            return profile(root, source);
        } catch (Bad e) {
            throw new SeccompProfileException(source, e.getMessage());
        }
    }

    private static SeccompProfile profile(JsonNode root, String source) throws Bad {
        if (root == null || !root.isObject()) {
            throw new Bad("(top level)", "a profile is a JSON object");
        }
        SeccompAction defaultAction = action(required(root, "defaultAction", ""), "defaultAction");
        Integer defaultErrno = errno(root, "defaultErrnoRet", "defaultErrno", "");
        if (defaultErrno != null && !defaultAction.takesData()) {
            throw new Bad("defaultErrnoRet", "only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take an errno, not "
                    + defaultAction.profileName());
        }
        for (String notify : new String[] {"listenerPath", "listenerMetadata"}) {
            JsonNode n = root.get(notify);
            if (n != null && !n.isNull() && !(n.isTextual() && n.asText().isEmpty())) {
                throw new Bad(notify, "seccomp notify (a user-space agent) is not supported by jrun");
            }
        }

        Set<String> architectures = new LinkedHashSet<>();
        List<JsonNode> archList = array(root, "architectures");
        List<JsonNode> archMap = array(root, "archMap");
        if (!archList.isEmpty() && !archMap.isEmpty()) {
            throw new Bad("archMap", "give either \"architectures\" or \"archMap\", not both");
        }
        for (int i = 0; i < archList.size(); i++) {
            architectures.add(profileArch(archList.get(i), "architectures[" + i + "]"));
        }
        for (int i = 0; i < archMap.size(); i++) {
            String path = "archMap[" + i + "]";
            JsonNode entry = archMap.get(i);
            if (!entry.isObject()) {
                throw new Bad(path, "expected an object with \"architecture\" and \"subArchitectures\"");
            }
            architectures.add(profileArch(required(entry, "architecture", path + "."), path + ".architecture"));
            List<JsonNode> subs = array(entry, "subArchitectures", path + ".");
            for (int j = 0; j < subs.size(); j++) {
                architectures.add(profileArch(subs.get(j), path + ".subArchitectures[" + j + "]"));
            }
        }

        int flags = 0;
        List<JsonNode> flagList = array(root, "flags");
        for (int i = 0; i < flagList.size(); i++) {
            String flag = text(flagList.get(i), "flags[" + i + "]");
            Integer bit = FLAGS.get(flag);
            if (bit == null) {
                throw new Bad("flags[" + i + "]", "unsupported flag \"" + flag + "\" (jrun knows " + String.join(", ",
                        FLAGS.keySet().stream().sorted().toList()) + ")");
            }
            flags |= bit;
        }

        List<SyscallRule> rules = new ArrayList<>();
        List<JsonNode> syscalls = array(root, "syscalls");
        for (int i = 0; i < syscalls.size(); i++) {
            rules.add(rule(syscalls.get(i), i));
        }
        return new SeccompProfile(source, defaultAction, defaultErrno, architectures, flags, rules);
    }

    private static SyscallRule rule(JsonNode node, int position) throws Bad {
        String path = "syscalls[" + position + "]";
        if (!node.isObject()) {
            throw new Bad(path, "expected an object");
        }
        List<String> names = new ArrayList<>();
        JsonNode name = node.get("name");
        List<JsonNode> nameList = array(node, "names", path + ".");
        if (name != null && !name.isNull()) {
            if (!nameList.isEmpty()) {
                throw new Bad(path, "give either \"name\" or \"names\", not both");
            }
            names.add(syscallName(name, path + ".name"));
        }
        for (int i = 0; i < nameList.size(); i++) {
            names.add(syscallName(nameList.get(i), path + ".names[" + i + "]"));
        }
        if (names.isEmpty()) {
            throw new Bad(path + ".names", "missing: a rule names at least one system call");
        }
        SeccompAction action = action(required(node, "action", path + "."), path + ".action");
        Integer errno = errno(node, "errnoRet", "errno", path + ".");
        if (errno != null && !action.takesData()) {
            throw new Bad(path + ".errnoRet", "only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take an errno, not "
                    + action.profileName());
        }
        List<ArgCondition> args = new ArrayList<>();
        List<JsonNode> argList = array(node, "args", path + ".");
        for (int i = 0; i < argList.size(); i++) {
            args.add(arg(argList.get(i), path + ".args[" + i + "]"));
        }
        return new SyscallRule(position, names, action, errno, args,
                filter(node.get("includes"), path + ".includes"), filter(node.get("excludes"), path + ".excludes"));
    }

    private static ArgCondition arg(JsonNode node, String path) throws Bad {
        if (!node.isObject()) {
            throw new Bad(path, "expected an object with \"index\", \"value\" and \"op\"");
        }
        long index = unsigned64(required(node, "index", path + "."), path + ".index");
        if (index < 0 || index > 5) {
            throw new Bad(path + ".index", "a system call has arguments 0 to 5, not " + Long.toUnsignedString(index));
        }
        long value = unsigned64(required(node, "value", path + "."), path + ".value");
        JsonNode two = node.get("valueTwo");
        long valueTwo = two == null || two.isNull() ? 0 : unsigned64(two, path + ".valueTwo");
        String opName = text(required(node, "op", path + "."), path + ".op");
        CompareOp op = CompareOp.ofProfileName(opName);
        if (op == null) {
            throw new Bad(path + ".op", "unknown operator \"" + opName + "\"");
        }
        return new ArgCondition((int) index, value, valueTwo, op);
    }

    private static RuleFilter filter(JsonNode node, String path) throws Bad {
        if (node == null || node.isNull()) {
            return RuleFilter.NONE;
        }
        if (!node.isObject()) {
            throw new Bad(path, "expected an object");
        }
        Set<String> arches = new LinkedHashSet<>();
        List<JsonNode> archList = array(node, "arches", path + ".");
        for (int i = 0; i < archList.size(); i++) {
            String arch = text(archList.get(i), path + ".arches[" + i + "]");
            if (!ProfileNames.RULE_ARCHES.contains(arch)) {
                throw new Bad(path + ".arches[" + i + "]", "unknown architecture \"" + arch + "\" (amd64, arm64, x86, ...)");
            }
            arches.add(arch);
        }
        long caps = 0;
        List<JsonNode> capList = array(node, "caps", path + ".");
        for (int i = 0; i < capList.size(); i++) {
            String cap = text(capList.get(i), path + ".caps[" + i + "]");
            int number = ProfileNames.capability(cap);
            if (number < 0) {
                throw new Bad(path + ".caps[" + i + "]", "unknown capability \"" + cap + "\" (CAP_SYS_ADMIN, ...)");
            }
            caps |= 1L << number;
        }
        KernelVersion minKernel = null;
        JsonNode min = node.get("minKernel");
        if (min != null && !min.isNull()) {
            String text = text(min, path + ".minKernel");
            minKernel = KernelVersion.parse(text);
            if (minKernel == null) {
                throw new Bad(path + ".minKernel", "not a kernel version like \"4.8\": \"" + text + "\"");
            }
        }
        return new RuleFilter(arches, caps, minKernel);
    }

    private static SeccompAction action(JsonNode node, String path) throws Bad {
        String name = text(node, path);
        if ("SCMP_ACT_NOTIFY".equals(name)) {
            throw new Bad(path, "SCMP_ACT_NOTIFY needs a user-space agent, which jrun does not run");
        }
        SeccompAction action = SeccompAction.ofProfileName(name);
        if (action == null) {
            throw new Bad(path, "unknown action \"" + name + "\"");
        }
        return action;
    }

    /** The number field ("errnoRet") or the name field ("errno"); both must agree. Null when neither is given. */
    private static Integer errno(JsonNode node, String numberField, String nameField, String prefix) throws Bad {
        Integer number = null;
        JsonNode n = node.get(numberField);
        if (n != null && !n.isNull()) {
            long value = unsigned64(n, prefix + numberField);
            if (value < 0 || value > MAX_ERRNO) {
                throw new Bad(prefix + numberField, "an errno is 0 to " + MAX_ERRNO + ", not " + Long.toUnsignedString(value));
            }
            number = (int) value;
        }
        JsonNode s = node.get(nameField);
        if (s != null && !s.isNull()) {
            String name = text(s, prefix + nameField);
            int byName = Errno.number(name);
            if (byName < 0) {
                throw new Bad(prefix + nameField, "unknown errno name \"" + name + "\"");
            }
            if (number != null && number != byName) {
                throw new Bad(prefix + nameField, "\"" + name + "\" is " + byName + " but " + numberField + " says " + number);
            }
            number = byName;
        }
        return number;
    }

    private static String syscallName(JsonNode node, String path) throws Bad {
        String name = text(node, path);
        if (!SYSCALL_NAME.matcher(name).matches()) {
            throw new Bad(path, "not a system call name: \"" + name + "\"");
        }
        return name;
    }

    private static String profileArch(JsonNode node, String path) throws Bad {
        String arch = text(node, path);
        if (!ProfileNames.PROFILE_ARCHES.contains(arch)) {
            throw new Bad(path, "unknown architecture \"" + arch + "\" (SCMP_ARCH_X86_64, SCMP_ARCH_AARCH64, ...)");
        }
        return arch;
    }

    private static JsonNode required(JsonNode object, String field, String prefix) throws Bad {
        JsonNode n = object.get(field);
        if (n == null || n.isNull()) {
            throw new Bad(prefix + field, "missing");
        }
        return n;
    }

    private static String text(JsonNode node, String path) throws Bad {
        if (!node.isTextual()) {
            throw new Bad(path, "expected a string, not " + describe(node));
        }
        return node.asText();
    }

    /** An unsigned 64-bit JSON integer (0 to 2^64-1), as a long holding the same bits. */
    private static long unsigned64(JsonNode node, String path) throws Bad {
        if (!node.isIntegralNumber()) {
            throw new Bad(path, "expected a non-negative integer, not " + describe(node));
        }
        BigInteger value = node.bigIntegerValue();
        if (value.signum() < 0 || value.compareTo(TWO_TO_64) >= 0) {
            throw new Bad(path, value + " is outside 0 to 18446744073709551615");
        }
        return value.longValue();
    }

    private static List<JsonNode> array(JsonNode object, String field) throws Bad {
        return array(object, field, "");
    }

    /** An optional array field; null and absent read as empty. */
    private static List<JsonNode> array(JsonNode object, String field, String prefix) throws Bad {
        JsonNode n = object.get(field);
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (!n.isArray()) {
            throw new Bad(prefix + field, "expected an array, not " + describe(n));
        }
        List<JsonNode> items = new ArrayList<>();
        n.forEach(items::add);
        return items;
    }

    private static String describe(JsonNode node) {
        String text = node.toString();
        return node.getNodeType().name().toLowerCase(Locale.ROOT) + " "
                + (text.length() > 40 ? text.substring(0, 40) + "…" : text);
    }
}
