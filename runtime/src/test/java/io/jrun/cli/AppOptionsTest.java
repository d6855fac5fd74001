package io.jrun.cli;

import io.jrun.runtime.AppRequest;
import io.jrun.runtime.RestartPolicy;
import io.jrun.runtime.prepare.RunRequest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** rkt's --- syntax for the apps of a pod: pure parsing. */
class AppOptionsTest {
    @Test
    void theAppsAreSplitAtEachSeparator() {
        assertThat(AppOptions.split(List.of("--app-name", "a", "---", "img2", "-e", "X=1", "---", "img3")))
                .containsExactly(List.of("--app-name", "a"), List.of("img2", "-e", "X=1"), List.of("img3"));
    }

    @Test
    void eachAppTakesItsOwnOptionsAndArgumentsAfterDoubleDash() throws Exception {
        RunRequest template = RunRequest.builder("busybox").build();
        AppRequest second = AppOptions.parse(List.of("registry.example/lib/log_shipper:1.2", "-e", "A=1", "-u", "7",
                "-w", "/tmp", "--restart", "on-failure:3", "--", "sh", "-c", "echo -e x"), null, template);
        assertThat(second.name()).as("rkt's default: the image's last name, as apps may be named").isEqualTo("log-shipper");
        assertThat(second.restart()).isEqualTo(RestartPolicy.parse("on-failure:3"));
        assertThat(second.process().image()).isEqualTo("registry.example/lib/log_shipper:1.2");
        assertThat(second.process().env()).containsExactly("A=1");
        assertThat(second.process().user()).isEqualTo("7");
        assertThat(second.process().workingDir()).isEqualTo("/tmp");
        assertThat(second.process().command()).containsExactly("sh", "-c", "echo -e x");

        AppRequest first = AppOptions.parse(List.of("--init-app", "--app-name", "setup"), "busybox", template);
        assertThat(first.init()).isTrue();
        assertThat(first.name()).isEqualTo("setup");
        assertThat(first.process().image()).isEqualTo("busybox");
        assertThat(first.process().command()).isEmpty();
    }
}
