package io.jrun.images.registry;

import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RedirectsTest {
    private final URI blob = URI.create("https://registry.example/v2/app/blobs/sha256:abc");

    @Test
    void resolvesRelativeAndAbsoluteLocations() throws Exception {
        assertThat(Redirects.next(blob, "/storage/x?sig=1", "r")).isEqualTo(URI.create("https://registry.example/storage/x?sig=1"));
        assertThat(Redirects.next(blob, "other", "r")).isEqualTo(URI.create("https://registry.example/v2/app/blobs/other"));
        assertThat(Redirects.next(blob, "https://s3.example/bucket/k", "r")).isEqualTo(URI.create("https://s3.example/bucket/k"));
        assertThat(Redirects.next(URI.create("http://127.0.0.1:5000/v2/"), "http://127.0.0.1:6000/x", "r"))
                .isEqualTo(URI.create("http://127.0.0.1:6000/x"));
    }

    @Test
    void neverDowngradesHttpsToHttp() {
        assertThatThrownBy(() -> Redirects.next(blob, "http://s3.example/k", "registry.example"))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("redirected from HTTPS to plain HTTP")
                .satisfies(e -> assertThat(((RegistryException) e).kind()).isEqualTo(RegistryException.Kind.INSECURE));
    }

    @Test
    void refusesMissingOrOddLocations() {
        assertThatThrownBy(() -> Redirects.next(blob, null, "r")).hasMessageContaining("without a Location");
        assertThatThrownBy(() -> Redirects.next(blob, "file:///etc/passwd", "r")).hasMessageContaining("unsupported URL");
        assertThatThrownBy(() -> Redirects.next(blob, "ht tp://x", "r")).isInstanceOf(RegistryException.class);
    }

    @Test
    void sameOriginComparesSchemeHostAndPort() {
        assertThat(Redirects.sameOrigin(blob, URI.create("https://REGISTRY.example:443/other"))).isTrue();
        assertThat(Redirects.sameOrigin(blob, URI.create("https://registry.example:8443/other"))).isFalse();
        assertThat(Redirects.sameOrigin(blob, URI.create("https://cdn.example/other"))).isFalse();
        assertThat(Redirects.sameOrigin(URI.create("http://h:80/a"), URI.create("http://h/b"))).isTrue();
    }

    @Test
    void knowsTheRedirectStatuses() {
        for (int s : new int[]{301, 302, 303, 307, 308}) {
            assertThat(Redirects.isRedirect(s)).isTrue();
        }
        for (int s : new int[]{200, 300, 304, 305, 400}) {
            assertThat(Redirects.isRedirect(s)).isFalse();
        }
    }
}
