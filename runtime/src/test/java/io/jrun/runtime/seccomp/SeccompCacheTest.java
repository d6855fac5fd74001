package io.jrun.runtime.seccomp;

import io.jrun.runtime.prepare.SpecPreparer;
import io.jrun.runtime.prepare.EffectiveConfig;
import io.jrun.runtime.spec.CapabilityNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SeccompCacheTest {
    private static final SeccompTarget TARGET = SeccompTarget.thisMachine(CapabilityNames.set(SpecPreparer.DEFAULT_CAPABILITIES), true);

    @TempDir
    Path dir;

    private List<Path> entries() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    @Test
    void aCachedFilterIsTheCompiledOneAndADamagedEntryIsCompiledAgain() throws Exception {
        SeccompCache cache = new SeccompCache(dir);
        SeccompProgram compiled = cache.compile(SeccompOption.DEFAULT, TARGET).orElseThrow();
        assertThat(entries()).hasSize(1);
        SeccompProgram cached = cache.compile(SeccompOption.DEFAULT, TARGET).orElseThrow();
        assertThat(cached.instructions()).isEqualTo(compiled.instructions());
        assertThat(cached.flags()).isEqualTo(compiled.flags());

        Files.write(entries().getFirst(), new byte[] {1, 2, 3});
        assertThat(cache.compile(SeccompOption.DEFAULT, TARGET).orElseThrow().instructions()).isEqualTo(compiled.instructions());
        assertThat(cache.compile(SeccompOption.DEFAULT, TARGET).orElseThrow().instructions()).isEqualTo(compiled.instructions());
    }

    @Test
    void resolvedRulesAreKeptAndReadBackEqualAndADamagedEntryIsResolvedAgain() throws Exception {
        SeccompCache cache = new SeccompCache(dir);
        io.jrun.runtime.spec.Seccomp direct = SeccompSpecs.resolve(DefaultProfile.get(), TARGET);
        assertThat(cache.resolve(SeccompOption.DEFAULT, TARGET)).contains(direct);
        assertThat(entries()).hasSize(1);
        assertThat(entries().getFirst().getFileName().toString()).endsWith(".rules.json");
        assertThat(cache.resolve(SeccompOption.DEFAULT, TARGET)).as("read back from the entry").contains(direct);
        Files.write(entries().getFirst(), "x\n{".getBytes());
        assertThat(cache.resolve(SeccompOption.DEFAULT, TARGET)).contains(direct);
        assertThat(cache.resolve(SeccompOption.UNCONFINED, TARGET)).isEmpty();
    }

    @Test
    void anotherTargetOrProfileIsAnotherEntry() throws Exception {
        SeccompCache cache = new SeccompCache(dir);
        cache.compile(SeccompOption.DEFAULT, TARGET);
        cache.compile(SeccompOption.DEFAULT, SeccompTarget.thisMachine(-1L, true));
        Path profile = Files.writeString(dir.resolve("p.json"), "{\"defaultAction\": \"SCMP_ACT_ALLOW\"}");
        cache.compile(SeccompOption.parse("seccomp=" + profile), TARGET);
        assertThat(entries().stream().filter(p -> p.toString().endsWith(".bpf"))).hasSize(3);
        assertThat(cache.compile(SeccompOption.UNCONFINED, TARGET)).isEmpty();
    }

    @Test
    void anEntryUnderAnotherEntrysNameIsNotUsed() throws Exception {
        // entry names are checksums, so two may collide: an entry holds what it was compiled from
        SeccompCache cache = new SeccompCache(dir.resolve("cache"));
        Path allow = Files.writeString(dir.resolve("allow.json"), "{\"defaultAction\": \"SCMP_ACT_ALLOW\"}");
        SeccompProgram allowAll = cache.compile(SeccompOption.parse("seccomp=" + allow), TARGET).orElseThrow();
        Path allowEntry;
        try (Stream<Path> s = Files.list(dir.resolve("cache"))) {
            allowEntry = s.findFirst().orElseThrow();
        }
        SeccompProgram standard = cache.compile(SeccompOption.DEFAULT, TARGET).orElseThrow();
        try (Stream<Path> s = Files.list(dir.resolve("cache"))) {
            Path defaultEntry = s.filter(e -> !e.equals(allowEntry)).findFirst().orElseThrow();
            Files.copy(allowEntry, defaultEntry, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        assertThat(allowAll.instructions()).isNotEqualTo(standard.instructions());
        assertThat(cache.compile(SeccompOption.DEFAULT, TARGET).orElseThrow().instructions())
                .isEqualTo(standard.instructions());
    }

    @Test
    void aBadProfileIsRefusedAndNothingIsCached() throws Exception {
        SeccompCache cache = new SeccompCache(dir.resolve("cache"));
        Path profile = Files.writeString(dir.resolve("bad.json"), "{\"defaultAction\": \"SCMP_ACT_NOPE\"}");
        assertThatThrownBy(() -> cache.compile(SeccompOption.parse("seccomp=" + profile), TARGET))
                .isInstanceOf(SeccompProfileException.class).hasMessageContaining("SCMP_ACT_NOPE");
        assertThat(dir.resolve("cache")).doesNotExist();
    }
}
