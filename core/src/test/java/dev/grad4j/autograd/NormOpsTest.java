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

/** Batch normalisation in training and evaluation: gradients, statistics, running updates, errors. */
class NormOpsTest {

    static Stream<int[]> shapes() {
        return Stream.of(new int[] {4, 3}, new int[] {3, 2, 5}, new int[] {2, 3, 3, 3}, new int[] {5, 1, 2, 2});
    }

    private static int channels(int[] dims) {
        return dims[1];
    }

    @ParameterizedTest(name = "training {0}")
    @MethodSource("shapes")
    void trainingGradient(int[] dims) {
        int c = channels(dims);
        GradCheck.assertClose(xs -> xs.get(0).batchNorm(xs.get(1), xs.get(2), null, null, true, 0.1f, 1e-5f),
                Inputs.randn(1, dims), Inputs.uniform(2, 0.5, 2, c), Inputs.randn(3, c));
    }

    @ParameterizedTest(name = "training without affine {0}")
    @MethodSource("shapes")
    void trainingGradientWithoutWeightAndBias(int[] dims) {
        int c = channels(dims);
        GradCheck.assertClose(xs -> xs.get(0).batchNorm(null, null, null, null, true, 0.1f, 1e-3f), Inputs.randn(4, dims));
        GradCheck.assertClose(xs -> xs.get(0).batchNorm(xs.get(1), null, null, null, true, 0.1f, 1e-5f),
                Inputs.randn(5, dims), Inputs.uniform(6, 0.5, 2, c));
        GradCheck.assertClose(xs -> xs.get(0).batchNorm(null, xs.get(1), null, null, true, 0.1f, 1e-5f),
                Inputs.randn(7, dims), Inputs.randn(8, c));
    }

    @ParameterizedTest(name = "evaluation {0}")
    @MethodSource("shapes")
    void evaluationGradient(int[] dims) {
        int c = channels(dims);
        NDArray rm = Inputs.randn(9, c);
        NDArray rv = Inputs.uniform(10, 0.5, 2, c);
        GradCheck.assertClose(xs -> xs.get(0).batchNorm(xs.get(1), xs.get(2), rm, rv, false, 0.1f, 1e-5f),
                Inputs.randn(11, dims), Inputs.uniform(12, 0.5, 2, c), Inputs.randn(13, c));
    }

    @Test
    void evaluationAllowsOneValuePerChannel() {
        NDArray rm = NDArray.of(new float[] {1, 2}, 2);
        NDArray rv = NDArray.of(new float[] {4, 0.25f}, 2);
        Tensor x = Tensor.constant(NDArray.of(new float[] {3, 3}, 1, 2));
        NDArray y = x.batchNorm(null, null, rm, rv, false, 0.1f, 0f).value();
        assertThat(y.toArray()).containsExactly(1f, 2f);
    }

    /** The same function composed from mean, sub, mul, sqrt and div. */
    private static Tensor composed(Tensor x, Tensor w, Tensor b, float eps) {
        int rank = x.shape().rank();
        int[] axes = rank == 2 ? new int[] {0} : rank == 3 ? new int[] {0, 2} : new int[] {0, 2, 3};
        int[] bc = new int[rank];
        java.util.Arrays.fill(bc, 1);
        bc[1] = x.shape().dim(1);
        Tensor mean = x.mean(axes, true);
        Tensor d = x.sub(mean);
        Tensor var = d.mul(d).mean(axes, true);
        return d.div(var.add(eps).sqrt()).mul(w.reshape(bc)).add(b.reshape(bc));
    }

