package dev.grad4j.autograd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grad4j.tensor.NDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * conv1d and conv2d: finite-difference gradients over stride, padding, dilation, groups,
 * depthwise, 1x1, no bias, batch 1 and non-square kernels; the im2col kernels against a naive
 * direct convolution (forward and all three gradients) on many random configurations, including
 * sizes that split samples between threads and unfold the weight gradient in one or many chunks;
 * and every bad input.
 */
class ConvOpsTest {

    /** conv is linear in each input, so a large step is exact and keeps float rounding small. */
    private static final GradCheck.Options LINEAR = GradCheck.Options.DEFAULTS.withStep(0.5);

    /** One conv2d configuration; a conv1d one has {@code h = kh = 1}, stride/dilation 1 and padding 0 in h. */
    record Config(int n, int c, int h, int w, int o, int kh, int kw, int sh, int sw, int ph, int pw,
                  int dh, int dw, int groups, boolean bias, boolean oneD) {

        int ho() {
            return (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1;
        }

        int wo() {
            return (w + 2 * pw - dw * (kw - 1) - 1) / sw + 1;
        }

        int[] xDims() {
            return oneD ? new int[] {n, c, w} : new int[] {n, c, h, w};
        }

        int[] wDims() {
            return oneD ? new int[] {o, c / groups, kw} : new int[] {o, c / groups, kh, kw};
        }

        Tensor apply(Tensor x, Tensor wt, Tensor b) {
            return oneD
                    ? x.conv1d(wt, b, sw, pw, dw, groups)
                    : x.conv2d(wt, b, new int[] {sh, sw}, new int[] {ph, pw}, new int[] {dh, dw}, groups);
        }

        boolean valid() {
            return h + 2 * ph >= dh * (kh - 1) + 1 && w + 2 * pw >= dw * (kw - 1) + 1;
        }

        @Override
        public String toString() {
            return (oneD ? "conv1d" : "conv2d") + " n" + n + " c" + c + " " + h + "x" + w + " o" + o + " k" + kh + "x"
                    + kw + " s" + sh + "x" + sw + " p" + ph + "x" + pw + " d" + dh + "x" + dw + " g" + groups
                    + (bias ? "" : " nobias");
        }
    }

    static Config c2(int n, int c, int h, int w, int o, int kh, int kw, int sh, int sw, int ph, int pw,
                     int dh, int dw, int groups, boolean bias) {
        return new Config(n, c, h, w, o, kh, kw, sh, sw, ph, pw, dh, dw, groups, bias, false);
    }

    static Config c1(int n, int c, int l, int o, int k, int s, int p, int d, int groups, boolean bias) {
        return new Config(n, c, 1, l, o, 1, k, 1, s, 0, p, 1, d, groups, bias, true);
    }

    static Stream<Config> gradientCases() {
        return Stream.of(
                c2(2, 3, 5, 5, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, true),     // 3x3 pad 1
                c2(2, 2, 7, 7, 3, 3, 3, 2, 2, 1, 1, 1, 1, 1, true),     // stride 2
                c2(1, 2, 8, 7, 2, 3, 2, 3, 2, 0, 1, 1, 1, 1, true),     // stride 3x2, non-square, batch 1
                c2(2, 3, 5, 6, 4, 2, 3, 1, 1, 1, 0, 1, 1, 1, true),     // non-square kernel
                c2(1, 2, 7, 7, 3, 3, 3, 1, 1, 2, 2, 2, 2, 1, true),     // dilation
                c2(1, 2, 8, 6, 2, 2, 3, 2, 1, 1, 2, 3, 1, 1, false),    // dilation 3x1, padding > kernel/2
                c2(2, 4, 5, 5, 6, 3, 3, 1, 1, 1, 1, 1, 1, 2, true),     // groups
                c2(2, 3, 5, 5, 3, 3, 3, 1, 1, 1, 1, 1, 1, 3, true),     // depthwise
                c2(1, 2, 4, 5, 6, 3, 3, 1, 1, 1, 1, 1, 1, 2, false),    // depthwise multiplier 3 (O = 3C)
                c2(2, 4, 4, 4, 3, 1, 1, 1, 1, 0, 0, 1, 1, 1, true),     // 1x1
                c2(2, 4, 4, 3, 4, 1, 1, 1, 1, 0, 0, 1, 1, 2, false),    // 1x1 grouped
                c2(1, 2, 5, 5, 2, 1, 1, 2, 2, 1, 1, 1, 1, 1, true),     // 1x1 strided, padded
                c2(2, 3, 6, 6, 2, 3, 3, 1, 1, 0, 0, 1, 1, 1, false),    // no bias
                c2(1, 1, 3, 3, 1, 3, 3, 1, 1, 0, 0, 1, 1, 1, true),     // kernel = input, 1x1 output
                c2(1, 1, 1, 1, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1, true),     // 1x1 input, all padding
                c1(2, 3, 8, 4, 3, 1, 1, 1, 1, true),
                c1(2, 4, 9, 3, 3, 2, 2, 2, 1, true),
                c1(1, 4, 7, 6, 3, 1, 0, 1, 2, false),
                c1(3, 2, 5, 5, 1, 1, 0, 1, 1, true),
                c1(1, 3, 6, 3, 2, 3, 1, 1, 3, true),                    // depthwise, stride 3
                c1(1, 2, 2, 2, 4, 1, 3, 1, 1, false));                  // kernel longer than input, padded
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("gradientCases")
    void gradientsMatchFiniteDifferences(Config cfg) {
        NDArray x = Inputs.randn(1, cfg.xDims());
        NDArray w = Inputs.randn(2, cfg.wDims());
        if (cfg.bias()) {
            GradCheck.assertClose(xs -> cfg.apply(xs.get(0), xs.get(1), xs.get(2)), LINEAR, x, w,
                    Inputs.randn(3, cfg.o()));
        } else {
            GradCheck.assertClose(xs -> cfg.apply(xs.get(0), xs.get(1), null), LINEAR, x, w);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("gradientCases")
    void equalsNaiveDirectConvolution(Config cfg) {
        assertMatchesNaive(cfg, 7);
    }

    @Test
    void equalsNaiveDirectConvolutionOnRandomConfigurations() {
        SplittableRandom r = new SplittableRandom(42);
        int checked = 0;
        while (checked < 300) {
            int groups = 1 + r.nextInt(3);
            boolean oneD = r.nextInt(4) == 0;
            int kh = oneD ? 1 : 1 + r.nextInt(4);
            Config cfg = new Config(1 + r.nextInt(4), groups * (1 + r.nextInt(3)), oneD ? 1 : 1 + r.nextInt(9),
                    1 + r.nextInt(9), groups * (1 + r.nextInt(3)), kh, 1 + r.nextInt(4),
                    oneD ? 1 : 1 + r.nextInt(3), 1 + r.nextInt(3), oneD ? 0 : r.nextInt(3), r.nextInt(3),
                    oneD ? 1 : 1 + r.nextInt(3), 1 + r.nextInt(3), groups, r.nextBoolean(), oneD);
            if (!cfg.valid()) {
                continue;
            }
            assertMatchesNaive(cfg, checked);
            checked++;
        }
    }

    /**
     * Stride 1 with the output as wide as the input ("same" padding in width; any padding in
     * height, rows of the window falling wholly outside included): the unfolding copies whole
     * shifted planes and zeroes the wrapped columns, which these cases check against the naive
     * convolution (forward and all three gradients).
     */
    @Test
    void sameWidthConvolutionsEqualNaive() {
        SplittableRandom r = new SplittableRandom(7);
        int checked = 0;
        while (checked < 150) {
            int kw = 1 + r.nextInt(5);
            int dw = 1 + r.nextInt(3);
            if (dw * (kw - 1) % 2 != 0) {
                continue;
            }
            int pw = dw * (kw - 1) / 2; // wo == w
            boolean oneD = r.nextInt(4) == 0;
            int groups = 1 + r.nextInt(2);
            Config cfg = new Config(1 + r.nextInt(3), groups * (1 + r.nextInt(3)), oneD ? 1 : 1 + r.nextInt(8),
                    1 + r.nextInt(8), groups * (1 + r.nextInt(3)), oneD ? 1 : 1 + r.nextInt(4), kw, 1, 1,
                    oneD ? 0 : r.nextInt(4), pw, oneD ? 1 : 1 + r.nextInt(3), dw, groups, r.nextBoolean(), oneD);
            if (!cfg.valid()) {
                continue;
            }
            assertThat(cfg.wo()).isEqualTo(cfg.w());
            assertMatchesNaive(cfg, 1000 + checked);
            checked++;
        }
    }

    static Stream<Config> largeCases() {
        return Stream.of(
                c2(8, 16, 14, 14, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, true),   // samples split between threads
                c2(32, 1, 28, 28, 8, 5, 5, 1, 1, 2, 2, 1, 1, 1, true),    // LeNet-like first layer
                c2(3, 64, 32, 32, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, true),    // weight gradient: one sample per chunk
                c2(2, 300, 32, 32, 300, 1, 1, 1, 1, 0, 0, 1, 1, 1, false), // 1x1, one sample per chunk: no copies
                c2(4, 32, 16, 16, 64, 1, 1, 1, 1, 0, 0, 1, 1, 4, true),    // 1x1 grouped, chunked
                c2(6, 24, 12, 12, 24, 3, 3, 2, 2, 1, 1, 1, 1, 24, true),   // depthwise, strided
                c1(16, 32, 100, 48, 5, 1, 2, 1, 1, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("largeCases")
    void largeConvolutionsEqualNaive(Config cfg) {
        assertMatchesNaive(cfg, 99);
    }

    @Test
    void inputsAreLeftUnchanged() {
        NDArray x = Inputs.randn(1, 2, 3, 6, 6);
        NDArray w = Inputs.randn(2, 4, 3, 3, 3);
        NDArray b = Inputs.randn(3, 4);
        NDArray x0 = x.copy();
        NDArray w0 = w.copy();
        NDArray b0 = b.copy();
        Tensor y = Tensor.var("x", x).conv2d(Tensor.var("w", w), Tensor.var("b", b),
                new int[] {2, 1}, new int[] {1, 1}, new int[] {1, 2}, 1);
        y.backward(NDArray.ones(y.shape().toArray()));
        assertThat(x).isEqualTo(x0);
        assertThat(w).isEqualTo(w0);
        assertThat(b).isEqualTo(b0);
    }

    @Test
    void defaultsAreStrideOnePaddingZeroDilationOneOneGroup() {
        Tensor x = Tensor.var("x", Inputs.randn(1, 2, 3, 6, 7));
        Tensor w = Tensor.var("w", Inputs.randn(2, 4, 3, 2, 3));
        Tensor b = Tensor.var("b", Inputs.randn(3, 4));
        Tensor y = x.conv2d(w, b);
        assertThat(y.shape().toArray()).containsExactly(2, 4, 5, 5);
        assertThat(y.value()).isEqualTo(x.conv2d(w, b, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 1).value());
        assertThat(y.op()).isEqualTo("conv2d");

        Tensor x1 = Tensor.var("x", Inputs.randn(4, 2, 3, 9));
        Tensor w1 = Tensor.var("w", Inputs.randn(5, 4, 3, 4));
        Tensor y1 = x1.conv1d(w1, null);
        assertThat(y1.shape().toArray()).containsExactly(2, 4, 6);
        assertThat(y1.value()).isEqualTo(x1.conv1d(w1, null, 1, 0, 1, 1).value());
        assertThat(y1.op()).isEqualTo("conv1d");
    }

    @Test
    void conv1dEqualsConv2dWithHeightOne() {
        NDArray x = Inputs.randn(1, 2, 4, 11);
        NDArray w = Inputs.randn(2, 6, 2, 3);
        Tensor y1 = Tensor.constant(x).conv1d(Tensor.constant(w), null, 2, 1, 2, 2);
        Tensor y2 = Tensor.constant(x.reshape(2, 4, 1, 11)).conv2d(Tensor.constant(w.reshape(6, 2, 1, 3)), null,
                new int[] {1, 2}, new int[] {0, 1}, new int[] {1, 2}, 2);
        assertThat(y1.value()).isEqualTo(y2.value().reshape(y1.shape().toArray()));
    }

    // ---- errors -------------------------------------------------------------------------------

    private static final int[] ONE = {1, 1};
    private static final int[] ZERO = {0, 0};

    private static Tensor t(int... dims) {
        return Tensor.var("t", NDArray.zeros(dims));
    }

    @Test
    void wrongRanksAreRejected() {
        assertThatThrownBy(() -> t(2, 3, 5).conv2d(t(4, 3, 3, 3), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conv2d").hasMessageContaining("[N, C, H, W]").hasMessageContaining("[2, 3, 5]");
        assertThatThrownBy(() -> t(2, 3, 5, 5).conv2d(t(4, 3, 3), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conv2d").hasMessageContaining("weight").hasMessageContaining("[4, 3, 3]");
        assertThatThrownBy(() -> t(2, 3, 5, 5).conv1d(t(4, 3, 3), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conv1d").hasMessageContaining("[N, C, L]").hasMessageContaining("[2, 3, 5, 5]");
        assertThatThrownBy(() -> t(2, 3, 5).conv1d(t(4, 3, 3, 3), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conv1d").hasMessageContaining("[4, 3, 3, 3]");
    }

    @Test
    void channelsNotDivisibleByGroupsAreRejected() {
        assertThatThrownBy(() -> t(1, 5, 4, 4).conv2d(t(4, 2, 3, 3), null, ONE, ONE, ONE, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conv2d: input channels 5 not divisible by groups 2")
                .hasMessageContaining("[1, 5, 4, 4]");
        assertThatThrownBy(() -> t(1, 4, 4, 4).conv2d(t(5, 2, 3, 3), null, ONE, ONE, ONE, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conv2d: output channels 5 not divisible by groups 2")
                .hasMessageContaining("[5, 2, 3, 3]");
        assertThatThrownBy(() -> t(1, 4, 6).conv1d(t(6, 1, 3), null, 1, 0, 1, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conv1d: input channels 4 not divisible by groups 3");
    }

    @Test
    void weightInChannelsMustBeChannelsOverGroups() {
        assertThatThrownBy(() -> t(1, 3, 4, 4).conv2d(t(2, 2, 3, 3), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conv2d: weight in-channels 2 != input channels 3 / groups 1")
                .hasMessageContaining("[1, 3, 4, 4]").hasMessageContaining("[2, 2, 3, 3]");
        assertThatThrownBy(() -> t(1, 4, 6).conv1d(t(2, 4, 3), null, 1, 0, 1, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conv1d: weight in-channels 4 != input channels 4 / groups 2");
    }

    @Test
    void biasMustBeOutChannels() {
        assertThatThrownBy(() -> t(1, 3, 4, 4).conv2d(t(2, 3, 3, 3), t(3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conv2d: bias must be [2], got [3]");
        assertThatThrownBy(() -> t(1, 3, 4).conv1d(t(2, 3, 3), t(1, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conv1d: bias must be [2], got [1, 2]");
    }

    @Test
    void badHyperparametersAreRejected() {
        Tensor x = t(1, 2, 6, 6);
        Tensor w = t(2, 2, 3, 3);
        assertThatThrownBy(() -> x.conv2d(w, null, new int[] {1, 0}, ZERO, ONE, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("conv2d: stride must be positive");
        assertThatThrownBy(() -> x.conv2d(w, null, new int[] {-1, 1}, ZERO, ONE, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("conv2d: stride must be positive");
        assertThatThrownBy(() -> x.conv2d(w, null, ONE, ZERO, new int[] {0, 1}, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("conv2d: dilation must be positive");
        assertThatThrownBy(() -> x.conv2d(w, null, ONE, new int[] {0, -1}, ONE, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("conv2d: padding must be non-negative");
        assertThatThrownBy(() -> x.conv2d(w, null, ONE, ZERO, ONE, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("conv2d: groups must be positive");
        assertThatThrownBy(() -> x.conv2d(w, null, new int[] {1}, ZERO, ONE, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("conv2d: stride must be a pair");
        assertThatThrownBy(() -> x.conv2d(w, null, ONE, new int[] {1, 1, 1}, ONE, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("conv2d: stride, padding and dilation");
        assertThatThrownBy(() -> x.conv2d(w, null, ONE, ZERO, new int[] {1}, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("conv2d: stride, padding and dilation");
        Tensor x1 = t(1, 2, 6);
        Tensor w1 = t(2, 2, 3);
        assertThatThrownBy(() -> x1.conv1d(w1, null, 0, 0, 1, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("conv1d: stride must be positive");
        assertThatThrownBy(() -> x1.conv1d(w1, null, 1, -1, 1, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("conv1d: padding must be non-negative");
        assertThatThrownBy(() -> x1.conv1d(w1, null, 1, 0, 0, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("conv1d: dilation must be positive");
        assertThatThrownBy(() -> x1.conv1d(w1, null, 1, 0, 1, -2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("conv1d: groups must be positive");
        assertThatThrownBy(() -> x1.conv1d(w1, null, 1, Integer.MAX_VALUE, 1, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("conv1d: padding too large");
    }

    @Test
    void kernelLargerThanPaddedInputIsRejected() {
        assertThatThrownBy(() -> t(1, 1, 4, 4).conv2d(t(1, 1, 5, 3), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conv2d: kernel [5, 3]").hasMessageContaining("larger than padded input [4, 4]");
        assertThatThrownBy(() -> t(1, 1, 4, 4).conv2d(t(1, 1, 3, 3), null, ONE, ZERO, new int[] {1, 2}, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conv2d: kernel [3, 3] (dilated [3, 5]) larger than padded input [4, 4]");
        assertThatThrownBy(() -> t(1, 1, 4).conv1d(t(1, 1, 7), null, 1, 1, 1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conv1d: kernel [7]").hasMessageContaining("larger than padded input [6]");
        assertThatThrownBy(() -> t(1, 1, 4, 4).conv2d(t(1, 1, 0, 3), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conv2d: kernel size must be positive");
        // exactly fits once padded: allowed
        assertThat(t(1, 1, 4).conv1d(t(1, 1, 6), null, 1, 1, 1, 1).shape().toArray()).containsExactly(1, 1, 1);
    }

    @Test
    void nullsAreRejectedNamingTheOp() {
        Tensor x = t(1, 2, 4, 4);
        Tensor w = t(2, 2, 3, 3);
        assertThatThrownBy(() -> x.conv2d(null, null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("conv2d: weight is null");
        assertThatThrownBy(() -> x.conv2d(w, null, null, ZERO, ONE, 1)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("conv2d: stride is null");
        assertThatThrownBy(() -> x.conv2d(w, null, ONE, null, ONE, 1)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("conv2d: padding is null");
        assertThatThrownBy(() -> x.conv2d(w, null, ONE, ZERO, null, 1)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("conv2d: dilation is null");
        assertThatThrownBy(() -> t(1, 2, 4).conv1d(null, null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("conv1d: weight is null");
    }

    // ---- the naive reference ------------------------------------------------------------------

    private static void assertMatchesNaive(Config cfg, long seed) {
        NDArray x = Inputs.randn(seed, cfg.xDims());
        NDArray w = Inputs.randn(seed + 1, cfg.wDims());
        NDArray b = Inputs.randn(seed + 2, cfg.o());
        Tensor tx = Tensor.var("x", x);
        Tensor tw = Tensor.var("w", w);
        Tensor tb = cfg.bias() ? Tensor.var("b", b) : null;
        Tensor y = cfg.apply(tx, tw, tb);
        int[] yDims = cfg.oneD() ? new int[] {cfg.n(), cfg.o(), cfg.wo()} : new int[] {cfg.n(), cfg.o(), cfg.ho(), cfg.wo()};
        assertThat(y.shape().toArray()).as("output shape of %s", cfg).containsExactly(yDims);
        NDArray u = Inputs.randn(seed + 3, yDims);
        Gradients g = y.backward(u);

        double[][] ref = naive(cfg, x.toArray(), w.toArray(), cfg.bias() ? b.toArray() : null, u.toArray());
        assertClose(cfg + " output", y.value().toArray(), ref[0]);
        assertClose(cfg + " grad x", g.wrt(tx).toArray(), ref[1]);
        assertClose(cfg + " grad w", g.wrt(tw).toArray(), ref[2]);
        if (cfg.bias()) {
            assertClose(cfg + " grad b", g.wrt(tb).toArray(), ref[3]);
        }
    }

    /** Direct convolution in double: {output, dx, dw, db} for upstream {@code u}. */
    private static double[][] naive(Config c, float[] x, float[] w, float[] b, float[] u) {
        int ho = c.ho();
        int wo = c.wo();
        int cg = c.c() / c.groups();
        int og = c.o() / c.groups();
        double[] y = new double[c.n() * c.o() * ho * wo];
        double[] dx = new double[x.length];
        double[] dw = new double[w.length];
        double[] db = new double[c.o()];
        for (int n = 0; n < c.n(); n++) {
            for (int o = 0; o < c.o(); o++) {
                int grp = o / og;
                for (int oh = 0; oh < ho; oh++) {
                    for (int ow = 0; ow < wo; ow++) {
                        int yi = ((n * c.o() + o) * ho + oh) * wo + ow;
                        double s = b == null ? 0 : b[o];
                        db[o] += u[yi];
                        for (int ci = 0; ci < cg; ci++) {
                            int ch = grp * cg + ci;
                            for (int i = 0; i < c.kh(); i++) {
                                int ih = oh * c.sh() - c.ph() + i * c.dh();
                                if (ih < 0 || ih >= c.h()) {
                                    continue;
                                }
                                for (int j = 0; j < c.kw(); j++) {
                                    int iw = ow * c.sw() - c.pw() + j * c.dw();
                                    if (iw < 0 || iw >= c.w()) {
                                        continue;
                                    }
                                    int xi = ((n * c.c() + ch) * c.h() + ih) * c.w() + iw;
                                    int wi = ((o * cg + ci) * c.kh() + i) * c.kw() + j;
                                    s += (double) x[xi] * w[wi];
                                    dx[xi] += (double) u[yi] * w[wi];
                                    dw[wi] += (double) u[yi] * x[xi];
                                }
                            }
                        }
                        y[yi] = s;
                    }
                }
            }
        }
        return new double[][] {y, dx, dw, db};
    }

    private static void assertClose(String what, float[] actual, double[] expected) {
        assertThat(actual).as(what + " length").hasSize(expected.length);
        double scale = 0;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        double tol = 1e-5 + 2e-5 * scale;
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < actual.length && bad.size() < 5; i++) {
            if (!(Math.abs(actual[i] - expected[i]) <= tol)) {
                bad.add(i + ": " + actual[i] + " vs " + expected[i]);
            }
        }
        assertThat(bad).as("%s: elements off by more than %s", what, tol).isEmpty();
    }
}
