package io.jrun.images.layer;

/**
 * A tar entry name made safe to apply beneath a root: {@code parent} is the directory path
 * ("" for the root itself, components joined by '/'), {@code base} the final component ("" when
 * the entry is the root). Leading "./", "." components, repeated and trailing slashes are
 * dropped; absolute paths, ".." components and NUL bytes are refused.
 */
record EntryPath(String parent, String base) {

    boolean isRoot() {
        return base.isEmpty();
    }

    String full() {
        return parent.isEmpty() ? base : parent + "/" + base;
    }

    /** Parses {@code name}; {@code entryName} and {@code what} only shape the refusal. */
    static EntryPath parse(String name, String entryName, String what) throws UnsafeLayerException {
        if (name.indexOf('\0') >= 0) {
            throw new UnsafeLayerException(entryName, what + " contains a NUL byte");
        }
        if (name.startsWith("/")) {
            throw new UnsafeLayerException(entryName, what + " '" + name + "' is absolute; layer paths must be relative");
        }
        StringBuilder parent = new StringBuilder(name.length());
        String base = "";
        int start = 0;
        int length = name.length();
        while (start <= length) {
            int slash = name.indexOf('/', start);
            int end = slash < 0 ? length : slash;
            if (end > start) {
                String component = name.substring(start, end);
                if (component.equals("..")) {
                    throw new UnsafeLayerException(entryName, what + " '" + name + "' has a '..' component");
                }
                if (!component.equals(".")) {
                    if (!base.isEmpty()) {
                        if (base.startsWith(".wh.")) {
                            throw new UnsafeLayerException(entryName,
                                    "whiteout '" + base + "' is used as a directory in " + what + " '" + name + "'");
                        }
                        if (!parent.isEmpty()) {
                            parent.append('/');
                        }
                        parent.append(base);
                    }
                    base = component;
                }
            }
            start = end + 1;
        }
        return new EntryPath(parent.toString(), base);
    }
}