    @ParameterizedTest(name = "equals the composition {0}")
    @MethodSource("shapes")
    void trainingEqualsTheComposedFormula(int[] dims) {
        int c = channels(dims);
        NDArray xv = Inputs.randn(14, dims);
        NDArray wv = Inputs.uniform(15, 0.5, 2, c);
        NDArray bv = Inputs.randn(16, c);
        NDArray up = Inputs.randn(17, dims);
        Tensor x1 = Tensor.var("x", xv);
        Tensor w1 = Tensor.var("w", wv);
        Tensor b1 = Tensor.var("b", bv);
        Tensor fused = x1.batchNorm(w1, b1, null, null, true, 0.1f, 1e-5f);
        Gradients gf = fused.backward(up);
        Tensor x2 = Tensor.var("x", xv);
        Tensor w2 = Tensor.var("w", wv);
        Tensor b2 = Tensor.var("b", bv);
        Tensor comp = composed(x2, w2, b2, 1e-5f);
        Gradients gc = comp.backward(up);
        assertClose(fused.value(), comp.value(), 1e-5f);
        assertClose(gf.wrt(x1), gc.wrt(x2), 1e-4f);
        assertClose(gf.wrt(w1), gc.wrt(w2), 1e-4f);
        assertClose(gf.wrt(b1), gc.wrt(b2), 1e-4f);
    }

