package io.jrun.runtime.devices;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrun.linux.Bpf;
import io.jrun.runtime.spec.DeviceRule;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The generated device programs, run in {@link EbpfInterpreter}: what the default policy allows
 * and denies, and for many rule lists (hand-picked and random) the same answer as a plain reading
 * of {@link DevicePolicy}'s rule (per access, the last rule that matches and names it decides;
 * default deny) for every request of a grid of devices and accesses.
 */
class DeviceFilterTest {
    /** What a configuration with no rules of its own gets: the default allow-list, the rest denied. */
    static final DevicePolicy DEFAULT = new DevicePolicy(DevicePolicy.DEFAULT_RULES);

    private static final int M = Bpf.BPF_DEVCG_ACC_MKNOD, R = Bpf.BPF_DEVCG_ACC_READ, W = Bpf.BPF_DEVCG_ACC_WRITE;
    private static final long[] NUMBERS = {0, 1, 2, 3, 5, 7, 136, 254, 4095, 0x7fffffffL, 0x80000000L, 0xffffffffL};

    /** What the kernel asks: {@code access} (BPF_DEVCG_ACC_* bits) to device {@code type} major:minor. */
    static boolean allows(DeviceProgram program, char type, long major, long minor, int access) {
        int devType = type == 'b' ? Bpf.BPF_DEVCG_DEV_BLOCK : Bpf.BPF_DEVCG_DEV_CHAR;
        long r0 = EbpfInterpreter.run(program.instructions(), access << 16 | devType, (int) major, (int) minor);
        assertThat(r0).as("r0 is 0 or 1").isBetween(0L, 1L);
        return r0 == 1;
    }

    static boolean allows(DevicePolicy policy, char type, long major, long minor, int access) {
        return policy.program().map(p -> allows(p, type, major, minor, access)).orElse(true);
    }

    /** The rule read plainly: every access asked for must be allowed by the last rule that matches and names it. */
    static boolean reference(List<DeviceRule> rules, char type, long major, long minor, int access) {
        for (int bit : new int[] {M, R, W}) {
            if ((access & bit) == 0) {
                continue;
            }
            boolean allowed = false;
            for (DeviceRule rule : rules.reversed()) {
                boolean matches = (rule.type().equals("a") || rule.type().charAt(0) == type)
                        && (rule.major() == null || rule.major() == major) && (rule.minor() == null || rule.minor() == minor)
                        && (DeviceFilter.accessBits(rule) & bit) != 0;
                if (matches) {
                    allowed = rule.allow();
                    break;
                }
            }
            if (!allowed) {
                return false;
            }
        }
        return true;
    }

    static void assertSameAsReference(List<DeviceRule> rules) {
        DevicePolicy policy = new DevicePolicy(rules);
        for (char type : new char[] {'b', 'c'}) {
            for (long major : NUMBERS) {
                for (long minor : NUMBERS) {
                    for (int access = 1; access <= 7; access++) {
                        assertThat(allows(policy, type, major, minor, access))
                                .as("%s: %s %d:%d access %d", rules, type, major, minor, access)
                                .isEqualTo(reference(rules, type, major, minor, access));
                    }
                }
            }
        }
    }

    @Test
    void theDefaultAllowsTheStandardDevicesAndNothingElse() {
        DevicePolicy d = DEFAULT;
        for (long[] device : new long[][] {{1, 3}, {1, 5}, {1, 7}, {1, 8}, {1, 9}, {5, 0}, {5, 1}, {5, 2}, {136, 0}, {136, 4095}}) {
            for (int access : new int[] {R, W, R | W, M, R | W | M}) {
                assertThat(allows(d, 'c', device[0], device[1], access)).as("c %d:%d %d", device[0], device[1], access).isTrue();
            }
            assertThat(allows(d, 'b', device[0], device[1], R)).as("the block device %d:%d", device[0], device[1]).isFalse();
        }
        assertThat(allows(d, 'c', 1, 1, R)).as("/dev/mem").isFalse();
        assertThat(allows(d, 'c', 1, 11, W)).as("/dev/kmsg").isFalse();
        assertThat(allows(d, 'b', 254, 0, R)).as("a virtio disk").isFalse();
        assertThat(allows(d, 'b', 8, 0, M)).as("mknod of a SCSI disk").isFalse();
        assertThat(allows(d, 'c', 10, 200, R | W)).as("/dev/net/tun").isFalse();
        assertThat(allows(d, 'c', 4, 1, R | W)).as("a virtual console").isFalse();
    }

