package dev.grad4j.nn.optim;

/** Validation of hyperparameters, shared so each rule and its message is written once. */
final class Hyper {

    private Hyper() {
    }

    /** A learning rate: finite and {@code >= 0}. */
    static float learningRate(String op, float lr) {
        return nonNegative(op, "lr", lr);
    }

    /** A finite value {@code >= 0}. */
    static float nonNegative(String op, String what, float v) {
        if (!(v >= 0f) || Float.isInfinite(v)) {
            throw new IllegalArgumentException(op + ": " + what + " must be finite and >= 0: " + v);
        }
        return v;
    }

    /** A finite value {@code > 0}. */
    static float positive(String op, String what, float v) {
        if (!(v > 0f) || Float.isInfinite(v)) {
            throw new IllegalArgumentException(op + ": " + what + " must be finite and > 0: " + v);
        }
        return v;
    }

    /** A value in {@code [0, 1)}, such as an Adam beta. */
    static float unitInterval(String op, String what, float v) {
        if (!(v >= 0f && v < 1f)) {
            throw new IllegalArgumentException(op + ": " + what + " must be in [0, 1): " + v);
        }
        return v;
    }

    /** A count {@code >= 1}. */
    static int positive(String op, String what, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(op + ": " + what + " must be >= 1: " + v);
        }
        return v;
    }
}
