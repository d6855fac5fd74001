package io.jrun.oci;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jrun.cli.Specs;
import io.jrun.images.oci.JsonTrees;
import io.jrun.linux.Capabilities;
import io.jrun.runtime.spec.CapabilityNames;
import io.jrun.runtime.spec.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code features}: what this runtime implements, as the runtime specification's features.md says. */
final class FeaturesCommand implements Callable<Integer> {
    final CommandSpec spec;

    FeaturesCommand(OciCommand root) {
        spec = Specs.command(this, "features", "Print what jrun-oci implements, as runtime-spec features JSON.");
    }

    @Override
    public Integer call() throws Exception {
        ObjectNode n = JsonTrees.object();
        n.put("ociVersionMin", "1.0.0");
        n.put("ociVersionMax", Spec.OCI_VERSION);
        strings(n.putArray("hooks"), List.of("prestart", "createRuntime", "poststart", "poststop"));
        strings(n.putArray("mountOptions"), List.of("ro", "rw", "nosuid", "suid", "nodev", "dev", "noexec", "exec",
                "relatime", "noatime", "strictatime", "nodiratime", "diratime", "nosymfollow", "symfollow", "bind",
                "rbind", "private", "rprivate", "shared", "rshared", "slave", "rslave", "unbindable", "runbindable"));
        ObjectNode linux = n.putObject("linux");
        strings(linux.putArray("namespaces"), List.of("cgroup", "ipc", "mount", "network", "pid", "time", "uts"));
        ArrayNode caps = linux.putArray("capabilities");
        for (int c = 0; c <= Capabilities.lastCap(); c++) {
            caps.add(CapabilityNames.name(c));
        }
        linux.putObject("cgroup").put("v1", false).put("v2", true).put("systemd", false).put("systemdUser", false);
        ObjectNode seccomp = linux.putObject("seccomp").put("enabled", true);
        strings(seccomp.putArray("actions"), List.of("SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL",
                "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_TRACE", "SCMP_ACT_TRAP"));
        strings(seccomp.putArray("operators"), List.of("SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE",
                "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE"));
        strings(seccomp.putArray("archs"), List.of("SCMP_ARCH_AARCH64", "SCMP_ARCH_X86", "SCMP_ARCH_X86_64"));
        linux.putObject("apparmor").put("enabled", false);
        linux.putObject("selinux").put("enabled", false);
        n.putObject("annotations").put("io.jrun.runtime", "jrun-oci");
        System.out.write(JsonTrees.write(n, true));
        System.out.println();
        return 0;
    }

    private static void strings(ArrayNode a, List<String> values) {
        values.forEach(a::add);
    }
}
