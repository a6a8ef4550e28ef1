package dev.grad4j.autograd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.grad4j.tensor.NDArray;

import java.util.stream.Stream;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Max, average and adaptive-average pooling and flatten: values, finite-difference gradients, errors. */
class PoolOpsTest {

    private static final float EPS = 1e-6f;

    private static int[] p(int a, int b) {
        return new int[] {a, b};
    }

    /** Input dims, kernel, stride, padding: overlapping windows, padding, non-square, 3-D input. */
    static Stream<Arguments> windows() {
        return Stream.of(
                Arguments.of(new int[] {2, 3, 6, 6}, p(2, 2), p(2, 2), p(0, 0)),
                Arguments.of(new int[] {2, 2, 5, 5}, p(3, 3), p(1, 1), p(1, 1)),
                Arguments.of(new int[] {1, 3, 6, 7}, p(2, 3), p(2, 1), p(0, 0)),
                Arguments.of(new int[] {2, 2, 7, 7}, p(3, 3), p(2, 2), p(1, 1)),
                Arguments.of(new int[] {1, 2, 5, 6}, p(3, 2), p(2, 1), p(1, 1)),
                Arguments.of(new int[] {1, 1, 4, 5}, p(4, 5), p(1, 1), p(2, 2)),
                Arguments.of(new int[] {3, 5, 4}, p(2, 2), p(1, 2), p(1, 0)));
    }

    @ParameterizedTest(name = "maxPool2d {0} k{1} s{2} p{3}")
    @MethodSource("windows")
    void maxPoolGradient(int[] dims, int[] k, int[] s, int[] pad) {
        // Distinct values 0.25 apart: no finite-difference step moves the maximum of a window.
        GradCheck.assertClose(xs -> xs.get(0).maxPool2d(k, s, pad),
                GradCheck.Options.DEFAULTS.withStep(1e-3), Inputs.grid(11, 0.0, dims));
    }

    @ParameterizedTest(name = "avgPool2d {0} k{1} s{2} p{3}")
    @MethodSource("windows")
    void avgPoolGradient(int[] dims, int[] k, int[] s, int[] pad) {
        GradCheck.assertClose(xs -> xs.get(0).avgPool2d(k, s, pad, true), Inputs.randn(12, dims));
        GradCheck.assertClose(xs -> xs.get(0).avgPool2d(k, s, pad, false), Inputs.randn(13, dims));
    }

    static Stream<Arguments> adaptiveSizes() {
        return Stream.of(
                Arguments.of(new int[] {2, 3, 4, 4}, 1, 1),
                Arguments.of(new int[] {2, 2, 4, 6}, 2, 3),
                Arguments.of(new int[] {1, 3, 5, 7}, 3, 4),
                Arguments.of(new int[] {1, 2, 3, 2}, 5, 4),
                Arguments.of(new int[] {2, 5, 7}, 3, 7));
    }

    @ParameterizedTest(name = "adaptiveAvgPool2d {0} -> {1}x{2}")
    @MethodSource("adaptiveSizes")
    void adaptiveAvgPoolGradient(int[] dims, int oh, int ow) {
        GradCheck.assertClose(xs -> xs.get(0).adaptiveAvgPool2d(oh, ow), Inputs.randn(14, dims));
    }

    @Test
    void maxPoolValuesAndOverlappingGradient() {
        // 3x3 input, kernel 2 stride 1: the centre 9 is the max of all four windows and gets 4 upstreams.
        Tensor x = Tensor.var("x", NDArray.of(new float[] {1, 2, 3, 4, 9, 5, 6, 7, 8}, 1, 1, 3, 3));
        Tensor y = x.maxPool2d(p(2, 2), p(1, 1), p(0, 0));
        assertThat(y.shape().toArray()).containsExactly(1, 1, 2, 2);
        assertThat(y.value().toArray()).containsExactly(9, 9, 9, 9);
        assertThat(y.sum().backward().wrt(x).toArray()).containsExactly(0, 0, 0, 0, 4, 0, 0, 0, 0);
    }

    @Test
    void maxPoolPaddingIsNeverChosen() {
        // All values negative: zero padding would win, -inf padding never does.
        Tensor x = Tensor.var("x", NDArray.of(new float[] {-4, -3, -2, -1}, 1, 1, 2, 2));
        Tensor y = x.maxPool2d(p(2, 2), p(1, 1), p(1, 1));
        assertThat(y.value().toArray()).containsExactly(-4, -3, -3, -2, -1, -1, -2, -1, -1);
        assertThat(x.maxPool2d(2).value().toArray()).containsExactly(-1f);
    }

