package io.jrun.linux;

/**
 * Loaded by name only, after a pivot_root, to show the pivoted thread cannot load classes.
 * A top-level class on purpose: JUnit loads a test class's nested classes while discovering.
 */
final class PivotProbe {
    private PivotProbe() {
    }
}
