/**
 * Typed wrappers over the Linux system calls jrun needs, through the FFM API. This is the
 * only package that handles {@code MemorySegment}; everything above it sees file
 * descriptors, paths and records.
 */
package io.jrun.linux;