    private static void assertClose(NDArray actual, NDArray expected, float tol) {
        assertThat(actual.shape()).isEqualTo(expected.shape());
        float[] a = actual.toArray();
        float[] e = expected.toArray();
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).as("element %d", i).isCloseTo(e[i], within(tol * Math.max(1f, Math.abs(e[i]))));
        }
    }

    @Test
    void largeOffsetKeepsPrecision() {
        // Values 1000 + N(0, 1): E[x^2] - E[x]^2 in float would lose every digit of the variance.
        NDArray xv = Tensor.constant(Inputs.randn(18, 64, 2)).add(1000f).value();
        NDArray y = Tensor.constant(xv).batchNorm(null, null, null, null, true, 0.1f, 0f).value();
        for (int ch = 0; ch < 2; ch++) {
            double s = 0;
            double sq = 0;
            for (int n = 0; n < 64; n++) {
                s += y.get(n, ch);
                sq += (double) y.get(n, ch) * y.get(n, ch);
            }
            assertThat(s / 64).isCloseTo(0, within(1e-4));
            assertThat(sq / 64).isCloseTo(1, within(1e-3));
        }
    }

    @Test
    void runningStatisticsFollowTheHandComputation() {
        // x [3, 2, 2]: channel 0 holds 1..6 in batch order, channel 1 holds 2x those; n = 6 per channel.
        float[] d = {1, 2, 2, 4, 3, 4, 6, 8, 5, 6, 10, 12};
        NDArray x = NDArray.of(d, 3, 2, 2);
        NDArray rm = NDArray.of(new float[] {0.5f, -1f}, 2);
        NDArray rv = NDArray.of(new float[] {1f, 2f}, 2);
        double[] mean = {3.5, 7};
        double[] unbiased = {17.5 / 5, 70.0 / 5}; // Σ(x - mean)^2 / (n - 1)
        double[] biased = {17.5 / 6, 70.0 / 6};
        double rm0 = 0.5;
        double rm1 = -1;
        double rv0 = 1;
        double rv1 = 2;
        Tensor xt = Tensor.var("x", x);
        for (int step = 0; step < 3; step++) {
            Tensor y = xt.batchNorm(null, null, rm, rv, true, 0.25f, 1e-5f);
            rm0 = 0.75 * rm0 + 0.25 * mean[0];
            rm1 = 0.75 * rm1 + 0.25 * mean[1];
            rv0 = 0.75 * rv0 + 0.25 * unbiased[0];
            rv1 = 0.75 * rv1 + 0.25 * unbiased[1];
            assertThat(rm.toArray()).containsExactly(new float[] {(float) rm0, (float) rm1}, within(1e-6f));
            assertThat(rv.toArray()).containsExactly(new float[] {(float) rv0, (float) rv1}, within(1e-5f));
            // The output uses the batch's biased variance, not the running one.
            assertThat(y.value().get(0, 0, 0)).isCloseTo((float) ((1 - 3.5) / Math.sqrt(biased[0] + 1e-5)), within(1e-5f));
        }
        // Evaluation reads them and leaves them alone.
        NDArray before = rm.copy();
        Tensor e = xt.batchNorm(null, null, rm, rv, false, 0.25f, 1e-5f);
        assertThat(rm).isEqualTo(before);
        assertThat(e.value().get(0, 1, 1)).isCloseTo((float) ((4 - rm1) / Math.sqrt(rv1 + 1e-5)),
                within(1e-5f));
    }

    @Test
    @SuppressWarnings("try") // the scope is used only for its effect
    void runningStatisticsUpdateUnderNoGradToo() {
        NDArray rm = NDArray.zeros(3);
        NDArray rv = NDArray.ones(3);
        try (var scope = Autograd.noGrad()) {
            Tensor.constant(Inputs.randn(19, 4, 3)).batchNorm(null, null, rm, rv, true, 0.1f, 1e-5f);
        }
        assertThat(rm.toArray()).doesNotContain(0f);
        assertThat(rv.toArray()).doesNotContain(1f);
    }

    @Test
    void runningStatisticsGetNoGradientAndInputsStayUnchanged() {
        NDArray xv = Inputs.randn(20, 4, 3);
        NDArray copy = xv.copy();
        Tensor x = Tensor.var("x", xv);
        Gradients g = x.batchNorm(null, null, NDArray.zeros(3), NDArray.ones(3), false, 0.1f, 1e-5f).sum().backward();
        assertThat(g.wrt(x).toArray()).containsOnly((float) (1 / Math.sqrt(1 + 1e-5)));
        assertThat(xv).isEqualTo(copy);
    }

    private static Tensor v(int... dims) {
        return Tensor.var("v", Inputs.randn(21, dims));
    }

    static Stream<Arguments> badCalls() {
        Tensor w3 = v(3);
        Tensor w4 = v(4);
        NDArray z3 = NDArray.zeros(3);
        NDArray z2 = NDArray.zeros(2);
        return Stream.of(
                bad("rank 1", () -> v(3).batchNorm(null, null, null, null, true, 0.1f, 1e-5f), "batchNorm", "[3]"),
                bad("weight channels", () -> v(2, 3).batchNorm(w4, null, null, null, true, 0.1f, 1e-5f), "batchNorm", "weight must be [3]", "[4]"),
                bad("bias channels", () -> v(2, 3, 5).batchNorm(w3, w4, null, null, true, 0.1f, 1e-5f), "batchNorm", "bias", "[2, 3, 5]"),
                bad("running mean channels", () -> v(2, 3).batchNorm(null, null, z2, z3, false, 0.1f, 1e-5f), "batchNorm", "running mean", "[2]"),
                bad("running var channels", () -> v(2, 3, 2, 2).batchNorm(null, null, z3, z2, false, 0.1f, 1e-5f), "batchNorm", "running var"),
                bad("running mean channels in training", () -> v(2, 3).batchNorm(null, null, z2, NDArray.zeros(2), true, 0.1f, 1e-5f), "batchNorm", "[2]"),
                bad("one value per channel 2-D", () -> v(1, 3).batchNorm(w3, w3, null, null, true, 0.1f, 1e-5f), "batchNorm", "more than 1 value per channel", "[1, 3]"),
                bad("one value per channel 4-D", () -> v(1, 3, 1, 1).batchNorm(null, null, null, null, true, 0.1f, 1e-5f), "batchNorm", "[1, 3, 1, 1]"),
                bad("empty", () -> v(0, 3).batchNorm(null, null, z3, z3, false, 0.1f, 1e-5f), "batchNorm", "[0, 3]"),
                bad("eval without running stats", () -> v(2, 3).batchNorm(null, null, null, null, false, 0.1f, 1e-5f), "batchNorm", "evaluation", "[2, 3]"),
                bad("only one running stat", () -> v(2, 3).batchNorm(null, null, z3, null, true, 0.1f, 1e-5f), "batchNorm", "both"),
                bad("negative eps", () -> v(2, 3).batchNorm(null, null, null, null, true, 0.1f, -1f), "batchNorm", "eps"),
                bad("NaN momentum", () -> v(2, 3).batchNorm(null, null, z3, NDArray.ones(3), true, Float.NaN, 1e-5f), "batchNorm", "momentum"));
    }

    private static Arguments bad(String name, ThrowingCallable call, String... fragments) {
        return Arguments.of(name, call, fragments);
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
