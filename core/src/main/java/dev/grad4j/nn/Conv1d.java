package dev.grad4j.nn;

import dev.grad4j.autograd.Tensor;

import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * A 1-D convolution layer, as PyTorch's {@code nn.Conv1d}: {@code y = conv1d(x, weight) + bias}.
 *
 * <p>Shapes: input {@code [batch, in, L]}, weight {@code [out, in/groups, k]}, bias {@code [out]},
 * output {@code [batch, out, L']} with {@code L' = floor((L + 2 padding - dilation (k - 1) - 1) / stride) + 1}.
 * Defaults and initialisation as {@link Conv2d} ({@code fanIn = in/groups * k}).
 *
 * <pre>{@code
 * Conv1d conv = new Conv1d(8, 16, 5, 1, 2, random);   // [batch, 8, 100] -> [batch, 16, 100]
 * }</pre>
 */
public final class Conv1d extends AbstractModule {

    private final int in;
    private final int out;
    private final int kernel;
    private final int stride;
    private final int padding;
    private final int dilation;
    private final int groups;
    private final Tensor weight;
    private final Tensor bias;

    /**
     * A layer with stride 1, no padding, one group and bias.
     *
     * @throws IllegalArgumentException if a size is not positive
     */
    public Conv1d(int in, int out, int kernel, RandomGenerator random) {
        this(in, out, kernel, 1, 0, 1, 1, true, random);
    }

    /**
     * A layer with the given stride and padding, one group and bias.
     *
     * @throws IllegalArgumentException if a size or the stride is not positive, or the padding is negative
     */
    public Conv1d(int in, int out, int kernel, int stride, int padding, RandomGenerator random) {
        this(in, out, kernel, stride, padding, 1, 1, true, random);
    }

    /**
     * The general layer.
     *
     * @param in input channels
     * @param out output channels
     * @param kernel kernel length
     * @param stride step between windows
     * @param padding zeros on both sides
     * @param dilation spacing of the kernel taps
     * @param groups divides {@code in} and {@code out}
     * @param bias whether the layer has a bias
     * @param random the generator the parameters are drawn from
     * @throws IllegalArgumentException if a size, the stride or the dilation is not positive, the
     *     padding is negative or {@code groups} does not divide the channels
     */
    public Conv1d(int in, int out, int kernel, int stride, int padding, int dilation, int groups, boolean bias,
                  RandomGenerator random) {
        if (kernel <= 0 || stride <= 0 || dilation <= 0 || padding < 0) {
            throw new IllegalArgumentException("Conv1d: kernel, stride and dilation must be positive and padding"
                    + " non-negative: kernel=" + kernel + ", stride=" + stride + ", padding=" + padding
                    + ", dilation=" + dilation);
        }
        Objects.requireNonNull(random, "Conv1d: random is null");
        ConvLayers.checkChannels("Conv1d", in, out, groups);
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.dilation = dilation;
        this.groups = groups;
        double bound = 1.0 / Math.sqrt(in / groups * kernel);
        this.weight = registerParameter("weight", Init.uniform(random, bound, out, in / groups, kernel));
        this.bias = bias ? registerParameter("bias", Init.uniform(random, bound, out)) : null;
    }

    /**
     * Returns the convolution of {@code x} {@code [batch, in, L]}: {@code [batch, out, L']}.
     *
     * @throws IllegalArgumentException if {@code x} is not 3-D with {@code in} channels, or the kernel
     *     is longer than the padded input
     */
    @Override
    public Tensor forward(Tensor x) {
        Objects.requireNonNull(x, "Conv1d: input is null");
        return x.conv1d(weight, bias, stride, padding, dilation, groups);
    }

    /** The weight variable {@code [out, in/groups, k]}. */
    public Tensor weight() {
        return weight;
    }

    /** The bias variable {@code [out]}, or empty for a layer without bias. */
    public Optional<Tensor> bias() {
        return Optional.ofNullable(bias);
    }

    /** {@code Conv1d(8, 16, kernel=5, stride=1, padding=2, dilation=1, groups=1, bias=true)}. */
    @Override
    public String toString() {
        return "Conv1d(" + in + ", " + out + ", kernel=" + kernel + ", stride=" + stride + ", padding=" + padding
                + ", dilation=" + dilation + ", groups=" + groups + ", bias=" + (bias != null) + ")";
    }
}
