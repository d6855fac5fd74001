/**
 * Device policy for containers: the OCI configuration's rules ({@link io.jrun.runtime.spec.DeviceRule})
 * make a {@link io.jrun.runtime.devices.DevicePolicy},
 * compiled by a small eBPF assembler into a {@code BPF_PROG_TYPE_CGROUP_DEVICE}
 * {@link io.jrun.runtime.devices.DeviceProgram} that the launch attaches to the pod's cgroup
 * before the app runs; and {@code --device} ({@link io.jrun.runtime.devices.DeviceMapping}), which
 * adds a node ({@link io.jrun.runtime.spec.Device}) and its rule.
 */
package io.jrun.runtime.devices;
