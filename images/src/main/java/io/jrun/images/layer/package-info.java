/**
 * Layer blobs to directories: {@link io.jrun.images.layer.Compression} picks the decoder from
 * a layer's media type and {@link io.jrun.images.layer.LayerUnpacker} extracts the tar, in
 * overlayfs form, without ever writing outside the target directory.
 */
package io.jrun.images.layer;
