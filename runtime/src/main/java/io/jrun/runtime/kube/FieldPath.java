package io.jrun.runtime.kube;

/**
 * Where a value sits in a manifest, twice: as users read it ({@code spec.containers[1].image},
 * {@code metadata.annotations["app/x"]}) and as a JSON pointer ({@code /spec/containers/1/image}),
 * which finds the line the YAML reader recorded for it.
 */
record FieldPath(String display, String pointer) {
    static final FieldPath ROOT = new FieldPath("", "");

    FieldPath field(String name) {
        return new FieldPath(display.isEmpty() ? name : display + "." + name, pointer + "/" + escape(name));
    }

    FieldPath index(int i) {
        return new FieldPath(display + "[" + i + "]", pointer + "/" + i);
    }

    /** A key of a free-form map (labels, annotations, limits), which may hold dots and slashes. */
    FieldPath key(String key) {
        return new FieldPath(display + "[\"" + key + "\"]", pointer + "/" + escape(key));
    }

    static String escape(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }

    @Override
    public String toString() {
        return display.isEmpty() ? "(the document)" : display;
    }
}
