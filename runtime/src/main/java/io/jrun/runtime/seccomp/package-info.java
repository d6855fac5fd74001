/**
 * Seccomp for containers: a docker/OCI-format profile ({@link io.jrun.runtime.seccomp.ProfileParser},
 * or the built-in {@link io.jrun.runtime.seccomp.DefaultProfile}) is compiled for one
 * architecture, kernel and capability set ({@link io.jrun.runtime.seccomp.SeccompCompiler}) into
 * a classic BPF {@link io.jrun.runtime.seccomp.SeccompProgram}, which the launch path installs on
 * its setup thread. {@link io.jrun.runtime.seccomp.SeccompOption} reads
 * {@code --security-opt seccomp=...}.
 */
package io.jrun.runtime.seccomp;
