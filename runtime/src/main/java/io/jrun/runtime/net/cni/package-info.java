/**
 * The CNI engine (Container Network Interface, spec 1.0): network configuration lists read from
 * a config directory, their plugins executed as child processes with the CNI_* environment and
 * the configuration on stdin, ADD in list order with each result chained into the next plugin's
 * {@code prevResult}, DEL in reverse order from the cached result, CHECK, plugin errors as one
 * line, and libcni's result cache under /var/lib/cni/results. Plugins run in jrun's own network
 * namespace and are given the pod's network namespace by path; no FFM is involved.
 */
package io.jrun.runtime.net.cni;
