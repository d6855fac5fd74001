package io.jrun.images.layer;

/** What unpacking a layer did: tar entries processed and bytes of regular file content written. */
public record UnpackStats(long entries, long regularFileBytes) {
}
