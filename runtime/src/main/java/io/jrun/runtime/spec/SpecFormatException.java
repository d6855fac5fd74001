package io.jrun.runtime.spec;

/** A configuration or state document that is not what the specification says: the message names the field. */
public final class SpecFormatException extends Exception {
    public SpecFormatException(String message) {
        super(message);
    }
}
