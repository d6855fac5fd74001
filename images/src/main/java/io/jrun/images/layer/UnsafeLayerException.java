package io.jrun.images.layer;

import java.io.IOException;

/**
 * A layer entry was refused because applying it could write outside the layer root or
 * steer overlayfs: {@code layer entry 'NAME': REASON}.
 */
public final class UnsafeLayerException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String entryName;

    public UnsafeLayerException(String entryName, String reason) {
        super("layer entry '" + printable(entryName) + "': " + reason);
        this.entryName = entryName;
    }

    /** The entry's name as the tar gave it. */
    public String entryName() {
        return entryName;
    }

    static String printable(String name) {
        return name.replace("\0", "\\0").replace("\n", "\\n");
    }
}
