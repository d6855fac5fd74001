package io.jrun.runtime.spec;

import java.util.ArrayList;
import java.util.List;

/**
 * The container's process ({@code process} in config.json).
 *
 * @param terminal        the process gets a pseudo-terminal as its stdin, stdout and stderr
 * @param consoleSize     the terminal's initial size, or null
 * @param user            who it runs as, in numbers
 * @param args            the command; {@code args[0]} is an absolute path or a name searched in the
 *                        environment's PATH inside the container
 * @param env             "K=V" strings
 * @param cwd             the working directory, an absolute path inside the container
 * @param capabilities    the capability sets, by name
 * @param rlimits         resource limits set before the process runs
 * @param noNewPrivileges no_new_privs: no exec can gain privileges
 * @param apparmorProfile an AppArmor profile (refused when given: jrun has no AppArmor support)
 * @param selinuxLabel    an SELinux label (refused when given)
 * @param oomScoreAdj     /proc/PID/oom_score_adj, or null to inherit
 */
public record Process(boolean terminal, ConsoleSize consoleSize, User user, List<String> args, List<String> env,
                      String cwd, CapabilitySets capabilities, List<Rlimit> rlimits, boolean noNewPrivileges,
                      String apparmorProfile, String selinuxLabel, Integer oomScoreAdj) {
    public Process {
        user = user == null ? User.ROOT : user;
        args = args == null ? List.of() : List.copyOf(args);
        env = env == null ? List.of() : List.copyOf(env);
        capabilities = capabilities == null ? CapabilitySets.NONE : capabilities;
        rlimits = rlimits == null ? List.of() : List.copyOf(rlimits);
        if (cwd == null || !cwd.startsWith("/")) {
            throw new IllegalArgumentException("process.cwd must be an absolute path, not \"" + cwd + "\"");
        }
    }

    /** The value of an environment variable, or null. */
    public String getenv(String name) {
        String prefix = name + "=";
        String value = null;
        for (String e : env) {
            if (e.startsWith(prefix)) {
                value = e.substring(prefix.length()); // the last one wins, as with execve's readers
            }
        }
        return value;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.terminal = terminal;
        b.consoleSize = consoleSize;
        b.user = user;
        b.args.addAll(args);
        b.env.addAll(env);
        b.cwd = cwd;
        b.capabilities = capabilities;
        b.rlimits.addAll(rlimits);
        b.noNewPrivileges = noNewPrivileges;
        b.apparmorProfile = apparmorProfile;
        b.selinuxLabel = selinuxLabel;
        b.oomScoreAdj = oomScoreAdj;
        return b;
    }

    public static final class Builder {
        private boolean terminal;
        private ConsoleSize consoleSize;
        private User user = User.ROOT;
        private final List<String> args = new ArrayList<>();
        private final List<String> env = new ArrayList<>();
        private String cwd = "/";
        private CapabilitySets capabilities = CapabilitySets.NONE;
        private final List<Rlimit> rlimits = new ArrayList<>();
        private boolean noNewPrivileges;
        private String apparmorProfile;
        private String selinuxLabel;
        private Integer oomScoreAdj;

        private Builder() {
        }

        public Builder terminal(boolean v) {
            terminal = v;
            return this;
        }

        public Builder consoleSize(ConsoleSize v) {
            consoleSize = v;
            return this;
        }

        public Builder user(User v) {
            user = v;
            return this;
        }

        public Builder args(List<String> v) {
            args.clear();
            args.addAll(v);
            return this;
        }

        public Builder args(String... v) {
            return args(List.of(v));
        }

        public Builder env(List<String> v) {
            env.clear();
            env.addAll(v);
            return this;
        }

        public Builder addEnv(String keyValue) {
            env.add(keyValue);
            return this;
        }

        public Builder cwd(String v) {
            cwd = v;
            return this;
        }

        public Builder capabilities(CapabilitySets v) {
            capabilities = v;
            return this;
        }

        public Builder rlimits(List<Rlimit> v) {
            rlimits.clear();
            rlimits.addAll(v);
            return this;
        }

        public Builder rlimit(Rlimit v) {
            rlimits.removeIf(r -> r.type().equals(v.type()));
            rlimits.add(v);
            return this;
        }

        public Builder noNewPrivileges(boolean v) {
            noNewPrivileges = v;
            return this;
        }

        public Builder apparmorProfile(String v) {
            apparmorProfile = v;
            return this;
        }

        public Builder selinuxLabel(String v) {
            selinuxLabel = v;
            return this;
        }

        public Builder oomScoreAdj(Integer v) {
            oomScoreAdj = v;
            return this;
        }

        public Process build() {
            return new Process(terminal, consoleSize, user, args, env, cwd, capabilities, rlimits, noNewPrivileges,
                    apparmorProfile, selinuxLabel, oomScoreAdj);
        }
    }
}
