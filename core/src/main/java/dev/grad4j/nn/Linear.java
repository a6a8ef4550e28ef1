package dev.grad4j.nn;

import dev.grad4j.autograd.Tensor;

import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * A fully connected layer {@code y = x Wᵀ + b}, as PyTorch's {@code nn.Linear}.
 *
 * <p>Shapes: input {@code [batch, in]} (or any number of leading dimensions {@code [..., in]}),
 * weight {@code [out, in]}, bias {@code [out]}, output {@code [batch, out]}. Parameters are named
 * {@code weight} and {@code bias}. Default initialisation: {@link Init#kaimingUniform()} (weight
 * {@code U(±sqrt(6 / in))}, bias 0), drawn from the given generator:
 *
 * <pre>{@code
 * Linear layer = new Linear(784, 128, RandomGenerator.of("L64X128MixRandom"));
 * Tensor y = layer.forward(x);   // x [64, 784] -> y [64, 128]
 * }</pre>
 */
public final class Linear extends AbstractModule {

    private final int in;
    private final int out;
    private final Tensor weight;
    private final Tensor bias;

    /**
     * A layer with bias, Kaiming-uniform initialised.
     *
     * @throws IllegalArgumentException if {@code in} or {@code out} is not positive
     */
    public Linear(int in, int out, RandomGenerator random) {
        this(in, out, true, Init.kaimingUniform(), random);
    }

    /**
     * A layer with or without bias, Kaiming-uniform initialised.
     *
     * @throws IllegalArgumentException if {@code in} or {@code out} is not positive
     */
    public Linear(int in, int out, boolean bias, RandomGenerator random) {
        this(in, out, bias, Init.kaimingUniform(), random);
    }

    /**
     * A layer with bias, initialised by {@code init}.
     *
     * @throws IllegalArgumentException if {@code in} or {@code out} is not positive
     */
    public Linear(int in, int out, Init init, RandomGenerator random) {
        this(in, out, true, init, random);
    }

    /**
     * A layer with or without bias, initialised by {@code init} from {@code random} (weight first).
     *
     * @throws IllegalArgumentException if {@code in} or {@code out} is not positive
     */
    public Linear(int in, int out, boolean bias, Init init, RandomGenerator random) {
        if (in <= 0 || out <= 0) {
            throw new IllegalArgumentException("Linear: in and out must be positive: in=" + in + ", out=" + out);
        }
        Objects.requireNonNull(init, "Linear: init is null");
        Objects.requireNonNull(random, "Linear: random is null");
        this.in = in;
        this.out = out;
        this.weight = registerParameter("weight", init.weight(in, out, random));
        this.bias = bias ? registerParameter("bias", init.bias(in, out, random)) : null;
    }

    /**
     * Returns {@code x Wᵀ + b}: {@code [..., in]} to {@code [..., out]}.
     *
     * @throws IllegalArgumentException if {@code x} is a scalar or its last dimension is not {@code in}
     */
    @Override
    public Tensor forward(Tensor x) {
        Objects.requireNonNull(x, "Linear: input is null");
        if (x.shape().rank() == 0 || x.shape().dim(-1) != in) {
            throw new IllegalArgumentException("Linear: input must be [..., " + in + "]: input " + x.shape()
                    + ", weight " + weight.shape());
        }
        return x.linear(weight, bias);
    }

    /** The weight variable {@code [out, in]}. */
    public Tensor weight() {
        return weight;
    }

    /** The bias variable {@code [out]}, or empty for a layer without bias. */
    public Optional<Tensor> bias() {
        return Optional.ofNullable(bias);
    }

    /** Number of input features. */
    public int inFeatures() {
        return in;
    }

    /** Number of output features. */
    public int outFeatures() {
        return out;
    }

    /** {@code Linear(in=2, out=8, bias=true)}. */
    @Override
    public String toString() {
        return "Linear(in=" + in + ", out=" + out + ", bias=" + (bias != null) + ")";
    }
}
