package io.jrun.nativetests.run;

import io.jrun.nativetests.fetch.JrunCli;
import io.jrun.nativetests.harness.DerivedImage;
import io.jrun.nativetests.harness.HostLeftAsItWas;
import io.jrun.nativetests.harness.TestImages;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --read-only}'s tmpfs mounts on /run, /tmp and /var/tmp hold what the image has there
 * (crun's tmpcopyup), as postgres needs: its image ships /run/postgresql owned by postgres
 * (uid 70) with mode 2775, and postgres, as that user, creates its socket lock file in it. A
 * user's own {@code --tmpfs} on one of them replaces the automatic one rather than stacking a
 * second mount on it. With the real CLI, against the real kernel.
 */
@ExtendWith(HostLeftAsItWas.class)
class ReadOnlyTmpfsTest {
    @TempDir
    static Path state;
    @TempDir
    static Path images;
    static JrunCli jrun;
    /** busybox plus a layer shaped like postgres' /run and some content in /tmp and /var/tmp. */
    static String image;

    @BeforeAll
    static void image() throws Exception {
        jrun = new JrunCli(state);
        Layer layer = new Layer()
                .dir("run", 0, 0, 0755) // the parents as busybox has them: a layer's implicit parents are 0755
                .dir("tmp", 0, 0, 01777)
                .dir("var", 0, 0, 0755)
                .dir("var/tmp", 0, 0, 01777)
                .dir("run/postgresql", 70, 70, 02775)
                .file("run/postgresql/pg.conf", 70, 70, 0640, "listen_addresses = ''\n")
                .symlink("run/postgresql/current.conf", "pg.conf", 70, 70)
                .symlink("run/postgresql/escape", "/etc/passwd", 70, 70)
                .fifo("run/postgresql/queue", 70, 70, 0620)
                .file("run/setuid-copy", 0, 0, 04755, "#!/bin/sh\n")
                .file("run/big.bin", 0, 0, 0644, "x".repeat(256 << 10))
                .file("tmp/seed.txt", 1000, 1000, 0600, "seed\n")
                .dir("var/tmp/cache", 1000, 1000, 0700);
        Path derived = DerivedImage.withLayer(TestImages.layout("busybox"), images.resolve("pg"), layer.bytes(), config -> { });
        image = "oci:" + derived + ":latest";
        JrunCli.Result fetched = jrun.run("fetch", "-q", image);
        assertThat(fetched.exitCode()).as(fetched.toString()).isZero();
    }

    private static JrunCli.Result run(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("run", "--rm"));
        all.addAll(List.of(args));
        return jrun.run(all.toArray(String[]::new));
    }

    @Test
    void theImagesRunIsCopiedUpAndItsOwnerCreatesFilesInIt() throws Exception {
        JrunCli.Result r = run("--read-only", "-u", "70:70", image, "sh", "-c",
                "stat -c '%a %u:%g %F' /run /run/postgresql /run/postgresql/pg.conf /run/postgresql/queue /run/setuid-copy"
                        + " /tmp /tmp/seed.txt /var/tmp/cache;"
                        + " readlink /run/postgresql/current.conf; readlink /run/postgresql/escape; stat -c '%u:%g' -L /run/postgresql/current.conf;"
                        + " cat /run/postgresql/current.conf; touch /run/postgresql/.s.PGSQL.5432.lock && echo created;"
                        + " (echo x > /etc/x) 2>/dev/null || echo root-read-only;"
                        + " grep -E ' /(run|tmp|var/tmp) ' /proc/self/mountinfo | cut -d' ' -f5,6,9 | sort");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).isEqualTo("""
                755 0:0 directory
                2775 70:70 directory
                640 70:70 regular file
                620 70:70 fifo
                4755 0:0 regular file
                1777 0:0 directory
                600 1000:1000 regular file
                700 1000:1000 directory
                pg.conf
                /etc/passwd
                70:70
                listen_addresses = ''
                created
                root-read-only
                /run rw,nosuid,nodev,relatime tmpfs
                /tmp rw,nosuid,nodev,relatime tmpfs
                /var/tmp rw,nosuid,nodev,relatime tmpfs
                """);
    }

    @Test
    void aUsersTmpfsOnRunReplacesTheAutomaticOneWithItsOptions() throws Exception {
        JrunCli.Result r = run("--read-only", "--tmpfs", "/run", image, "sh", "-c",
                "grep ' /run ' /proc/self/mountinfo | cut -d' ' -f5,6,9; cat /run/postgresql/pg.conf");
        assertThat(r.stdout()).as("exactly one mount on /run: the user's (docker's noexec), still with the image's content")
                .isEqualTo("/run rw,nosuid,nodev,noexec,relatime tmpfs\nlisten_addresses = ''\n");

        r = run("--read-only", "--tmpfs", "/run:size=1m,exec,mode=750,uid=70,gid=0", "-u", "70:70", image,
                "sh", "-c", "grep -c ' /run ' /proc/self/mountinfo; grep ' /run ' /proc/self/mountinfo | cut -d' ' -f6;"
                        + " stat -c '%a %u:%g' /run /run/postgresql; touch /run/postgresql/lock && echo created");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).as("one mount on /run, the user's").isEqualTo("1\nrw,nosuid,nodev,relatime\n750 70:0\n2775 70:70\ncreated\n");

        r = run("--read-only", "--tmpfs", "/run:notmpcopyup", image, "sh", "-c",
                "grep -c ' /run ' /proc/self/mountinfo; stat -c '%a %u:%g' /run; ls -A /run | wc -l");
        assertThat(r.stdout()).as("notmpcopyup: an empty tmpfs, docker's mode").isEqualTo("1\n1777 0:0\n0\n");

        r = run("--tmpfs", "/srv/new:uid=1000,gid=50,mode=700,ro", image, "sh", "-c",
                "stat -c '%a %u:%g' /srv/new; grep ' /srv/new ' /proc/self/mountinfo | cut -d' ' -f6");
        assertThat(r.stdout()).as("a new directory: the options' owner and mode").isEqualTo("700 1000:50\nro,nosuid,nodev,noexec,relatime\n");

        r = run("--tmpfs", "/run:ro", image, "sh", "-c", "cat /run/postgresql/pg.conf; touch /run/x 2>/dev/null || echo read-only");
        assertThat(r.stdout()).as("ro: copied first, read-only after").isEqualTo("listen_addresses = ''\nread-only\n");
    }

    @Test
    void aTmpfsTooSmallForTheImagesContentIsOneLine() throws Exception {
        JrunCli.Result r = run("--read-only", "--tmpfs", "/run:size=64k", image, "true");
        assertThat(r.exitCode()).isEqualTo(125);
        assertThat(r.stderr()).startsWith("jrun: cannot copy the image's /run into its tmpfs: ")
                .contains("No space left on device (ENOSPC)").endsWith(": give it a larger size=, or add notmpcopyup\n")
                .hasLineCount(1);
    }

    /** An uncompressed layer tar whose entries carry owners, as an image's do. */
    private static final class Layer {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes);

        Layer dir(String name, int uid, int gid, int mode) throws IOException {
            return put(new TarArchiveEntry(name + "/", TarArchiveEntry.LF_DIR, true), uid, gid, mode, new byte[0]);
        }

        Layer file(String name, int uid, int gid, int mode, String content) throws IOException {
            byte[] data = content.getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry e = new TarArchiveEntry(name, true);
            e.setSize(data.length);
            return put(e, uid, gid, mode, data);
        }

        Layer symlink(String name, String target, int uid, int gid) throws IOException {
            TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK, true);
            e.setLinkName(target);
            return put(e, uid, gid, 0777, new byte[0]);
        }

        Layer fifo(String name, int uid, int gid, int mode) throws IOException {
            return put(new TarArchiveEntry(name, TarArchiveEntry.LF_FIFO, true), uid, gid, mode, new byte[0]);
        }

        private Layer put(TarArchiveEntry e, int uid, int gid, int mode, byte[] data) throws IOException {
            e.setIds(uid, gid);
            e.setMode(mode);
            e.setModTime(1_700_000_000_000L);
            tar.putArchiveEntry(e);
            tar.write(data);
            tar.closeArchiveEntry();
            return this;
        }

        byte[] bytes() throws IOException {
            tar.close();
            return bytes.toByteArray();
        }
    }
}
