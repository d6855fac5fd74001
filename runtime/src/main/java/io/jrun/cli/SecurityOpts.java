package io.jrun.cli;

import io.jrun.runtime.seccomp.SeccompOption;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The values of {@code --security-opt}, as docker and podman spell them: {@code seccomp=…},
 * {@code no-new-privileges[=true|false]} (docker's older {@code no-new-privileges:true} too)
 * and {@code unmask=PATH[:PATH…]|ALL} (podman's). jrun applies no SELinux label and no
 * AppArmor profile, so {@code label=disable} and {@code apparmor=unconfined} ask for nothing
 * and are accepted; any other value is refused with one line.
 *
 * @param noNewPrivileges null when not given
 * @param unmask          the unmask paths and globs, in order
 */
record SecurityOpts(SeccompOption seccomp, Boolean noNewPrivileges, List<String> unmask) {
    private static final String NNP = "no-new-privileges";
    /** Every form {@link #parse} takes, as run's help and the error for another one list them. */
    static final List<String> FORMS = List.of("seccomp=unconfined", "seccomp=builtin", "seccomp=FILE.json",
            NNP + "[=true|false]", "unmask=PATH[:PATH...]|ALL", "label=disable", "apparmor=unconfined");

    SecurityOpts {
        unmask = List.copyOf(unmask);
    }

    static SecurityOpts parse(List<String> values) {
        SeccompOption seccomp = SeccompOption.DEFAULT;
        Boolean noNewPrivileges = null;
        List<String> unmask = new ArrayList<>();
        for (String value : values) {
            if (SeccompOption.isSeccomp(value)) {
                seccomp = SeccompOption.parse(value);
            } else if (value.equals(NNP) || value.startsWith(NNP + "=") || value.startsWith(NNP + ":")) {
                noNewPrivileges = value.equals(NNP) || bool(value, value.substring(NNP.length() + 1));
            } else if (value.startsWith("unmask=")) {
                String paths = value.substring("unmask=".length());
                for (String path : paths.split(":", -1)) {
                    if (!path.equals("ALL") && !path.startsWith("/")) {
                        throw new IllegalArgumentException("invalid --security-opt '" + value
                                + "': unmask takes absolute paths separated by ':', or ALL");
                    }
                    unmask.add(path);
                }
            } else if (!value.equals("label=disable") && !value.equals("label:disable")
                    && !value.equals("apparmor=unconfined") && !value.equals("apparmor:unconfined")) {
                throw new IllegalArgumentException("unsupported --security-opt '" + value + "': jrun takes "
                        + String.join(", ", FORMS.subList(0, FORMS.size() - 1)) + " or " + FORMS.getLast());
            }
        }
        return new SecurityOpts(seccomp, noNewPrivileges, unmask);
    }

    private static boolean bool(String option, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("invalid --security-opt '" + option
                    + "': use no-new-privileges=true or no-new-privileges=false");
        };
    }
}
