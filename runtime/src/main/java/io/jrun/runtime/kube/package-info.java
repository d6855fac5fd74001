/**
 * The reader behind {@code jrun play}: a Kubernetes {@code v1 Pod} manifest in YAML, read strictly
 * ({@link io.jrun.runtime.kube.KubeManifests}): the supported subset becomes a
 * {@link io.jrun.runtime.kube.KubePod}, anything else is refused by name with its path, and
 * {@link io.jrun.runtime.kube.PodValidator}'s checks make a {@link io.jrun.runtime.kube.ValidatedPod}
 * for the pod engine. Pure logic: no file but the manifest is read, nothing is resolved or
 * started. See docs/play.md.
 */
package io.jrun.runtime.kube;
