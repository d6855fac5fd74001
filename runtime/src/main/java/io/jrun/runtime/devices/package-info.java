/**
 * Device policy for containers: OCI-shaped rules ({@link io.jrun.runtime.devices.DeviceRule},
 * {@link io.jrun.runtime.devices.DeviceNode}) make a {@link io.jrun.runtime.devices.DevicePolicy},
 * compiled by a small eBPF assembler into a {@code BPF_PROG_TYPE_CGROUP_DEVICE}
 * {@link io.jrun.runtime.devices.DeviceProgram} that the launch attaches to the pod's cgroup
 * before the app runs.
 */
package io.jrun.runtime.devices;
