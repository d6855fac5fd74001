package io.jrun.runtime;

import io.jrun.runtime.prepare.RunRequest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The request model of a pod of several apps, and restart policies: pure logic. */
class PodRequestTest {
    private static AppRequest app(String name) {
        return AppRequest.builder(name, RunRequest.builder("busybox").build()).build();
    }

    private static AppRequest init(String name) {
        return AppRequest.builder(name, RunRequest.builder("busybox").build()).init(true).build();
    }

    @Test
    void initAppsComeFirstAndTheRestRunsInStartOrder() {
        PodRequest pod = PodRequest.builder().name("web").app(init("setup")).app(app("main")).app(app("shipper")).build();
        assertThat(pod.initApps()).extracting(AppRequest::name).containsExactly("setup");
        assertThat(pod.mainApps()).extracting(AppRequest::name).containsExactly("main", "shipper");
    }

    @Test
    void badPodsAreRefusedWithTheirFix() {
        assertThatThrownBy(() -> PodRequest.builder().build()).hasMessage("a pod needs an app");
        assertThat(PodRequest.builder().app(app("a")).build().apps()).as("a manifest of one container").hasSize(1);
        assertThatThrownBy(() -> PodRequest.builder().volume(new PodVolume("v", false, null))
                .volume(new PodVolume("v", true, null)).app(app("a")).build())
                .hasMessage("two volumes are named v: give each its own name");
        assertThatThrownBy(() -> PodRequest.builder().app(AppRequest.builder("a", RunRequest.builder("busybox").build())
                .volumeMount(new PodVolume.Mount("logs", "/logs", false)).build()).build())
                .hasMessage("app a mounts volume logs, which the pod does not have: add it to the pod's volumes");
        assertThatThrownBy(() -> new PodVolume("v", false, 1024L)).hasMessageStartingWith("volume v: a size limit is for a tmpfs");
        assertThatThrownBy(() -> PodRequest.builder().app(app("a")).app(app("a")).build())
                .hasMessage("two apps are named a: give each its own --app-name");
        assertThatThrownBy(() -> PodRequest.builder().app(app("a")).app(init("b")).build())
                .hasMessage("init app b comes after an app that is not an init app: put init apps first");
        assertThatThrownBy(() -> PodRequest.builder().app(init("a")).app(init("b")).build())
                .hasMessage("every app is an init app: a pod needs one that is not");
        assertThatThrownBy(() -> app("Not_Valid")).hasMessageStartingWith("invalid app name 'Not_Valid'");
        assertThatThrownBy(() -> AppRequest.builder("a", RunRequest.builder("busybox").name("x").build()).build())
                .hasMessageStartingWith("app a sets a pod's option");
        assertThatThrownBy(() -> AppRequest.builder("a", RunRequest.builder("busybox").build()).init(true)
                .restart(RestartPolicy.parse("always")).build())
                .hasMessage("init app a cannot restart always: it must run to completion; use no or on-failure");
    }

    @Test
    void restartPoliciesAreDockersWords() {
        assertThat(RestartPolicy.parse("no").restarts(1, 0)).isFalse();
        assertThat(RestartPolicy.parse("always").restarts(0, 100)).isTrue();
        RestartPolicy twice = RestartPolicy.parse("on-failure:2");
        assertThat(twice.restarts(0, 0)).as("success").isFalse();
        assertThat(twice.restarts(1, 0)).isTrue();
        assertThat(twice.restarts(1, 1)).isTrue();
        assertThat(twice.restarts(1, 2)).as("after N restarts").isFalse();
        assertThat(RestartPolicy.parse("ON-FAILURE").restarts(1, 1000)).as("no limit").isTrue();
        assertThat(twice.toString()).isEqualTo("on-failure:2");
        for (String bad : new String[] {"sometimes", "on-failure:0", "on-failure:x", "always:3"}) {
            assertThatThrownBy(() -> RestartPolicy.parse(bad))
                    .hasMessage("invalid restart policy '" + bad + "': use no, on-failure[:N] or always");
        }
    }
}
