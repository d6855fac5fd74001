package io.jrun.nativetests.fetch;

import io.jrun.images.oci.Digest;
import io.jrun.images.store.ImageStore;
import io.jrun.images.store.StoreLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two multithreaded processes that wait for each other's layer locks from different threads
 * are no deadlock: each holder finishes and lets go. The kernel's deadlock detection for
 * fcntl locks counts processes, not threads, and failed one of them with EDEADLK (CI saw
 * "jrun: Resource deadlock avoided" from two concurrent fetches). The store locks are flocks,
 * which have no such detection.
 */
class StoreLocksAcrossProcessesTest {
    private static final Digest X = Digest.sha256("layer x".getBytes(StandardCharsets.UTF_8));
    private static final Digest Y = Digest.sha256("layer y".getBytes(StandardCharsets.UTF_8));

    @Test
    void crossedWaitsFromDifferentThreadsBothComplete(@TempDir Path state) throws Exception {
        ImageStore store = ImageStore.open(state);
        StoreLock.Held holdingX = store.lockLayer(X);
        Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                OtherProcess.class.getName(), state.toString())
                .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).isEqualTo("holding y");
        // Now this process waits for Y from another thread while the other process waits for X.
        CompletableFuture<Void> waitForY = CompletableFuture.runAsync(() -> {
            try (StoreLock.Held y = store.lockLayer(Y)) {
                // got it once the other process is done
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        // Both waits are queued in the kernel before X is let go (or one of them failed). Looked for
        // up to 6000 times 20 ms apart: a wait that never shows fails with what /proc/locks held.
        for (int i = 0; i < 6000 && blockedWaiters(locksOn(state)).size() < 2 && !waitForY.isDone() && other.isAlive(); i++) {
            Thread.sleep(20);
        }
        List<String> seen = locksOn(state);
        if (blockedWaiters(seen).size() < 2 && !waitForY.isDone() && other.isAlive()) {
            holdingX.close();
            other.destroyForcibly().waitFor();
            throw new AssertionError("the two crossed waits never both showed in /proc/locks; its lines for the X and Y"
                    + " lock files (this process holding X, pid " + ProcessHandle.current().pid() + "; the other holding Y, pid "
                    + other.pid() + "): " + seen);
        }
        holdingX.close();
        waitForY.get(2, TimeUnit.MINUTES); // throws if the wait failed
        assertThat(other.waitFor(2, TimeUnit.MINUTES)).isTrue();
        StringBuilder rest = new StringBuilder();
        for (String line; (line = out.readLine()) != null; ) {
            rest.append(line).append('\n');
        }
        assertThat(other.exitValue()).as(rest.toString()).isZero();
        assertThat(rest.toString()).isEqualTo("got x\n");
    }

    /**
     * The waiters among {@code locks}: /proc/locks shows one as
     * {@code "2: -> FLOCK  ADVISORY  WRITE PID MAJ:MIN:INODE 0 EOF"}.
     */
    private static List<String> blockedWaiters(List<String> locks) {
        return locks.stream().filter(line -> line.split("\\s+")[1].equals("->")).toList();
    }

    /** The lines of /proc/locks for the X and Y lock files (holders and waiters). */
    private static List<String> locksOn(Path state) throws Exception {
        Path locks = state.resolve("images/locks");
        List<String> inodes = List.of(
                ":" + Files.getAttribute(locks.resolve(X.hex() + ".lock"), "unix:ino"),
                ":" + Files.getAttribute(locks.resolve(Y.hex() + ".lock"), "unix:ino"));
        return Files.readAllLines(Path.of("/proc/locks")).stream().map(String::trim)
                .filter(line -> {
                    String[] f = line.split("\\s+");
                    int inode = f.length > 1 && f[1].equals("->") ? 6 : 5;
                    return f.length > inode && inodes.stream().anyMatch(f[inode]::endsWith);
                })
                .toList();
    }

    /** The other process: holds Y on its main thread, then waits for X from a second thread. */
    public static final class OtherProcess {
        public static void main(String[] args) throws Exception {
            ImageStore store = ImageStore.open(Path.of(args[0]));
            try (StoreLock.Held y = store.lockLayer(Y)) {
                System.out.println("holding y");
                System.out.flush();
                Thread waiter = new Thread(() -> {
                    try (StoreLock.Held x = store.lockLayer(X)) {
                        System.out.println("got x");
                    } catch (Exception e) {
                        System.out.println("waiting for x failed: " + e);
                        System.exit(1);
                    }
                });
                waiter.start();
                waiter.join();
            }
        }
    }
}
