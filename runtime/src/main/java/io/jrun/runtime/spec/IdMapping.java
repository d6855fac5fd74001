package io.jrun.runtime.spec;

/** One of {@code linux.uidMappings} or {@code gidMappings}. */
public record IdMapping(long containerID, long hostID, long size) {
}
