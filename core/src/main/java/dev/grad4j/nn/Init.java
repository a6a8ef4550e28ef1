package dev.grad4j.nn;

import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.Shape;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How a layer's weight {@code [out, in]} and bias {@code [out]} are first filled, drawing from the
 * caller's {@link RandomGenerator} (weight first, then bias) so that a seed fixes the result.
 *
 * <p>With {@code fanIn = in} and {@code fanOut = out}:
 * <ul>
 *   <li>{@link #kaimingUniform()} — weight {@code U(-b, b)}, {@code b = sqrt(6 / fanIn)}; bias 0.
 *       The default of {@link Linear}, suited to ReLU networks.</li>
 *   <li>{@link #kaimingNormal()} — weight {@code N(0, 2 / fanIn)}; bias 0.</li>
 *   <li>{@link #xavierUniform()} — weight {@code U(-b, b)}, {@code b = sqrt(6 / (fanIn + fanOut))}; bias 0.</li>
 *   <li>{@link #xavierNormal()} — weight {@code N(0, 2 / (fanIn + fanOut))}; bias 0.</li>
 *   <li>{@link #zeros()} — weight and bias 0.</li>
 *   <li>{@link #torchDefault()} — PyTorch's {@code nn.Linear} default: weight and bias
 *       {@code U(-b, b)}, {@code b = 1 / sqrt(fanIn)}.</li>
 * </ul>
 */
public final class Init {

    /** Fills an array of the given dims for a layer with the given fans. */
    @FunctionalInterface
    private interface Fill {
        NDArray apply(RandomGenerator random, int fanIn, int fanOut, int... dims);
    }

    private static final Fill ZERO = (random, fanIn, fanOut, dims) -> NDArray.zeros(dims);

    private final String name;
    private final Fill weight;
    private final Fill bias;

    private Init(String name, Fill weight, Fill bias) {
        this.name = name;
        this.weight = weight;
        this.bias = bias;
    }

    /** Kaiming (He) uniform: weight {@code U(-sqrt(6 / fanIn), sqrt(6 / fanIn))}, bias 0. */
    public static Init kaimingUniform() {
        return new Init("kaimingUniform",
                (r, fanIn, fanOut, dims) -> uniform(r, Math.sqrt(6.0 / fanIn), dims), ZERO);
    }

    /** Kaiming (He) normal: weight {@code N(0, std²)} with {@code std = sqrt(2 / fanIn)}, bias 0. */
    public static Init kaimingNormal() {
        return new Init("kaimingNormal",
                (r, fanIn, fanOut, dims) -> normal(r, Math.sqrt(2.0 / fanIn), dims), ZERO);
    }

    /** Xavier (Glorot) uniform: weight {@code U(-b, b)}, {@code b = sqrt(6 / (fanIn + fanOut))}, bias 0. */
    public static Init xavierUniform() {
        return new Init("xavierUniform",
                (r, fanIn, fanOut, dims) -> uniform(r, Math.sqrt(6.0 / (fanIn + fanOut)), dims), ZERO);
    }

    /** Xavier (Glorot) normal: weight {@code N(0, std²)}, {@code std = sqrt(2 / (fanIn + fanOut))}, bias 0. */
    public static Init xavierNormal() {
        return new Init("xavierNormal",
                (r, fanIn, fanOut, dims) -> normal(r, Math.sqrt(2.0 / (fanIn + fanOut)), dims), ZERO);
    }

    /** All zeros, weight and bias (useful in tests; a hidden layer initialised so cannot learn). */
    public static Init zeros() {
        return new Init("zeros", ZERO, ZERO);
    }

    /** PyTorch's {@code nn.Linear} default: weight and bias {@code U(-1/sqrt(fanIn), 1/sqrt(fanIn))}. */
    public static Init torchDefault() {
        Fill f = (r, fanIn, fanOut, dims) -> uniform(r, 1.0 / Math.sqrt(fanIn), dims);
        return new Init("torchDefault", f, f);
    }

    /**
     * Returns a new weight {@code [out, in]}.
     *
     * @throws IllegalArgumentException if {@code in} or {@code out} is not positive
     */
    public NDArray weight(int in, int out, RandomGenerator random) {
        checkFans(in, out);
        Objects.requireNonNull(random, "Init: random is null");
        return weight.apply(random, in, out, out, in);
    }

    /**
     * Returns a new bias {@code [out]} for a layer with {@code in} inputs.
     *
     * @throws IllegalArgumentException if {@code in} or {@code out} is not positive
     */
    public NDArray bias(int in, int out, RandomGenerator random) {
        checkFans(in, out);
        Objects.requireNonNull(random, "Init: random is null");
        return bias.apply(random, in, out, out);
    }

    /** The initialiser's name, such as {@code kaimingUniform}. */
    @Override
    public String toString() {
        return name;
    }

    private void checkFans(int in, int out) {
        if (in <= 0 || out <= 0) {
            throw new IllegalArgumentException("Init." + name + ": in and out must be positive: in="
                    + in + ", out=" + out);
        }
    }

    /**
     * Returns an array of {@code dims} drawn from {@code U(-bound, bound)}, in row-major order: the
     * draw the conv and attention layers use for their PyTorch initialisation.
     *
     * @throws IllegalArgumentException if {@code bound} is negative or not finite, or a dimension is negative
     */
    public static NDArray uniform(RandomGenerator random, double bound, int... dims) {
        Objects.requireNonNull(random, "Init.uniform: random is null");
        if (!(bound >= 0) || Double.isInfinite(bound)) {
            throw new IllegalArgumentException("Init.uniform: bound must be finite and >= 0, got " + bound);
        }
        float[] d = new float[Shape.of(dims).size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (bound * (2.0 * random.nextDouble() - 1.0));
        }
        return NDArray.wrap(d, dims);
    }

    private static NDArray normal(RandomGenerator random, double std, int... dims) {
        float[] d = new float[Shape.of(dims).size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (std * random.nextGaussian());
        }
        return NDArray.wrap(d, dims);
    }
}
