/**
 * {@code jrun-oci}: the OCI runtime command line (runc's interface: create, start, state, kill,
 * delete, exec, ps, list, features, run), a thin layer over {@link io.jrun.runtime.oci}, so that
 * conmon, podman and CRI-O can drive jrun. The same jar as {@code jrun}; the launcher picks this
 * entry point when invoked as {@code jrun-oci}.
 */
package io.jrun.oci;
