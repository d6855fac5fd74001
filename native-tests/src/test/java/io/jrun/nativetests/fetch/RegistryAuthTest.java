package io.jrun.nativetests.fetch;

import io.jrun.nativetests.harness.RegistryServer;
import io.jrun.nativetests.harness.TestImages;
import io.jrun.nativetests.harness.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * jrun fetch against real docker-registry instances that want credentials: HTTP Basic
 * (htpasswd) and the bearer-token flow, with credentials from --creds, --authfile and the
 * auth files containers-auth.json(5) lists, in its order.
 *
 * <p>Every jrun here runs with HOME, XDG_RUNTIME_DIR and XDG_CONFIG_HOME pointing to empty
 * directories of the test and REGISTRY_AUTH_FILE empty, so no auth file of the machine can
 * make a test pass or fail.
 */
class RegistryAuthTest {
    private static final String USER = "jrun-user";
    private static final String PASSWORD = "s3cret:with-colon";

    @TempDir
    static Path work;
    static RegistryServer basic;
    static RegistryServer token;

    @BeforeAll
    static void startRegistries() {
        Tools.require("docker-registry", "skopeo", "openssl");
        basic = RegistryServer.basicAuth(work.resolve("basic"), USER, PASSWORD);
        basic.push(TestImages.layout("busybox"), "latest", "test/busybox:latest");
        token = RegistryServer.tokenAuth(work.resolve("token"), USER, PASSWORD);
        token.push(TestImages.layout("busybox"), "latest", "test/busybox:latest");
    }

    @AfterAll
    static void stopRegistries() {
        if (basic != null) {
            basic.close();
        }
        if (token != null) {
            token.close();
        }
    }

    /** A user environment with nothing in it: empty home and XDG dirs under {@code root}. */
    private record UserEnv(Path home, Path runtimeDir, Path configHome) {
        static UserEnv under(Path root) throws IOException {
            return new UserEnv(Files.createDirectories(root.resolve("home")),
                    Files.createDirectories(root.resolve("xdg-runtime")),
                    Files.createDirectories(root.resolve("xdg-config")));
        }

        JrunCli jrun(Path state) {
            return new JrunCli(state).withEnv(Map.of("HOME", home.toString(),
                    "XDG_RUNTIME_DIR", runtimeDir.toString(),
                    "XDG_CONFIG_HOME", configHome.toString(),
                    "REGISTRY_AUTH_FILE", ""));
        }
    }

