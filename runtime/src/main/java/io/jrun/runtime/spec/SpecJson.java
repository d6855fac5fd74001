package io.jrun.runtime.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jrun.images.oci.JsonTrees;

import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes {@link Spec} and {@link State} as the specification's JSON, with Jackson's
 * streaming parser and tree nodes: no reflection, stable field names. Unknown fields are ignored,
 * as the specification requires of a runtime; a field of the wrong type is an error that names
 * it ({@code process.user.uid: expected a number}).
 */
public final class SpecJson {
    private SpecJson() {
    }

    // ------------------------------------------------------------------ reading

    /** Parses a config.json; {@link SpecFormatException} names the field that is wrong. */
    public static Spec read(byte[] json) throws SpecFormatException {
        JsonNode n;
        try {
            n = JsonTrees.read(json);
        } catch (IOException e) {
            throw new SpecFormatException("not valid JSON: " + e.getMessage());
        }
        try {
            Field root = new Field(n, "");
            root.requireObject();
            Spec.Builder b = Spec.builder()
                    .ociVersion(ociVersion(root.get("ociVersion").requiredString()))
                    .hostname(root.get("hostname").string())
                    .domainname(root.get("domainname").string())
                    .annotations(root.get("annotations").stringMap());
            Field process = root.get("process");
            if (process.present()) {
                b.process(process(process));
            }
            Field r = root.get("root");
            if (!r.present()) {
                throw new SpecFormatException("root: missing (the configuration names no root file system)");
            }
            b.root(new Root(r.get("path").requiredString(), r.get("readonly").bool(false)));
            b.mounts(root.get("mounts").list(m -> new Mount(m.get("destination").requiredString(), m.get("type").string(),
                    m.get("source").string(), m.get("options").strings())));
            Field hooks = root.get("hooks");
            if (hooks.present()) {
                b.hooks(new Hooks(hooks(hooks.get("prestart")), hooks(hooks.get("createRuntime")),
                        hooks(hooks.get("createContainer")), hooks(hooks.get("startContainer")),
                        hooks(hooks.get("poststart")), hooks(hooks.get("poststop"))));
            }
            Field linux = root.get("linux");
            if (linux.present()) {
                b.linux(linux(linux));
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new SpecFormatException(e.getMessage());
        }
    }

    private static Process process(Field p) throws SpecFormatException {
        Process.Builder b = Process.builder()
                .terminal(p.get("terminal").bool(false))
                .args(p.get("args").strings())
                .env(p.get("env").strings())
                .cwd(p.get("cwd").requiredString())
                .noNewPrivileges(p.get("noNewPrivileges").bool(false))
                .apparmorProfile(p.get("apparmorProfile").string())
                .selinuxLabel(p.get("selinuxLabel").string());
        Field size = p.get("consoleSize");
        if (size.present()) {
            b.consoleSize(new ConsoleSize((int) size.get("height").number(0), (int) size.get("width").number(0)));
        }
        Field user = p.get("user");
        if (user.present()) {
            Field umask = user.get("umask");
            b.user(new User(user.get("uid").number(0), user.get("gid").number(0),
                    umask.present() ? (int) umask.number(0) : null, user.get("additionalGids").numbers()));
        }
        Field caps = p.get("capabilities");
        if (caps.present()) {
            b.capabilities(new CapabilitySets(caps.get("bounding").strings(), caps.get("effective").strings(),
                    caps.get("inheritable").strings(), caps.get("permitted").strings(), caps.get("ambient").strings()));
        }
        b.rlimits(p.get("rlimits").list(r -> new Rlimit(r.get("type").requiredString(), r.get("soft").number(0),
                r.get("hard").number(0))));
        Field oom = p.get("oomScoreAdj");
        if (oom.present()) {
            b.oomScoreAdj((int) oom.number(0));
        }
        return b.build();
    }

    private static List<Hook> hooks(Field list) throws SpecFormatException {
        return list.list(h -> {
            Field timeout = h.get("timeout");
            return new Hook(h.get("path").requiredString(), h.get("args").strings(), h.get("env").strings(),
                    timeout.present() ? (int) timeout.number(0) : null);
        });
    }

    private static Linux linux(Field l) throws SpecFormatException {
        Linux.Builder b = Linux.builder()
                .namespaces(l.get("namespaces").list(n -> new Namespace(n.get("type").requiredString(), n.get("path").string())))
                .uidMappings(l.get("uidMappings").list(SpecJson::mapping))
                .gidMappings(l.get("gidMappings").list(SpecJson::mapping))
                .devices(l.get("devices").list(d -> {
                    Field mode = d.get("fileMode");
                    Field uid = d.get("uid");
                    Field gid = d.get("gid");
                    return new Device(d.get("type").requiredString(), d.get("path").requiredString(),
                            d.get("major").number(0), d.get("minor").number(0),
                            mode.present() ? (int) mode.number(0) : null, uid.present() ? uid.number(0) : null,
                            gid.present() ? gid.number(0) : null);
                }))
                .cgroupsPath(l.get("cgroupsPath").string())
                .sysctl(l.get("sysctl").stringMap())
                .rootfsPropagation(l.get("rootfsPropagation").string())
                .maskedPaths(l.get("maskedPaths").strings())
                .readonlyPaths(l.get("readonlyPaths").strings())
                .mountLabel(l.get("mountLabel").string());
        Field resources = l.get("resources");
        if (resources.present()) {
            b.resources(resources(resources));
        }
        Field seccomp = l.get("seccomp");
        if (seccomp.present()) {
            b.seccomp(seccomp(seccomp));
        }
        return b.build();
    }

    private static IdMapping mapping(Field m) throws SpecFormatException {
        return new IdMapping(m.get("containerID").number(0), m.get("hostID").number(0), m.get("size").number(0));
    }

    private static Resources resources(Field r) throws SpecFormatException {
        for (String v1Only : new String[] {"network", "rdma"}) {
            if (r.get(v1Only).present() && !r.get(v1Only).isEmptyValue()) {
                throw new SpecFormatException("linux.resources." + v1Only
                        + ": not supported by jrun's cgroup v2 support; remove it");
            }
        }
        Resources.Builder b = Resources.builder();
        b.devices(r.get("devices").list(d -> {
            Field major = d.get("major");
            Field minor = d.get("minor");
            return new DeviceRule(d.get("allow").requiredBool(), d.get("type").string(),
                    major.present() && major.number(-1) >= 0 ? major.number(-1) : null,
                    minor.present() && minor.number(-1) >= 0 ? minor.number(-1) : null, d.get("access").string());
        }));
        Field memory = r.get("memory");
        if (memory.present()) {
            for (String v1Only : new String[] {"kernel", "kernelTCP", "swappiness"}) {
                if (memory.get(v1Only).present()) {
                    throw new SpecFormatException("linux.resources.memory." + v1Only
                            + ": a cgroup v1 setting that cgroup v2 does not have; remove it");
                }
            }
            b.memory(new Resources.Memory(memory.get("limit").optionalNumber(), memory.get("reservation").optionalNumber(),
                    memory.get("swap").optionalNumber()));
        }
        Field cpu = r.get("cpu");
        if (cpu.present()) {
            for (String v1Only : new String[] {"realtimeRuntime", "realtimePeriod"}) {
                if (cpu.get(v1Only).present() && cpu.get(v1Only).number(0) != 0) {
                    throw new SpecFormatException("linux.resources.cpu." + v1Only
                            + ": real-time scheduling limits are cgroup v1 only; remove it");
                }
            }
            b.cpu(new Resources.Cpu(cpu.get("shares").optionalNumber(), cpu.get("quota").optionalNumber(),
                    cpu.get("period").optionalNumber(), cpu.get("cpus").string(), cpu.get("mems").string()));
        }
        Field pids = r.get("pids");
        if (pids.present()) {
            b.pids(new Resources.Pids(pids.get("limit").number(0)));
        }
        Field blockIO = r.get("blockIO");
        if (blockIO.present()) {
            Field weight = blockIO.get("weight");
            b.blockIO(new Resources.BlockIo(weight.present() ? (int) weight.number(0) : null));
        }
        for (Resources.HugepageLimit h : r.get("hugepageLimits").list(h -> new Resources.HugepageLimit(
                h.get("pageSize").requiredString(), h.get("limit").number(0)))) {
            b.hugepageLimit(h);
        }
        r.get("unified").stringMap().forEach(b::unified);
        return b.build();
    }

    private static Seccomp seccomp(Field s) throws SpecFormatException {
        Field errno = s.get("defaultErrnoRet");
        return new Seccomp(s.get("defaultAction").requiredString(), errno.present() ? (int) errno.number(0) : null,
                s.get("architectures").strings(), s.get("flags").strings(),
                s.get("syscalls").list(c -> {
                    Field ret = c.get("errnoRet");
                    return new Seccomp.Syscall(c.get("names").strings(), c.get("action").requiredString(),
                            ret.present() ? (int) ret.number(0) : null,
                            c.get("args").list(a -> new Seccomp.Arg((int) a.get("index").number(0),
                                    a.get("value").number(0), a.get("valueTwo").number(0), a.get("op").requiredString())));
                }));
    }

    /** Parses a {@code linux.seccomp} object alone (as {@link #write(Seccomp)} writes it). */
    public static Seccomp readSeccomp(byte[] json) throws SpecFormatException {
        try {
            Field n = new Field(JsonTrees.read(json), "linux.seccomp");
            n.requireObject();
            return seccomp(n);
        } catch (IOException e) {
            throw new SpecFormatException("not valid JSON: " + e.getMessage());
        }
    }

    /** Parses a state document (as {@code jrun-oci state} prints it). */
    public static State readState(byte[] json) throws SpecFormatException {
        try {
            Field n = new Field(JsonTrees.read(json), "");
            n.requireObject();
            return new State(n.get("ociVersion").requiredString(), n.get("id").requiredString(),
                    n.get("status").requiredString(), n.get("pid").number(0), n.get("bundle").string(),
                    n.get("annotations").stringMap());
        } catch (IOException e) {
            throw new SpecFormatException("not valid JSON: " + e.getMessage());
        }
    }

    /** Parses a process.json ({@code jrun-oci exec --process}): a {@code process} object alone. */
    public static Process readProcess(byte[] json) throws SpecFormatException {
        try {
            Field n = new Field(JsonTrees.read(json), "");
            n.requireObject();
            return process(n);
        } catch (IOException e) {
            throw new SpecFormatException("not valid JSON: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new SpecFormatException(e.getMessage());
        }
    }

    /** A JSON value and its path in the document, for errors that say where. */
    private record Field(JsonNode node, String path) {
        Field get(String name) {
            JsonNode child = node == null ? null : node.get(name);
            return new Field(child == null || child.isNull() ? null : child, path.isEmpty() ? name : path + "." + name);
        }

        boolean present() {
            return node != null;
        }

        boolean isEmptyValue() {
            return node == null || node.isContainerNode() && node.isEmpty();
        }

        void requireObject() throws SpecFormatException {
            if (node == null || !node.isObject()) {
                throw new SpecFormatException((path.isEmpty() ? "the document" : path) + ": expected an object");
            }
        }

        String string() throws SpecFormatException {
            if (node == null) {
                return null;
            }
            if (!node.isTextual()) {
                throw new SpecFormatException(path + ": expected a string");
            }
            return node.textValue();
        }

        String requiredString() throws SpecFormatException {
            if (node == null) {
                throw new SpecFormatException(path + ": missing");
            }
            return string();
        }

        boolean bool(boolean absent) throws SpecFormatException {
            if (node == null) {
                return absent;
            }
            if (!node.isBoolean()) {
                throw new SpecFormatException(path + ": expected true or false");
            }
            return node.booleanValue();
        }

        boolean requiredBool() throws SpecFormatException {
            if (node == null) {
                throw new SpecFormatException(path + ": missing");
            }
            return bool(false);
        }

        /** An integer; uint64 values above Long.MAX_VALUE keep their bits (read them unsigned). */
        long number(long absent) throws SpecFormatException {
            if (node == null) {
                return absent;
            }
            if (!node.isIntegralNumber()) {
                throw new SpecFormatException(path + ": expected an integer");
            }
            if (node.canConvertToLong()) {
                return node.longValue();
            }
            BigInteger big = node.bigIntegerValue();
            if (big.signum() < 0 || big.bitLength() > 64) {
                throw new SpecFormatException(path + ": " + big + " does not fit in 64 bits");
            }
            return big.longValue();
        }

        Long optionalNumber() throws SpecFormatException {
            return node == null ? null : number(0);
        }

        List<Long> numbers() throws SpecFormatException {
            return list(f -> f.number(0));
        }

        List<String> strings() throws SpecFormatException {
            return list(f -> {
                if (f.node == null) {
                    throw new SpecFormatException(f.path + ": expected a string, not null");
                }
                return f.string();
            });
        }

        Map<String, String> stringMap() throws SpecFormatException {
            Map<String, String> map = new LinkedHashMap<>();
            if (node == null) {
                return map;
            }
            requireObject();
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> e = fields.next();
                map.put(e.getKey(), get(e.getKey()).requiredString());
            }
            return map;
        }

        <T> List<T> list(Reader<T> element) throws SpecFormatException {
            List<T> values = new ArrayList<>();
            if (node == null) {
                return values;
            }
            if (!node.isArray()) {
                throw new SpecFormatException(path + ": expected an array");
            }
            for (int i = 0; i < node.size(); i++) {
                JsonNode e = node.get(i);
                values.add(element.read(new Field(e.isNull() ? null : e, path + "[" + i + "]")));
            }
            return values;
        }
    }

    @FunctionalInterface
    private interface Reader<T> {
        T read(Field f) throws SpecFormatException;
    }

    // ------------------------------------------------------------------ writing

    /** The configuration as indented JSON. */
    public static byte[] write(Spec spec) {
        ObjectNode n = JsonTrees.object();
        n.put("ociVersion", spec.ociVersion());
        if (spec.process() != null) {
            process(n.putObject("process"), spec.process());
        }
        n.putObject("root").put("path", spec.root().path()).put("readonly", spec.root().readonly());
        putIfNotNull(n, "hostname", spec.hostname());
        putIfNotNull(n, "domainname", spec.domainname());
        ArrayNode mounts = n.putArray("mounts");
        for (Mount m : spec.mounts()) {
            ObjectNode o = mounts.addObject().put("destination", m.destination());
            putIfNotNull(o, "type", m.type());
            putIfNotNull(o, "source", m.source());
            if (!m.options().isEmpty()) {
                strings(o.putArray("options"), m.options());
            }
        }
        if (!spec.hooks().isEmpty()) {
            ObjectNode h = n.putObject("hooks");
            hooks(h, "prestart", spec.hooks().prestart());
            hooks(h, "createRuntime", spec.hooks().createRuntime());
            hooks(h, "createContainer", spec.hooks().createContainer());
            hooks(h, "startContainer", spec.hooks().startContainer());
            hooks(h, "poststart", spec.hooks().poststart());
            hooks(h, "poststop", spec.hooks().poststop());
        }
        if (!spec.annotations().isEmpty()) {
            ObjectNode a = n.putObject("annotations");
            spec.annotations().forEach(a::put);
        }
        linux(n.putObject("linux"), spec.linux());
        return bytes(n);
    }

    /** The state as indented JSON. */
    public static byte[] write(State state) {
        ObjectNode n = JsonTrees.object();
        n.put("ociVersion", state.ociVersion());
        n.put("id", state.id());
        n.put("status", state.status());
        n.put("pid", state.pid());
        n.put("bundle", state.bundle());
        if (!state.annotations().isEmpty()) {
            ObjectNode a = n.putObject("annotations");
            state.annotations().forEach(a::put);
        }
        return bytes(n);
    }

    /** {@code linux.seccomp} alone: the seccomp cache keys compiled filters by these bytes. */
    public static byte[] write(Seccomp seccomp) {
        ObjectNode n = JsonTrees.object();
        seccomp(n, seccomp);
        return bytes(n);
    }

    /** A process alone, as {@code jrun-oci exec --process} reads it. */
    public static byte[] write(Process process) {
        ObjectNode n = JsonTrees.object();
        process(n, process);
        return bytes(n);
    }

    private static byte[] bytes(ObjectNode n) {
        try {
            return JsonTrees.write(n, true);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write JSON to memory", e);
        }
    }

    private static void process(ObjectNode o, Process p) {
        o.put("terminal", p.terminal());
        if (p.consoleSize() != null) {
            o.putObject("consoleSize").put("height", p.consoleSize().height()).put("width", p.consoleSize().width());
        }
        ObjectNode user = o.putObject("user").put("uid", p.user().uid()).put("gid", p.user().gid());
        if (p.user().umask() != null) {
            user.put("umask", p.user().umask());
        }
        if (!p.user().additionalGids().isEmpty()) {
            ArrayNode gids = user.putArray("additionalGids");
            p.user().additionalGids().forEach(gids::add);
        }
        strings(o.putArray("args"), p.args());
        strings(o.putArray("env"), p.env());
        o.put("cwd", p.cwd());
        ObjectNode caps = o.putObject("capabilities");
        strings(caps.putArray("bounding"), p.capabilities().bounding());
        strings(caps.putArray("effective"), p.capabilities().effective());
        strings(caps.putArray("inheritable"), p.capabilities().inheritable());
        strings(caps.putArray("permitted"), p.capabilities().permitted());
        strings(caps.putArray("ambient"), p.capabilities().ambient());
        if (!p.rlimits().isEmpty()) {
            ArrayNode rlimits = o.putArray("rlimits");
            for (Rlimit r : p.rlimits()) {
                rlimits.addObject().put("type", r.type()).put("hard", unsigned(r.hard())).put("soft", unsigned(r.soft()));
            }
        }
        o.put("noNewPrivileges", p.noNewPrivileges());
        putIfNotNull(o, "apparmorProfile", p.apparmorProfile());
        putIfNotNull(o, "selinuxLabel", p.selinuxLabel());
        if (p.oomScoreAdj() != null) {
            o.put("oomScoreAdj", p.oomScoreAdj());
        }
    }

    private static void hooks(ObjectNode o, String name, List<Hook> hooks) {
        if (hooks.isEmpty()) {
            return;
        }
        ArrayNode a = o.putArray(name);
        for (Hook h : hooks) {
            ObjectNode e = a.addObject().put("path", h.path());
            if (!h.args().isEmpty()) {
                strings(e.putArray("args"), h.args());
            }
            if (!h.env().isEmpty()) {
                strings(e.putArray("env"), h.env());
            }
            if (h.timeout() != null) {
                e.put("timeout", h.timeout());
            }
        }
    }

    private static void linux(ObjectNode o, Linux l) {
        ArrayNode namespaces = o.putArray("namespaces");
        for (Namespace ns : l.namespaces()) {
            ObjectNode e = namespaces.addObject().put("type", ns.type());
            putIfNotNull(e, "path", ns.path());
        }
        mappings(o, "uidMappings", l.uidMappings());
        mappings(o, "gidMappings", l.gidMappings());
        if (!l.devices().isEmpty()) {
            ArrayNode devices = o.putArray("devices");
            for (Device d : l.devices()) {
                ObjectNode e = devices.addObject().put("type", d.type()).put("path", d.path())
                        .put("major", d.major()).put("minor", d.minor());
                if (d.fileMode() != null) {
                    e.put("fileMode", d.fileMode());
                }
                if (d.uid() != null) {
                    e.put("uid", d.uid());
                }
                if (d.gid() != null) {
                    e.put("gid", d.gid());
                }
            }
        }
        putIfNotNull(o, "cgroupsPath", l.cgroupsPath());
        resources(o.putObject("resources"), l.resources());
        if (!l.sysctl().isEmpty()) {
            ObjectNode s = o.putObject("sysctl");
            l.sysctl().forEach(s::put);
        }
        if (l.seccomp() != null) {
            seccomp(o.putObject("seccomp"), l.seccomp());
        }
        putIfNotNull(o, "rootfsPropagation", l.rootfsPropagation());
        strings(o.putArray("maskedPaths"), l.maskedPaths());
        strings(o.putArray("readonlyPaths"), l.readonlyPaths());
        putIfNotNull(o, "mountLabel", l.mountLabel());
    }

    private static void mappings(ObjectNode o, String name, List<IdMapping> mappings) {
        if (mappings.isEmpty()) {
            return;
        }
        ArrayNode a = o.putArray(name);
        for (IdMapping m : mappings) {
            a.addObject().put("containerID", m.containerID()).put("hostID", m.hostID()).put("size", m.size());
        }
    }

    private static void resources(ObjectNode o, Resources r) {
        ArrayNode devices = o.putArray("devices");
        for (DeviceRule d : r.devices()) {
            ObjectNode e = devices.addObject().put("allow", d.allow()).put("type", d.type());
            if (d.major() != null) {
                e.put("major", d.major());
            }
            if (d.minor() != null) {
                e.put("minor", d.minor());
            }
            e.put("access", d.access());
        }
        if (r.memory() != null) {
            ObjectNode m = o.putObject("memory");
            putIfNotNull(m, "limit", r.memory().limit());
            putIfNotNull(m, "reservation", r.memory().reservation());
            putIfNotNull(m, "swap", r.memory().swap());
        }
        if (r.cpu() != null) {
            ObjectNode c = o.putObject("cpu");
            putIfNotNull(c, "shares", r.cpu().shares());
            putIfNotNull(c, "quota", r.cpu().quota());
            putIfNotNull(c, "period", r.cpu().period());
            putIfNotNull(c, "cpus", r.cpu().cpus());
            putIfNotNull(c, "mems", r.cpu().mems());
        }
        if (r.pids() != null) {
            o.putObject("pids").put("limit", r.pids().limit());
        }
        if (r.blockIO() != null && r.blockIO().weight() != null) {
            o.putObject("blockIO").put("weight", r.blockIO().weight());
        }
        if (!r.hugepageLimits().isEmpty()) {
            ArrayNode h = o.putArray("hugepageLimits");
            r.hugepageLimits().forEach(l -> h.addObject().put("pageSize", l.pageSize()).put("limit", l.limit()));
        }
        if (!r.unified().isEmpty()) {
            ObjectNode u = o.putObject("unified");
            r.unified().forEach(u::put);
        }
    }

    private static void seccomp(ObjectNode o, Seccomp s) {
        o.put("defaultAction", s.defaultAction());
        if (s.defaultErrnoRet() != null) {
            o.put("defaultErrnoRet", s.defaultErrnoRet());
        }
        strings(o.putArray("architectures"), s.architectures());
        if (!s.flags().isEmpty()) {
            strings(o.putArray("flags"), s.flags());
        }
        ArrayNode syscalls = o.putArray("syscalls");
        for (Seccomp.Syscall c : s.syscalls()) {
            ObjectNode e = syscalls.addObject();
            strings(e.putArray("names"), c.names());
            e.put("action", c.action());
            if (c.errnoRet() != null) {
                e.put("errnoRet", c.errnoRet());
            }
            if (!c.args().isEmpty()) {
                ArrayNode args = e.putArray("args");
                for (Seccomp.Arg a : c.args()) {
                    args.addObject().put("index", a.index()).put("value", unsigned(a.value()))
                            .put("valueTwo", unsigned(a.valueTwo())).put("op", a.op());
                }
            }
        }
    }

    private static BigInteger unsigned(long value) {
        return new BigInteger(Long.toUnsignedString(value));
    }

    private static void putIfNotNull(ObjectNode o, String name, String value) {
        if (value != null) {
            o.put(name, value);
        }
    }

    private static void putIfNotNull(ObjectNode o, String name, Long value) {
        if (value != null) {
            o.put(name, value);
        }
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    /** The specification: SemVer 2.0.0; jrun implements 1.x, so other majors are refused too. */
    private static final java.util.regex.Pattern VERSION_1 =
            java.util.regex.Pattern.compile("1\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?");

    private static String ociVersion(String version) throws SpecFormatException {
        if (!VERSION_1.matcher(version).matches()) {
            throw new SpecFormatException("ociVersion: \"" + version + "\" is not a runtime-spec 1.x version"
                    + " (SemVer, such as 1.0.2)");
        }
        return version;
    }
}
