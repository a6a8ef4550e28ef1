package dev.grad4j.nn;

import dev.grad4j.autograd.Tensor;

import java.util.Objects;

/**
 * The GELU activation module ({@code torch.nn.GELU}): exact {@code 0.5 x (1 + erf(x / sqrt 2))}
 * by default, or with {@code approximate = "tanh"} the form
 * {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}. Any shape; no parameters.
 */
public final class GELU implements Module {

    private final String approximate;

    /** Creates the exact GELU ({@code approximate = "none"}). */
    public GELU() {
        this("none");
    }

    /**
     * Creates the GELU with PyTorch's {@code approximate} argument.
     *
     * @param approximate {@code "none"} (exact, the default) or {@code "tanh"}
     * @throws IllegalArgumentException if {@code approximate} is neither
     */
    public GELU(String approximate) {
        Objects.requireNonNull(approximate, "GELU: approximate is null");
        if (!approximate.equals("none") && !approximate.equals("tanh")) {
            throw new IllegalArgumentException("GELU: approximate must be \"none\" or \"tanh\", got \"" + approximate + "\"");
        }
        this.approximate = approximate;
    }

    /** Returns {@code x.gelu(approximate == "tanh")}, same shape as {@code x}. */
    @Override
    public Tensor forward(Tensor x) {
        return Objects.requireNonNull(x, "GELU: input is null").gelu(approximate.equals("tanh"));
    }

    /** The approximation: {@code "none"} or {@code "tanh"}. */
    public String approximate() {
        return approximate;
    }

    /** {@code GELU(approximate='none')}, as PyTorch prints it. */
    @Override
    public String toString() {
        return "GELU(approximate='" + approximate + "')";
    }
}