    private static JrunCli.Result fetch(JrunCli jrun, RegistryServer registry, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("fetch", "--insecure-registry", registry.address()));
        all.addAll(List.of(args));
        all.add(registry.address() + "/test/busybox:latest");
        return jrun.run(all.toArray(String[]::new));
    }

    /** An auth.json / config.json with one "auth" entry for {@code registry}. */
    private static Path authFile(Path file, RegistryServer registry, String user, String password) throws IOException {
        String auth = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\"auths\":{\"" + registry.address() + "\":{\"auth\":\"" + auth + "\"}}}\n");
        return file;
    }

    private static void assertFetched(JrunCli.Result r, Path state) throws IOException {
        assertThat(r.exitCode()).as(r.toString()).isZero();
        StoreState store = new StoreState(state);
        assertThat(store.layerDirs()).hasSize(4);
        assertThat(store.names()).hasSize(1);
        store.assertConsistent();
    }

    private static void assertRefused(JrunCli.Result r, Path state, String... mentions) throws IOException {
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(125);
        assertThat(r.stderr()).startsWith("jrun: ").contains(mentions);
        assertThat(r.stderr().strip().lines()).as(r.toString()).hasSize(1);
        assertThat(r.stderr()).as("the password never shows").doesNotContain(PASSWORD).doesNotContain("wrong-password");
        StoreState store = new StoreState(state);
        assertThat(store.names()).isEmpty();
        assertThat(store.layerDirs()).isEmpty();
    }

    @Test
    void basicAuthWithoutCredentialsNamesTheFix(@TempDir Path dir) throws Exception {
        Path state = dir.resolve("state");
        JrunCli.Result r = fetch(UserEnv.under(dir).jrun(state), basic);
        assertRefused(r, state, "authentication required", "--creds");
    }

    @Test
    void basicAuthWithWrongPasswordIsRefused(@TempDir Path dir) throws Exception {
        Path state = dir.resolve("state");
        JrunCli.Result r = fetch(UserEnv.under(dir).jrun(state), basic, "--creds", USER + ":wrong-password");
        assertRefused(r, state, "credentials were refused");
    }

    @Test
    void basicAuthWithCreds(@TempDir Path dir) throws Exception {
        Path state = dir.resolve("state");
        assertFetched(fetch(UserEnv.under(dir).jrun(state), basic, "--creds", USER + ":" + PASSWORD), state);
    }

    @Test
    void basicAuthWithAuthfile(@TempDir Path dir) throws Exception {
        Path state = dir.resolve("state");
        Path file = authFile(dir.resolve("my-auth.json"), basic, USER, PASSWORD);
        assertFetched(fetch(UserEnv.under(dir).jrun(state), basic, "--authfile", file.toString()), state);
    }

    @Test
    void basicAuthWithRegistryAuthFileVariable(@TempDir Path dir) throws Exception {
        Path state = dir.resolve("state");
        Path file = authFile(dir.resolve("env-auth.json"), basic, USER, PASSWORD);
        JrunCli jrun = UserEnv.under(dir).jrun(state).withEnv(Map.of("REGISTRY_AUTH_FILE", file.toString()));
        assertFetched(fetch(jrun, basic), state);
    }

    @Test
    void basicAuthWithDockerConfigInHome(@TempDir Path dir) throws Exception {
        Path state = dir.resolve("state");
        UserEnv user = UserEnv.under(dir);
        authFile(user.home().resolve(".docker/config.json"), basic, USER, PASSWORD);
        assertFetched(fetch(user.jrun(state), basic), state);
    }

    /**
     * containers-auth.json(5): $XDG_CONFIG_HOME/containers/auth.json comes before
     * ~/.docker/config.json, and the first file with an entry for the registry decides, even
     * when its password is wrong (no falling through to the next file).
     */
    @Test
    void containersAuthJsonComesBeforeDockerConfig(@TempDir Path dir) throws Exception {
        Path rightFirst = dir.resolve("right-first");
        UserEnv user = UserEnv.under(rightFirst);
        authFile(user.configHome().resolve("containers/auth.json"), basic, USER, PASSWORD);
        authFile(user.home().resolve(".docker/config.json"), basic, USER, "wrong-password");
        assertFetched(fetch(user.jrun(rightFirst.resolve("state")), basic), rightFirst.resolve("state"));

        Path wrongFirst = dir.resolve("wrong-first");
        UserEnv other = UserEnv.under(wrongFirst);
        authFile(other.configHome().resolve("containers/auth.json"), basic, USER, "wrong-password");
        authFile(other.home().resolve(".docker/config.json"), basic, USER, PASSWORD);
        assertRefused(fetch(other.jrun(wrongFirst.resolve("state")), basic), wrongFirst.resolve("state"),
                "credentials were refused");
    }

    @Test
    void tokenAuthWithCredsAsksForPullScope(@TempDir Path dir) throws Exception {
        Path state = dir.resolve("state");
        int before = token.tokenServer().tokenRequests();
        int scopesBefore = token.tokenServer().requestedScopes().size();
        assertFetched(fetch(UserEnv.under(dir).jrun(state), token, "--creds", USER + ":" + PASSWORD), state);
        assertThat(token.tokenServer().tokenRequests()).isGreaterThan(before);
        List<String> scopes = token.tokenServer().requestedScopes();
        assertThat(scopes.subList(scopesBefore, scopes.size())).isNotEmpty()
                .containsOnly("repository:test/busybox:pull");
    }

    @Test
    void tokenAuthWithoutCredentialsIsRefused(@TempDir Path dir) throws Exception {
        Path state = dir.resolve("state");
        JrunCli.Result r = fetch(UserEnv.under(dir).jrun(state), token);
        assertRefused(r, state, "--creds");
    }
}
