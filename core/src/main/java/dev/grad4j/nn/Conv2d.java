package dev.grad4j.nn;

import dev.grad4j.autograd.Tensor;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * A 2-D convolution layer, as PyTorch's {@code nn.Conv2d}: {@code y = conv2d(x, weight) + bias}.
 *
 * <p>Shapes: input {@code [batch, in, H, W]}, weight {@code [out, in/groups, kh, kw]}, bias
 * {@code [out]}, output {@code [batch, out, H', W']} with
 * {@code H' = floor((H + 2 ph - dh (kh - 1) - 1) / sh) + 1}. Parameters {@code weight} and
 * {@code bias}. Defaults as PyTorch: stride 1, padding 0, dilation 1, one group, with bias.
 * Initialisation as PyTorch's {@code reset_parameters}: weight and bias {@code U(-b, b)} with
 * {@code b = 1 / sqrt(fanIn)}, {@code fanIn = in/groups * kh * kw} (Kaiming-uniform with
 * {@code a = sqrt(5)}), weight drawn first.
 *
 * <pre>{@code
 * Conv2d conv = new Conv2d(1, 32, 3, 1, 1, random);   // 3x3, padding 1: [64, 1, 28, 28] -> [64, 32, 28, 28]
 * }</pre>
 */
public final class Conv2d extends AbstractModule {

    private final int in;
    private final int out;
    private final int[] kernel;
    private final int[] stride;
    private final int[] padding;
    private final int[] dilation;
    private final int groups;
    private final Tensor weight;
    private final Tensor bias;

    /**
     * A square-kernel layer with stride 1, no padding, one group and bias.
     *
     * @throws IllegalArgumentException if a size is not positive
     */
    public Conv2d(int in, int out, int kernel, RandomGenerator random) {
        this(in, out, kernel, 1, 0, random);
    }

    /**
     * A square-kernel layer with the same stride and padding in both dimensions, one group and bias.
     *
     * @throws IllegalArgumentException if a size or the stride is not positive, or the padding is negative
     */
    public Conv2d(int in, int out, int kernel, int stride, int padding, RandomGenerator random) {
        this(in, out, new int[] {kernel, kernel}, new int[] {stride, stride}, new int[] {padding, padding},
                new int[] {1, 1}, 1, true, random);
    }

    /**
     * The general layer; pairs are {@code [height, width]}.
     *
     * @param in input channels
     * @param out output channels
     * @param kernel {@code [kh, kw]}
     * @param stride {@code [sh, sw]}
     * @param padding {@code [ph, pw]}, zeros on both sides
     * @param dilation {@code [dh, dw]}
     * @param groups divides {@code in} and {@code out}
     * @param bias whether the layer has a bias
     * @param random the generator the parameters are drawn from
     * @throws IllegalArgumentException if a size, stride or dilation is not positive, a padding is
     *     negative, a pair does not have two elements or {@code groups} does not divide the channels
     */
    public Conv2d(int in, int out, int[] kernel, int[] stride, int[] padding, int[] dilation, int groups,
                  boolean bias, RandomGenerator random) {
        this.kernel = pair("kernel", kernel, 1);
        this.stride = pair("stride", stride, 1);
        this.padding = pair("padding", padding, 0);
        this.dilation = pair("dilation", dilation, 1);
        Objects.requireNonNull(random, "Conv2d: random is null");
        ConvLayers.checkChannels("Conv2d", in, out, groups);
        this.in = in;
        this.out = out;
        this.groups = groups;
        int fanIn = in / groups * this.kernel[0] * this.kernel[1];
        double bound = 1.0 / Math.sqrt(fanIn);
        this.weight = registerParameter("weight", Init.uniform(random, bound, out, in / groups, this.kernel[0],
                this.kernel[1]));
        this.bias = bias ? registerParameter("bias", Init.uniform(random, bound, out)) : null;
    }

    private static int[] pair(String what, int[] values, int min) {
        Objects.requireNonNull(values, "Conv2d: " + what + " is null");
        if (values.length != 2 || values[0] < min || values[1] < min) {
            throw new IllegalArgumentException("Conv2d: " + what + " must be two values >= " + min + ", got "
                    + Arrays.toString(values));
        }
        return values.clone();
    }

    /**
     * Returns the convolution of {@code x} {@code [batch, in, H, W]}: {@code [batch, out, H', W']}.
     *
     * @throws IllegalArgumentException if {@code x} is not 4-D with {@code in} channels, or the kernel
     *     is larger than the padded input
     */
    @Override
    public Tensor forward(Tensor x) {
        Objects.requireNonNull(x, "Conv2d: input is null");
        return x.conv2d(weight, bias, stride, padding, dilation, groups);
    }

    /** The weight variable {@code [out, in/groups, kh, kw]}. */
    public Tensor weight() {
        return weight;
    }

    /** The bias variable {@code [out]}, or empty for a layer without bias. */
    public Optional<Tensor> bias() {
        return Optional.ofNullable(bias);
    }

    /** {@code Conv2d(1, 32, kernel=[3, 3], stride=[1, 1], padding=[1, 1], dilation=[1, 1], groups=1, bias=true)}. */
    @Override
    public String toString() {
        return "Conv2d(" + in + ", " + out + ", kernel=" + Arrays.toString(kernel) + ", stride="
                + Arrays.toString(stride) + ", padding=" + Arrays.toString(padding) + ", dilation="
                + Arrays.toString(dilation) + ", groups=" + groups + ", bias=" + (bias != null) + ")";
    }
}
