/**
 * The OCI runtime specification's configuration ({@code config.json}, runtime-spec 1.x) and
 * state, as immutable records built through builders: jrun's one data model for a container.
 * {@code jrun run} prepares a {@link io.jrun.runtime.spec.Spec} from an image and the user's
 * options, {@code jrun-oci create} reads one from a bundle, and the launch engine
 * ({@code io.jrun.runtime.launch}) takes nothing else. {@link io.jrun.runtime.spec.SpecJson}
 * reads and writes the JSON with Jackson's streaming parser, without reflection.
 *
 * <p>jrun's extensions live where the specification allows them, in annotations
 * ({@link io.jrun.runtime.spec.Annotations}), as crun's {@code run.oci.*} do, and in one
 * reading of a mount the specification leaves open: an {@code overlay} mount on {@code /}
 * is mounted as the root itself, inside the container's mount namespace.
 */
package io.jrun.runtime.spec;
