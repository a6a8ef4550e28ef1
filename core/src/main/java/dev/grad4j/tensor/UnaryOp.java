package dev.grad4j.tensor;

/**
 * The elementwise functions of one argument that a {@link Backend} applies with
 * {@link Backend#unary} and differentiates with {@link Backend#unaryBackward}.
 */
public enum UnaryOp {
    /** {@code -x}. */
    NEG("neg"),
    /** {@code e^x}. */
    EXP("exp"),
    /** Natural logarithm; its domain is {@code x > 0}. */
    LOG("log"),
    /** Square root; its domain is {@code x >= 0}. */
    SQRT("sqrt"),
    /** {@code |x|}, with derivative {@code sign(x)} (0 at 0, as in PyTorch). */
    ABS("abs"),
    /** {@code max(x, 0)}, with derivative 0 at 0 (as in PyTorch). */
    RELU("relu"),
    /** {@code 1 / (1 + e^-x)}, computed without overflow for any x. */
    SIGMOID("sigmoid"),
    /** Hyperbolic tangent. */
    TANH("tanh"),
    /** Exact GELU {@code x * Φ(x) = 0.5 x (1 + erf(x / sqrt 2))} ({@code torch.nn.functional.gelu}). */
    GELU("gelu"),
    /**
     * The tanh approximation of GELU, {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}
     * ({@code gelu(x, approximate="tanh")}).
     */
    GELU_TANH("gelu_tanh"),
    /** SiLU (swish) {@code x * sigmoid(x)}. */
    SILU("silu");

    private final String label;

    UnaryOp(String label) {
        this.label = label;
    }

    /** The lower-case name used in error messages and as the autograd op name. */
    public String label() {
        return label;
    }
}
