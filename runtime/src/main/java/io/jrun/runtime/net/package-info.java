/**
 * Pod networking: a pod's network namespace attached to a CNI network ({@link io.jrun.runtime.net.PodNetwork}),
 * jrun's default bridge network ({@link io.jrun.runtime.net.DefaultBridge}) and published ports
 * ({@link io.jrun.runtime.net.PortMapping}), over the CNI engine in {@code net.cni}.
 */
package io.jrun.runtime.net;
