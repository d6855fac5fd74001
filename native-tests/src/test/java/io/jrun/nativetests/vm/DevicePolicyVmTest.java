package io.jrun.nativetests.vm;

import io.jrun.nativetests.fetch.JrunCli;
import io.jrun.nativetests.harness.DerivedImage;
import io.jrun.nativetests.harness.TestImages;
import io.jrun.nativetests.security.TarLayer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 10's disk test, on a real host (the guest: systemd, cgroup v2, a virtio disk). An image
 * ships a block node for the guest's own root disk, mode 0666: from a default container it cannot
 * be read (the root is mounted nodev), nor can the host's node bound in with -v (the pod's device
 * program denies it); with --privileged both are read. Nothing is ever written to the disk.
 */
@Tag("vm")
class DevicePolicyVmTest {
    private static final String READ_ONE_SECTOR = "dd if=%s of=/dev/null bs=512 count=1 2>&1 && echo read";

    @TempDir
    static Path state;
    @TempDir
    static Path images;
    static VmJrun jrun;
    static String withDisk;
    /** The root disk's node on the guest, e.g. /dev/vda. */
    static Path disk;

    @BeforeAll
    static void image() throws Exception {
        jrun = VmJrun.in(state);
        // the root file system's device, from mountinfo's "MAJOR:MINOR" field (ext4 on the whole disk)
        String rootDevice = Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .map(l -> l.split(" ")).filter(f -> f[4].equals("/")).map(f -> f[2]).findFirst()
                .orElseThrow(() -> new AssertionError("no root mount in /proc/self/mountinfo"));
        String devName = Files.readAllLines(Path.of("/sys/dev/block", rootDevice, "uevent")).stream()
                .filter(l -> l.startsWith("DEVNAME=")).map(l -> l.substring(8)).findFirst()
                .orElseThrow(() -> new AssertionError("/sys/dev/block/" + rootDevice + "/uevent names no device"));
        disk = Path.of("/dev", devName);
        assertThat(disk).as("the root disk's node").exists();
        String[] numbers = rootDevice.split(":");
        TarLayer layer = new TarLayer().dir("devs")
                .device("devs/disk", 'b', Integer.parseInt(numbers[0]), Integer.parseInt(numbers[1]), 0666);
        withDisk = jrun.fetch("oci:" + DerivedImage.withLayer(TestImages.layout("busybox"), images.resolve("disk"),
                layer.bytes(), c -> { }) + ":latest");
    }

    @AfterAll
    static void nothingLeft() throws Exception {
        jrun.gcLeavesNothing();
    }

    @Test
    void theRootDiskIsUnreadableFromADefaultContainer() throws Exception {
        JrunCli.Result r = jrun.run("run", "--rm", "-v", disk + ":/disk", withDisk, "sh", "-c",
                READ_ONE_SECTOR.formatted("/devs/disk") + "; " + READ_ONE_SECTOR.formatted("/disk"));
        assertThat(r.exitCode()).as(r.toString()).isOne();
        assertThat(r.stdout().lines().toList()).as(r.toString()).containsExactly(
                "dd: can't open '/devs/disk': Permission denied",       // the image's node, on the nodev root
                "dd: can't open '/disk': Operation not permitted");      // the host's node: the device program
    }

    @Test
    void theRootDiskIsReadableWithPrivileged() throws Exception {
        JrunCli.Result r = jrun.run("run", "--rm", "--privileged", "-v", disk + ":/disk", withDisk, "sh", "-c",
                READ_ONE_SECTOR.formatted("/devs/disk") + " && " + READ_ONE_SECTOR.formatted("/disk")
                        + " && " + READ_ONE_SECTOR.formatted(disk));
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).as(r.toString()).isEqualTo("1+0 records in\n1+0 records out\nread\n".repeat(3));
    }
}
