package io.jrun.runtime;

import io.jrun.runtime.pod.PodProcess;
import io.jrun.runtime.pod.PodStatus;

import io.jrun.runtime.cgroup.PodCgroup;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything {@link Enter} needs to start a process in one running pod's container: the
 * request merged with what the pod recorded at its start.
 *
 * @param pod        the pod's name, or its UUID, for messages
 * @param app        the pod's app, as pid.json names it
 * @param command    the command; empty for the container's /bin/sh
 * @param env        the app's environment (pod.json), then TERM=xterm with a terminal unless
 *                   it has a TERM, then the request's entries; a later key replaces an earlier
 *                   one in place, as in {@link EffectiveConfig}
 * @param workingDir the request's, else the app's
 * @param user       the request's {@code USER[:GROUP]}, or null for the app's identity
 * @param seccomp    the profile the pod recorded, or null when its jrun did not record one
 * @param stdio      where the process's stdin, stdout and stderr go
 * @param podDir     the pod's directory, where the process's gate is made
 * @param cgroup     the pod's cgroup, which the process joins before it runs; null when the pod has none
 */
record EnterSpec(String pod, PodProcess app, List<String> command, List<String> env, String workingDir, String user,
                 PodSeccomp seccomp, Stdio stdio, Path podDir, PodCgroup cgroup) {
    EnterSpec {
        command = List.copyOf(command);
        env = List.copyOf(env);
    }

    /** The spec for a running pod; the caller has checked that it runs. */
    static EnterSpec of(PodStatus pod, EnterRequest request, Stdio stdio) throws IOException {
        String label = pod.name() != null ? pod.name() : pod.uuid();
        if (pod.manifest() == null || pod.process() == null) {
            throw new IllegalStateException("pod " + label + " has no readable pod.json or pid.json: it cannot be entered");
        }
        Map<String, String> env = new LinkedHashMap<>();
        pod.manifest().env().forEach(e -> put(env, e));
        if (stdio.hasTerminal()) {
            env.putIfAbsent("TERM", "xterm");
        }
        request.env().forEach(e -> put(env, e));
        List<String> entries = new ArrayList<>();
        env.forEach((k, v) -> entries.add(k + "=" + v));
        String workingDir = request.workingDir() != null ? request.workingDir() : pod.manifest().workingDir();
        return new EnterSpec(label, pod.process(), request.command(), entries, workingDir, request.user(),
                PodSeccomp.ofPod(pod).orElse(null), stdio, pod.dir(), PodCgroupRecord.of(pod).orElse(null));
    }

    private static void put(Map<String, String> env, String entry) {
        int eq = entry.indexOf('=');
        if (eq > 0) {
            env.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
    }

    /** The PATH the command is searched in: the environment's, or docker's default. */
    String path() {
        for (String e : env) {
            if (e.startsWith("PATH=")) {
                return e.substring(5);
            }
        }
        return ContainerSpec.DEFAULT_PATH;
    }
}