    @Test
    void maxPoolPropagatesNaN() {
        Tensor x = Tensor.constant(NDArray.of(new float[] {1, Float.NaN, 3, 4}, 1, 1, 2, 2));
        assertThat(x.maxPool2d(2).item()).isNaN();
    }

    @Test
    void avgPoolDivisorWithAndWithoutPadding() {
        Tensor x = Tensor.constant(NDArray.ones(1, 1, 3, 3));
        // Corner window of a 3x3 kernel with padding 1 covers 4 inputs.
        assertThat(x.avgPool2d(p(3, 3), p(1, 1), p(1, 1), true).value().get(0, 0, 0, 0)).isCloseTo(4f / 9f, within(EPS));
        assertThat(x.avgPool2d(p(3, 3), p(1, 1), p(1, 1), true).value().get(0, 0, 1, 1)).isCloseTo(1f, within(EPS));
        assertThat(x.avgPool2d(p(3, 3), p(1, 1), p(1, 1), false).value().toArray()).containsOnly(1f);
        Tensor y = Tensor.constant(NDArray.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, 1, 1, 4, 4));
        assertThat(y.avgPool2d(2).value().toArray()).containsExactly(3.5f, 5.5f, 11.5f, 13.5f);
    }

    @Test
    void avgPoolGradientSpreadsOverTheWindow() {
        Tensor x = Tensor.var("x", NDArray.ones(1, 1, 2, 2));
        NDArray g = x.avgPool2d(p(2, 2), p(1, 1), p(1, 1), false).sum().backward().wrt(x);
        // Each input is in 4 of the 9 windows; windows hold 1, 2 or 4 inputs.
        assertThat(g.toArray()).containsOnly(1f + 0.5f + 0.5f + 0.25f);
    }

    @Test
    void adaptiveWindowsEndAtTheCeiling() {
        // H = 5 to 3 rows: windows [0, 2), [1, 4), [3, 5).
        Tensor x = Tensor.constant(NDArray.of(new float[] {1, 2, 3, 4, 5}, 1, 1, 5, 1));
        assertThat(x.adaptiveAvgPool2d(3, 1).value().toArray()).containsExactly(1.5f, 3f, 4.5f);
        // Larger than the input: 2 -> 3 gives windows [0, 1), [0, 2), [1, 2).
        Tensor z = Tensor.constant(NDArray.of(new float[] {2, 4}, 1, 1, 1, 2));
        assertThat(z.adaptiveAvgPool2d(1, 3).value().toArray()).containsExactly(2f, 3f, 4f);
        // Global average pooling.
        Tensor w = Tensor.constant(Inputs.randn(3, 2, 3, 4, 5));
        NDArray mean = w.mean(new int[] {2, 3}, true).value();
        NDArray pooled = w.adaptiveAvgPool2d(1, 1).value();
        for (int i = 0; i < 6; i++) {
            assertThat(pooled.toArray()[i]).isCloseTo(mean.toArray()[i], within(EPS));
        }
    }

    @Test
    void shortFormsUseStrideEqualToKernel() {
        NDArray v = Inputs.randn(4, 2, 3, 6, 6);
        Tensor x = Tensor.constant(v);
        assertThat(x.maxPool2d(3).value()).isEqualTo(x.maxPool2d(p(3, 3), p(3, 3), p(0, 0)).value());
        assertThat(x.maxPool2d(p(3, 3), null, null).value()).isEqualTo(x.maxPool2d(3).value());
        assertThat(x.avgPool2d(2).value()).isEqualTo(x.avgPool2d(p(2, 2), p(2, 2), p(0, 0), true).value());
    }

    @Test
    void poolingLeavesItsInputUnchanged() {
        NDArray v = Inputs.randn(5, 1, 2, 5, 5);
        NDArray copy = v.copy();
        Tensor x = Tensor.var("x", v);
        x.maxPool2d(p(3, 3), p(1, 1), p(1, 1)).sum().backward();
        x.avgPool2d(p(3, 3), p(2, 2), p(1, 1), false).sum().backward();
        x.adaptiveAvgPool2d(3, 2).sum().backward();
        assertThat(v).isEqualTo(copy);
    }

    static Stream<Arguments> flattens() {
        return Stream.of(
                Arguments.of(new int[] {2, 3, 4}, 1, -1, new int[] {2, 12}),
                Arguments.of(new int[] {2, 3, 4, 2}, 1, 2, new int[] {2, 12, 2}),
                Arguments.of(new int[] {2, 3, 4}, 0, -1, new int[] {24}),
                Arguments.of(new int[] {2, 3, 4}, -2, -1, new int[] {2, 12}),
                Arguments.of(new int[] {2, 3}, 1, 1, new int[] {2, 3}),
                Arguments.of(new int[] {}, 0, -1, new int[] {1}));
    }

    @ParameterizedTest(name = "flatten {0} {1}..{2}")
    @MethodSource("flattens")
    void flatten(int[] dims, int start, int end, int[] expected) {
        NDArray v = Inputs.randn(6, dims);
        Tensor y = Tensor.constant(v).flatten(start, end);
        assertThat(y.shape().toArray()).containsExactly(expected);
        assertThat(y.value().toArray()).containsExactly(v.toArray());
        GradCheck.assertClose(xs -> xs.get(0).flatten(start, end), v);
    }

    private static Tensor v(int... dims) {
        return Tensor.var("v", NDArray.ones(dims));
    }

    static Stream<Arguments> badCalls() {
        return Stream.of(
                Arguments.of("max rank 2", (ThrowingCallable) () -> v(4, 4).maxPool2d(2), new String[] {"maxPool2d", "[4, 4]"}),
                Arguments.of("max rank 5", (ThrowingCallable) () -> v(1, 1, 1, 4, 4).maxPool2d(2), new String[] {"maxPool2d", "[1, 1, 1, 4, 4]"}),
                Arguments.of("max kernel 0", (ThrowingCallable) () -> v(1, 1, 4, 4).maxPool2d(0), new String[] {"maxPool2d", "positive"}),
                Arguments.of("max stride 0", (ThrowingCallable) () -> v(1, 1, 4, 4).maxPool2d(p(2, 2), p(0, 1), p(0, 0)), new String[] {"maxPool2d", "stride [0, 1]"}),
                Arguments.of("max padding > k/2", (ThrowingCallable) () -> v(1, 1, 4, 4).maxPool2d(p(2, 2), p(1, 1), p(2, 0)), new String[] {"maxPool2d", "padding [2, 0]", "kernel [2, 2]"}),
                Arguments.of("max negative padding", (ThrowingCallable) () -> v(1, 1, 4, 4).maxPool2d(p(2, 2), p(1, 1), p(-1, 0)), new String[] {"maxPool2d", "padding"}),
                Arguments.of("max kernel too large", (ThrowingCallable) () -> v(1, 1, 3, 8).maxPool2d(p(4, 2), p(1, 1), p(0, 0)), new String[] {"maxPool2d", "larger than the padded input", "[1, 1, 3, 8]"}),
                Arguments.of("max pair length", (ThrowingCallable) () -> v(1, 1, 4, 4).maxPool2d(new int[] {2}, null, null), new String[] {"maxPool2d", "kernel must have 2 elements"}),
                Arguments.of("max empty plane", (ThrowingCallable) () -> v(1, 1, 0, 4).maxPool2d(1), new String[] {"maxPool2d", "[1, 1, 0, 4]"}),
                Arguments.of("avg padding > k/2", (ThrowingCallable) () -> v(1, 1, 4, 4).avgPool2d(p(3, 3), p(1, 1), p(2, 2), true), new String[] {"avgPool2d", "padding [2, 2]"}),
                Arguments.of("avg kernel too large", (ThrowingCallable) () -> v(2, 5, 5).avgPool2d(6), new String[] {"avgPool2d", "[2, 5, 5]"}),
                Arguments.of("avg rank 1", (ThrowingCallable) () -> v(5).avgPool2d(1), new String[] {"avgPool2d", "[5]"}),
                Arguments.of("adaptive size 0", (ThrowingCallable) () -> v(1, 1, 4, 4).adaptiveAvgPool2d(0, 2), new String[] {"adaptiveAvgPool2d", "[0, 2]"}),
                Arguments.of("adaptive rank 2", (ThrowingCallable) () -> v(4, 4).adaptiveAvgPool2d(2, 2), new String[] {"adaptiveAvgPool2d", "[4, 4]"}),
                Arguments.of("adaptive empty", (ThrowingCallable) () -> v(1, 0, 4, 4).adaptiveAvgPool2d(2, 2), new String[] {"adaptiveAvgPool2d", "[1, 0, 4, 4]"}),
                Arguments.of("flatten start out of range", (ThrowingCallable) () -> v(2, 3).flatten(2, -1), new String[] {"flatten", "[2, 3]"}),
                Arguments.of("flatten end out of range", (ThrowingCallable) () -> v(2, 3).flatten(0, -3), new String[] {"flatten", "[2, 3]"}),
                Arguments.of("flatten start after end", (ThrowingCallable) () -> v(2, 3, 4).flatten(2, 1), new String[] {"flatten", "start dim 2", "end dim 1"}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCalls")
    void badInputNamesTheOpAndShapes(String name, ThrowingCallable call, String[] fragments) {
        var thrown = assertThatThrownBy(call).isInstanceOf(IllegalArgumentException.class);
        for (String f : fragments) {
            thrown.hasMessageContaining(f);
        }
    }
}
