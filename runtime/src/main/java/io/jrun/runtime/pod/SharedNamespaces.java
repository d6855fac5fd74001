package io.jrun.runtime.pod;

import io.jrun.linux.Errno;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.Mounts;
import io.jrun.linux.Namespaces;
import io.jrun.linux.NetworkLinks;
import io.jrun.runtime.spec.Namespace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The namespaces a pod's apps share (network, IPC, UTS), held without a resident process, as
 * {@code ip netns} and CNI hold a network namespace: namespaces are per thread, so a throw-away
 * platform thread unshares them, sets the host name, brings loopback up, and bind-mounts its
 * {@code /proc/thread-self/ns/{net,ipc,uts}} onto empty files in the pod's directory. The
 * kernel keeps a namespace while such a mount exists; the thread then ends. Every app names
 * the files by path in its {@code linux.namespaces}, and the launch joins them with setns.
 * {@link #release} unmounts them: on rm, gc and every failure path.
 */
public final class SharedNamespaces {
    /** The file names under the pod's ns/ directory, with the OCI type each holds. */
    private static final String[][] FILES = {{"net", Namespace.NETWORK}, {"ipc", Namespace.IPC}, {"uts", Namespace.UTS}};

    private SharedNamespaces() {
    }

    /**
     * Makes the pod's namespaces under {@code dir} (created here): IPC and UTS always, the
     * network unless {@code hostNetwork}. Returns them as {@code linux.namespaces} entries. On
     * failure nothing stays mounted.
     */
    public static List<Namespace> create(Path dir, String hostname, boolean hostNetwork) throws IOException {
        return create(dir, hostname, hostNetwork, false);
    }

    /**
     * Makes only a network namespace under {@code dir} (created here), with loopback up: a
     * one-app pod's on a CNI network, which the network is attached to before the app runs.
     * Returns its {@code linux.namespaces} entry. On failure nothing stays mounted.
     */
    public static Namespace createNetwork(Path dir) throws IOException {
        return create(dir, null, false, true).getFirst();
    }

    private static List<Namespace> create(Path dir, String hostname, boolean hostNetwork, boolean networkOnly)
            throws IOException {
        Files.createDirectories(dir);
        List<Namespace> made = new ArrayList<>();
        for (String[] f : FILES) {
            if (included(f[1], hostNetwork, networkOnly)) {
                Files.createFile(dir.resolve(f[0]));
                made.add(new Namespace(f[1], dir.resolve(f[0]).toString()));
            }
        }
        int flags = (networkOnly ? 0 : Namespaces.CLONE_NEWIPC | Namespaces.CLONE_NEWUTS)
                | (hostNetwork ? 0 : Namespaces.CLONE_NEWNET);
        IOException[] failure = new IOException[1];
        Thread holder = Thread.ofPlatform().name("jrun-pod-namespaces").unstarted(() -> {
            try {
                Namespaces.unshare(flags);
                if (!networkOnly) {
                    Namespaces.sethostname(hostname);
                }
                if (!hostNetwork) {
                    NetworkLinks.up("lo");
                }
                for (String[] f : FILES) {
                    if (included(f[1], hostNetwork, networkOnly)) {
                        Mounts.mount("/proc/thread-self/ns/" + f[0], dir.resolve(f[0]).toString(), null, Mounts.MS_BIND, null);
                    }
                }
            } catch (IOException e) {
                failure[0] = e;
            }
        });
        holder.start();
        try {
            holder.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure[0] = new IOException("interrupted while making the pod's namespaces", e);
        }
        if (failure[0] != null) {
            release(dir);
            throw new IOException("cannot make the pod's shared namespaces: " + failure[0].getMessage()
                    + ": jrun needs root (CAP_SYS_ADMIN, CAP_NET_ADMIN)", failure[0]);
        }
        return made;
    }

    private static boolean included(String type, boolean hostNetwork, boolean networkOnly) {
        return type.equals(Namespace.NETWORK) ? !hostNetwork : !networkOnly;
    }

    /**
     * Detaches the network namespace from its CNI network, if it is attached (CNI DEL, see
     * PodNetwork), then unmounts the namespace files under {@code dir} and deletes them and the
     * directory; the kernel frees a namespace once no app is in it either. Safe to call again,
     * and on a directory that was never made whole.
     */
    public static void release(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        io.jrun.runtime.net.PodNetwork.detach(dir);
        for (String[] f : FILES) {
            Path file = dir.resolve(f[0]);
            try {
                Mounts.umount2(file.toString(), Mounts.MNT_DETACH | Mounts.UMOUNT_NOFOLLOW);
            } catch (ErrnoException e) {
                if (e.errno() != Errno.EINVAL && e.errno() != Errno.ENOENT) { // not mounted; not there
                    throw e;
                }
            }
            Files.deleteIfExists(file);
        }
        PodPause.stop(dir); // --share-pid's pid namespace and its pause process
        Files.deleteIfExists(dir);
    }
}
