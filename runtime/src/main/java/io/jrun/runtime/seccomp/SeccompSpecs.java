package io.jrun.runtime.seccomp;

import io.jrun.runtime.spec.Seccomp;
import io.jrun.runtime.spec.SpecJson;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Between docker's seccomp profiles and the OCI configuration's {@code linux.seccomp}: a
 * profile's rules that hold for a container (its capabilities, architecture, kernel) become the
 * configuration's plain rules when a configuration is prepared, and the configuration's rules
 * are compiled, through the cache, when it is launched.
 */
public final class SeccompSpecs {
    private SeccompSpecs() {
    }

    /** The rules of {@code profile} that apply to {@code target}, as {@code linux.seccomp}. */
    public static Seccomp resolve(SeccompProfile profile, SeccompTarget target) {
        List<Seccomp.Syscall> rules = new ArrayList<>();
        for (SyscallRule rule : profile.syscalls()) {
            if (!rule.appliesTo(target)) {
                continue;
            }
            List<Seccomp.Arg> args = new ArrayList<>();
            for (ArgCondition a : rule.args()) {
                args.add(new Seccomp.Arg(a.index(), a.value(), a.valueTwo(), a.op().profileName()));
            }
            rules.add(new Seccomp.Syscall(rule.names(), rule.action().profileName(), rule.errnoRet(), args));
        }
        List<String> flags = new ArrayList<>();
        for (Map.Entry<String, Integer> flag : ProfileParser.FLAGS.entrySet()) {
            if ((profile.filterFlags() & flag.getValue()) != 0) {
                flags.add(flag.getKey());
            }
        }
        flags.sort(null);
        return new Seccomp(profile.defaultAction().profileName(), profile.defaultErrnoRet(),
                List.copyOf(profile.architectures()), flags, rules);
    }

    /** The filter for {@code seccomp}, from the cache when it was compiled before for the same target. */
    public static SeccompProgram compile(Seccomp seccomp, SeccompTarget target, SeccompCache cache)
            throws SeccompProfileException {
        return cache.compile(SpecJson.write(seccomp), "linux.seccomp", target);
    }
}
