package io.jrun.images.registry;

import io.jrun.images.reference.ImageReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CredentialLookupTest {
    @TempDir
    Path tmp;
    private final Map<String, String> env = new HashMap<>();

    private Path home() {
        return tmp.resolve("home");
    }

    private CredentialLookup lookup(Credentials explicit, Path authFile) {
        return new CredentialLookup(new RegistryOptions(Set.of(), explicit, authFile, env::get, home()), () -> 0);
    }

    private CredentialLookup lookup() {
        return lookup(null, null);
    }

    private static String auth(String user, String pass) {
        return Base64.getEncoder().encodeToString((user + ":" + pass).getBytes(StandardCharsets.UTF_8));
    }

    private static Path write(Path file, String json) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, json);
    }

    private static String auths(String key, String user, String pass) {
        return "{\"auths\":{\"" + key + "\":{\"auth\":\"" + auth(user, pass) + "\"}}}";
    }

    private static Optional<Credentials> find(CredentialLookup l, String ref) throws RegistryException {
        return l.find(ImageReference.parse(ref));
    }

    @Test
    void defaultSearchOrderFollowsContainersAuthJson() {
        env.put("REGISTRY_AUTH_FILE", "/etc/reg-auth.json");
        env.put("XDG_RUNTIME_DIR", "/run/user/1000");
        env.put("XDG_CONFIG_HOME", "/cfg");
        assertThat(lookup().candidateFiles()).containsExactly(
                Path.of("/etc/reg-auth.json"),
                Path.of("/run/user/1000/containers/auth.json"),
                Path.of("/cfg/containers/auth.json"),
                home().resolve(".docker/config.json"),
                home().resolve(".dockercfg"));
    }

    @Test
    void withoutXdgVariablesRootUsesRunContainersZero() {
        assertThat(lookup().candidateFiles()).containsExactly(
                Path.of("/run/containers/0/auth.json"),
                home().resolve(".config/containers/auth.json"),
                home().resolve(".docker/config.json"),
                home().resolve(".dockercfg"));
        CredentialLookup asUser = new CredentialLookup(
                new RegistryOptions(Set.of(), null, null, env::get, home()), () -> 1000);
        assertThat(asUser.candidateFiles()).first().isEqualTo(Path.of("/run/containers/1000/auth.json"));
    }

    @Test
    void explicitCredentialsWinOverFiles() throws Exception {
        write(home().resolve(".docker/config.json"), auths("quay.io", "file", "x"));
        Credentials creds = new Credentials("cli", "secret");
        assertThat(find(lookup(creds, null), "quay.io/a/b")).hasValue(creds);
    }

    @Test
    void authFileIsTheOnlyFileWhenGiven() throws Exception {
        write(home().resolve(".docker/config.json"), auths("quay.io", "docker", "x"));
        Path given = write(tmp.resolve("given.json"), auths("ghcr.io", "given", "y"));
        CredentialLookup l = lookup(null, given);
        assertThat(l.candidateFiles()).containsExactly(given);
        assertThat(find(l, "quay.io/a/b")).isEmpty();
        assertThat(find(l, "ghcr.io/a/b")).hasValue(new Credentials("given", "y"));
    }

    @Test
    void firstFileWithAMatchingEntryWins() throws Exception {
        env.put("XDG_RUNTIME_DIR", tmp.resolve("run").toString());
        write(tmp.resolve("run/containers/auth.json"), auths("ghcr.io", "runtime", "1"));
        write(home().resolve(".config/containers/auth.json"), auths("quay.io", "config", "2"));
        write(home().resolve(".docker/config.json"), auths("quay.io", "docker", "3"));
        write(home().resolve(".dockercfg"), "{\"registry.example\":{\"auth\":\"" + auth("legacy", "4") + "\",\"email\":\"\"}}");
        assertThat(find(lookup(), "ghcr.io/a")).hasValue(new Credentials("runtime", "1"));
        assertThat(find(lookup(), "quay.io/a")).hasValue(new Credentials("config", "2"));
        assertThat(find(lookup(), "registry.example/a")).hasValue(new Credentials("legacy", "4"));
        assertThat(find(lookup(), "other.example/a")).isEmpty();
    }

    @Test
    void registryAuthFileComesFirst() throws Exception {
        Path reg = write(tmp.resolve("reg.json"), auths("quay.io", "reg", "0"));
        env.put("REGISTRY_AUTH_FILE", reg.toString());
        write(home().resolve(".config/containers/auth.json"), auths("quay.io", "config", "2"));
        assertThat(find(lookup(), "quay.io/a")).hasValue(new Credentials("reg", "0"));
    }

    @Test
    void mostSpecificKeyWins() throws Exception {
        write(home().resolve(".config/containers/auth.json"), """
                {"auths": {
                  "quay.io": {"auth": "%s"},
                  "quay.io/team": {"auth": "%s"},
                  "quay.io/team/app": {"auth": "%s"}
                }}""".formatted(auth("host", "1"), auth("ns", "2"), auth("repo", "3")));
        assertThat(find(lookup(), "quay.io/team/app:1")).hasValue(new Credentials("repo", "3"));
        assertThat(find(lookup(), "quay.io/team/other")).hasValue(new Credentials("ns", "2"));
        assertThat(find(lookup(), "quay.io/elsewhere/app")).hasValue(new Credentials("host", "1"));
        // a key is a path prefix by components, not by characters
        assertThat(find(lookup(), "quay.io/teamster/app")).hasValue(new Credentials("host", "1"));
    }

    @Test
    void dockerHubLegacyKeysAndSchemesMatch() throws Exception {
        write(home().resolve(".docker/config.json"),
                auths("https://index.docker.io/v1/", "hubuser", "p:with:colons"));
        assertThat(find(lookup(), "busybox")).hasValue(new Credentials("hubuser", "p:with:colons"));
        assertThat(CredentialLookup.normalizeKey("https://quay.io")).isEqualTo("quay.io");
        assertThat(CredentialLookup.normalizeKey("http://localhost:5000/v2/")).isEqualTo("localhost:5000");
        assertThat(CredentialLookup.normalizeKey("registry-1.docker.io")).isEqualTo("docker.io");
        assertThat(CredentialLookup.normalizeKey("docker.io/library/")).isEqualTo("docker.io/library");
        assertThat(CredentialLookup.keysFor(ImageReference.parse("busybox")))
                .containsExactly("docker.io/library/busybox", "docker.io/library", "docker.io");
    }

    @Test
    void credentialHelperOnlyEntryIsAClearError() throws Exception {
        write(home().resolve(".docker/config.json"), "{\"credHelpers\":{\"123.dkr.ecr.example.com\":\"ecr-login\"}}");
        assertThatThrownBy(() -> find(lookup(), "123.dkr.ecr.example.com/app"))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("docker-credential-ecr-login")
                .hasMessageContaining("does not run credential helpers yet")
                .hasMessageContaining("--creds");
        assertThat(find(lookup(), "quay.io/app")).isEmpty();
    }

    @Test
    void credsStoreWithEmptyEntryIsAClearError() throws Exception {
        write(home().resolve(".docker/config.json"), "{\"auths\":{\"https://index.docker.io/v1/\":{}},\"credsStore\":\"desktop\"}");
        assertThatThrownBy(() -> find(lookup(), "busybox"))
                .hasMessageContaining("credential store \"docker-credential-desktop\"")
                .satisfies(e -> assertThat(((RegistryException) e).kind()).isEqualTo(RegistryException.Kind.CREDENTIALS));
        // registries without an entry are simply anonymous
        assertThat(find(lookup(), "quay.io/app")).isEmpty();
    }

    @Test
    void malformedFilesAreNamed() throws Exception {
        Path bad = write(home().resolve(".config/containers/auth.json"), "{not json");
        assertThatThrownBy(() -> find(lookup(), "quay.io/a"))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("malformed auth file " + bad)
                .hasMessageContaining("--authfile");
        write(bad, "[1,2]");
        assertThatThrownBy(() -> find(lookup(), "quay.io/a")).hasMessageContaining("expected a JSON object");
        write(bad, "{\"auths\":{\"quay.io\":{\"auth\":\"***\"}}}");
        assertThatThrownBy(() -> find(lookup(), "quay.io/a")).hasMessageContaining("not base64");
        write(bad, "{\"auths\":{\"quay.io\":{\"auth\":\"" + Base64.getEncoder().encodeToString("nocolon".getBytes()) + "\"}}}");
        assertThatThrownBy(() -> find(lookup(), "quay.io/a")).hasMessageContaining("USER:PASSWORD");
    }

    @Test
    void emptyFileHoldsNothing() throws Exception {
        write(home().resolve(".config/containers/auth.json"), "");
        write(home().resolve(".docker/config.json"), auths("quay.io", "docker", "3"));
        assertThat(find(lookup(), "quay.io/a")).hasValue(new Credentials("docker", "3"));
    }

    @Test
    void credentialsNeverPrintThePassword() {
        Credentials c = new Credentials("alice", "hunter2");
        assertThat(c.toString()).contains("alice").doesNotContain("hunter2");
        assertThat(Credentials.parse("bob:pa:ss")).isEqualTo(new Credentials("bob", "pa:ss"));
        assertThatThrownBy(() -> Credentials.parse("nocolon")).hasMessageNotContaining("nocolon");
    }
}
