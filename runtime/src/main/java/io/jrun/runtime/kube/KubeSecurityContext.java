package io.jrun.runtime.kube;

import java.util.List;

/**
 * A container's {@code securityContext}; null where the manifest leaves jrun's default.
 *
 * @param runAsUser                the uid the app runs as
 * @param runAsGroup               its gid
 * @param readOnlyRootFilesystem   the root is read-only (jrun run's --read-only)
 * @param privileged               host-equivalent (jrun run's --privileged)
 * @param allowPrivilegeEscalation false keeps no_new_privs (jrun's default), true lifts it
 *                                 (--security-opt no-new-privileges=false)
 * @param capabilitiesAdd          capabilities added, canonical (CAP_NET_ADMIN) or ALL
 * @param capabilitiesDrop         capabilities dropped, canonical or ALL
 * @param unmaskedProc             procMount Unmasked: no masked or read-only /proc paths
 *                                 (--security-opt unmask=ALL)
 */
public record KubeSecurityContext(Long runAsUser, Long runAsGroup, Boolean readOnlyRootFilesystem, Boolean privileged,
                                  Boolean allowPrivilegeEscalation, List<String> capabilitiesAdd,
                                  List<String> capabilitiesDrop, boolean unmaskedProc) {
    public static final KubeSecurityContext DEFAULT =
            new KubeSecurityContext(null, null, null, null, null, List.of(), List.of(), false);

    public KubeSecurityContext {
        capabilitiesAdd = List.copyOf(capabilitiesAdd);
        capabilitiesDrop = List.copyOf(capabilitiesDrop);
    }
}