    @Test
    void anAddedDeviceIsAllowedForItsAccessOnly() {
        List<DeviceRule> rules = new ArrayList<>(DevicePolicy.DEFAULT_RULES);
        rules.add(DeviceRule.allow("c", 10L, 229L, "rw")); // podman's rule for --device /dev/fuse:rw
        DevicePolicy p = new DevicePolicy(rules);
        assertThat(allows(p, 'c', 10, 229, R | W)).isTrue();
        assertThat(allows(p, 'c', 10, 229, M)).isFalse();
        assertThat(allows(p, 'c', 10, 229, R | M)).as("r allowed, m not: denied").isFalse();
        assertThat(allows(p, 'b', 10, 229, R)).isFalse();
        assertThat(allows(p, 'c', 10, 228, R)).isFalse();
        assertThat(allows(p, 'c', 1, 3, R | W | M)).isTrue();
    }

    @Test
    void unrestrictedNeedsNoProgramAndAnythingElseGetsOne() {
        DevicePolicy unrestricted = new DevicePolicy(List.of(DeviceRule.allow("a", null, null, "rwm"))); // --privileged
        assertThat(unrestricted.allowsAll()).isTrue();
        assertThat(unrestricted.program()).isEmpty();
        DeviceRule allowAll = DeviceRule.allow("a", null, null, "rwm");
        DeviceRule denyAll = new DeviceRule(false, null, null, null, null);
        DeviceRule denyNullWrites = new DeviceRule(false, "c", 1L, 3L, "w");
        assertThat(new DevicePolicy(List.of(denyAll, allowAll)).allowsAll()).isTrue();
        assertThat(new DevicePolicy(List.of(allowAll, DeviceRule.allow("c", 1L, 3L, "r"))).allowsAll()).isTrue();
        assertThat(new DevicePolicy(List.of(allowAll, denyAll)).allowsAll()).isFalse();
        assertThat(new DevicePolicy(List.of(allowAll, denyNullWrites)).allowsAll()).isFalse();
        assertThat(new DevicePolicy(List.of()).allowsAll()).as("no rule: default deny").isFalse();
        assertThat(DEFAULT.allowsAll()).isFalse();
        DevicePolicy nullReadOnly = new DevicePolicy(List.of(allowAll, denyNullWrites));
        assertThat(allows(nullReadOnly, 'c', 1, 3, R)).isTrue();
        assertThat(allows(nullReadOnly, 'c', 1, 3, R | W)).isFalse();
        assertThat(allows(nullReadOnly, 'b', 8, 0, R | W | M)).isTrue();
    }

    @Test
    void rulesBeforeTheLastCatchAllAreLeftOut() {
        DeviceRule allowMem = DeviceRule.allow("c", 1L, 1L, "rwm");
        DeviceRule denyAll = new DeviceRule(false, "a", null, null, "rwm");
        DeviceRule allowNull = DeviceRule.allow("c", 1L, 3L, "rwm");
        DeviceProgram withDeadRule = new DevicePolicy(List.of(allowMem, denyAll, allowNull)).program().orElseThrow();
        DeviceProgram without = new DevicePolicy(List.of(allowNull)).program().orElseThrow();
        assertThat(withDeadRule).isEqualTo(without);
        assertThat(allows(withDeadRule, 'c', 1, 1, R)).isFalse();
    }

    @Test
    void handPickedRuleListsDecideAsTheRuleSays() {
        DeviceRule allowAll = DeviceRule.allow("a", null, null, "rwm");
        List<List<DeviceRule>> lists = List.of(
                DevicePolicy.DEFAULT_RULES,
                List.of(),
                List.of(allowAll, new DeviceRule(false, "c", 1L, 3L, "w"), new DeviceRule(false, "b", null, null, "m")),
                List.of(DeviceRule.allow("c", 1L, 3L, "r"), DeviceRule.allow("c", 1L, 3L, "w")),
                List.of(DeviceRule.allow("a", 1L, null, "rw"), new DeviceRule(false, "c", null, 3L, "r")),
                List.of(DeviceRule.allow("a", null, 0xffffffffL, "m"), DeviceRule.allow("b", 0x80000000L, null, "rwm")),
                List.of(new DeviceRule(false, "a", 5L, null, "rw"), DeviceRule.allow("c", null, null, "rwm"),
                        new DeviceRule(false, "c", 136L, null, "m")));
        for (List<DeviceRule> rules : lists) {
            assertSameAsReference(rules);
        }
    }

    @Test
    void randomRuleListsDecideAsTheRuleSays() {
        Random random = new Random(20261207);
        String[] types = {"a", "b", "c"};
        String[] accesses = {"r", "w", "m", "rw", "rm", "wm", "rwm", "mr"};
        for (int list = 0; list < 150; list++) {
            List<DeviceRule> rules = new ArrayList<>();
            for (int n = random.nextInt(8); n > 0; n--) {
                rules.add(new DeviceRule(random.nextBoolean(), types[random.nextInt(3)],
                        random.nextInt(3) == 0 ? null : NUMBERS[random.nextInt(NUMBERS.length)],
                        random.nextInt(3) == 0 ? null : NUMBERS[random.nextInt(NUMBERS.length)],
                        random.nextInt(6) == 0 ? "rwm" : accesses[random.nextInt(accesses.length)]));
            }
            assertSameAsReference(rules);
        }
    }
}
