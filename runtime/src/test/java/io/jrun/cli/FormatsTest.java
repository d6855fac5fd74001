package io.jrun.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** --format's Go-template-like fields over a command's JSON. */
class FormatsTest {
    private static ObjectNode pod() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("uuid", "1234");
        n.put("name", "web");
        n.put("state", "running");
        n.putNull("exitCode");
        n.put("pid", 42);
        return n;
    }

    @Test
    void fieldsAreTheJsonsInAnyCase() {
        assertThat(Formats.parse("{{.Name}} {{.State}}").render(pod())).isEqualTo("web running");
        assertThat(Formats.parse("{{ .uuid }}\\t{{.PID}}").render(pod())).isEqualTo("1234\t42");
        assertThat(Formats.parse("code={{.ExitCode}}").render(pod())).as("null is empty").isEqualTo("code=");
    }

    @Test
    void anUnknownFieldOrSyntaxIsRefused() {
        assertThatThrownBy(() -> Formats.parse("{{.Nmae}}").render(pod()))
                .hasMessage("--format: no field .Nmae: the fields are .Uuid, .Name, .State, .ExitCode, .Pid");
        assertThatThrownBy(() -> Formats.parse("{{range .}}x{{end}}"))
                .hasMessage("invalid --format '{{range .}}x{{end}}': a template takes only {{.Field}}, e.g. '{{.Name}} {{.State}}'");
        assertThatThrownBy(() -> Formats.parse("yaml"))
                .hasMessage("invalid --format 'yaml': use table, json, or a template such as '{{.Name}}'");
    }
}
