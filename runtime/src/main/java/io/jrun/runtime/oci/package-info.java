/**
 * The OCI runtime's lifecycle over a state directory ({@code jrun-oci --root}, default
 * {@code /run/jrun-oci}), as runc's command line has it: {@link io.jrun.runtime.oci.Create},
 * {@link io.jrun.runtime.oci.Start}, {@link io.jrun.runtime.oci.Kill},
 * {@link io.jrun.runtime.oci.Delete}, {@link io.jrun.runtime.oci.Exec}, one class per verb, and
 * {@link io.jrun.runtime.oci.ContainerStatus}, the state machine that says which verb may come
 * next. No process of jrun stays: a container's status is read from the kernel each time (its
 * process, and whether it still waits in its gate).
 */
package io.jrun.runtime.oci;
