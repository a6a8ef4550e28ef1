package dev.grad4j.tensor;

/**
 * The elementwise functions of two arguments that {@link Backend#binary} applies with NumPy
 * broadcasting.
 */
public enum BinaryOp {
    /** {@code a + b}. */
    ADD("add"),
    /** {@code a - b}. */
    SUB("sub"),
    /** {@code a * b}. */
    MUL("mul"),
    /** {@code a / b}. */
    DIV("div"),
    /** {@code max(a, b)}. */
    MAXIMUM("maximum"),
    /** {@code 1} where {@code a == b}, else {@code 0}. */
    EQUAL("equal"),
    /**
     * The derivative of {@code max(a, b)} with respect to {@code a}: {@code 1} where {@code a > b},
     * {@code 0.5} where they are equal (PyTorch splits ties), else {@code 0}.
     */
    GREATER_STEP("greater_step");

    private final String label;

    BinaryOp(String label) {
        this.label = label;
    }

    /** The lower-case name used in error messages and as the autograd op name. */
    public String label() {
        return label;
    }
}
