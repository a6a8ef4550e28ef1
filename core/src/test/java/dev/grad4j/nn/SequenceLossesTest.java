package dev.grad4j.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.grad4j.autograd.GradCheck;
import dev.grad4j.autograd.Gradients;
import dev.grad4j.autograd.Tensor;
import dev.grad4j.nn.Losses.CrossEntropyOptions;
import dev.grad4j.nn.Losses.Reduction;
import dev.grad4j.tensor.IntArray;
import dev.grad4j.tensor.NDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The losses with reductions: cross-entropy (K-dim, ignore index, label smoothing), NLL, L1,
 * smooth L1, Huber and KL divergence — naive references in double, finite differences, errors.
 */
class SequenceLossesTest {

    private static NDArray randn(long seed, int... dims) {
        return NDArray.randn(new SplittableRandom(seed), dims);
    }

    /** Per-element cross-entropy in double, classes on dim 1; NaN marks ignored elements. */
    private static double[] naiveCrossEntropy(NDArray logits, IntArray labels, int ignore, double e) {
        int[] s = logits.shape().toArray();
        int c = s[1];
        int inner = logits.size() / (s[0] * c);
        float[] z = logits.toArray();
        int[] y = labels.toArray();
        double[] out = new double[y.length];
        for (int el = 0; el < y.length; el++) {
            int n = el / inner;
            int i = el % inner;
            if (y[el] == ignore) {
                out[el] = Double.NaN;
                continue;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) {
                max = Math.max(max, z[(n * c + j) * inner + i]);
            }
            double sum = 0;
            double mean = 0;
            for (int j = 0; j < c; j++) {
                sum += Math.exp(z[(n * c + j) * inner + i] - max);
                mean += z[(n * c + j) * inner + i];
            }
            double lse = max + Math.log(sum);
            out[el] = (1 - e) * (lse - z[(n * c + y[el]) * inner + i]) + e * (lse - mean / c);
        }
        return out;
    }

    static Stream<Arguments> crossEntropies() {
        List<Arguments> cases = new ArrayList<>();
        Object[][] shapes = {
            {new int[] {4, 5}, new int[] {1, 4, 0, 2}},
            {new int[] {6, 4}, new int[] {1, -100, 3, 0, -100, 2}},
            {new int[] {2, 4, 3}, new int[] {0, 3, 1, 2, -100, 3}},
            {new int[] {2, 3, 2, 2}, new int[] {0, 2, 1, 1, 2, 0, 1, -100}},
        };
        for (Object[] sh : shapes) {
            for (Reduction r : Reduction.values()) {
                for (float e : new float[] {0f, 0.2f}) {
                    cases.add(Arguments.of(sh[0], sh[1], r, -100, e));
                }
            }
        }
        cases.add(Arguments.of(new int[] {5, 3}, new int[] {0, 1, 2, 1, 0}, Reduction.MEAN, 1, 0f)); // a real class
        cases.add(Arguments.of(new int[] {5, 3}, new int[] {0, 1, 2, 1, 0}, Reduction.SUM, 1, 0.1f));
        return cases.stream();
    }

    @ParameterizedTest(name = "logits {0} labels {1} {2} ignore {3} smoothing {4}")
    @MethodSource("crossEntropies")
    void crossEntropyMatchesReferenceAndGradients(int[] shape, int[] labelData, Reduction r, int ignore, float e) {
        int[] ls = new int[shape.length - 1];
        ls[0] = shape[0];
        System.arraycopy(shape, 2, ls, 1, shape.length - 2);
        IntArray labels = IntArray.of(labelData, ls);
        NDArray logits = randn(1, shape);
        CrossEntropyOptions o = CrossEntropyOptions.DEFAULTS.withReduction(r).withIgnoreIndex(ignore)
                .withLabelSmoothing(e);
        double[] each = naiveCrossEntropy(logits, labels, ignore, e);
        float[] actual = Losses.crossEntropy(Tensor.constant(logits), labels, o).value().toArray();
        double sum = 0;
        int count = 0;
        for (double v : each) {
            if (!Double.isNaN(v)) {
                sum += v;
                count++;
            }
        }
        if (r == Reduction.NONE) {
            assertThat(actual).hasSize(each.length);
            for (int i = 0; i < each.length; i++) {
                assertThat((double) actual[i]).isCloseTo(Double.isNaN(each[i]) ? 0 : each[i], within(1e-5));
            }
        } else {
            assertThat((double) actual[0]).isCloseTo(r == Reduction.SUM ? sum : sum / count, within(1e-5));
        }
        GradCheck.assertClose(t -> Losses.crossEntropy(t.get(0), labels, o), logits);
    }

    @Test
    void crossEntropyWithDefaultsEqualsTheIntArrayForm() {
        Tensor z = Tensor.var("z", randn(2, 5, 4));
        int[] y = {3, 0, 1, 1, 2};
        Tensor a = Losses.crossEntropy(z, y);
        Tensor b = Losses.crossEntropy(z, IntArray.vector(y));
        assertThat((double) b.item()).isCloseTo(a.item(), within(1e-6));
        float[] ga = a.backward().wrt(z).toArray();
        float[] gb = b.backward().wrt(z).toArray();
        for (int i = 0; i < ga.length; i++) {
            assertThat(gb[i]).isCloseTo(ga[i], within(1e-6f));
        }
    }

    @Test
    void crossEntropyEqualsComposedLogSoftmaxForKDimInput() {
        // [N, C, L] with labels [N, L] = the [N*L, C] problem of the transposed logits
        NDArray logits = randn(3, 2, 4, 3);
        int[] y = {0, 3, 1, 2, 2, 3};
        Tensor z = Tensor.var("z", logits);
        Tensor fused = Losses.crossEntropy(z, IntArray.of(y, 2, 3));
        int[] flat = {0, 3, 1, 2, 2, 3};
        Tensor composed = Losses.crossEntropy(z.transpose(1, 2).reshape(6, 4), flat);
        assertThat((double) fused.item()).isCloseTo(composed.item(), within(1e-6));
        Gradients gf = fused.backward();
        Gradients gc = composed.backward();
        float[] a = gf.wrt(z).toArray();
        float[] b = gc.wrt(z).toArray();
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).isCloseTo(b[i], within(1e-6f));
        }
    }

    @Test
    void crossEntropyIsStableForLargeLogits() {
        Tensor z = Tensor.var("z", NDArray.of(new float[] {1000f, -1000f, 0f, 500f, 501f, 499f}, 2, 3));
        Tensor loss = Losses.crossEntropy(z, IntArray.vector(0, 1));
        double expected = (0 + (Math.log(Math.exp(-1) + 1 + Math.exp(-2)))) / 2;
        assertThat((double) loss.item()).isCloseTo(expected, within(1e-5));
        for (float g : loss.backward().wrt(z).toArray()) {
            assertThat(Float.isFinite(g)).isTrue();
        }
    }

    @Test
    void allIgnoredMeanIsNaNWithZeroGradient() {
        Tensor z = Tensor.var("z", randn(4, 3, 2));
        IntArray y = IntArray.vector(-100, -100, -100);
        Tensor mean = Losses.crossEntropy(z, y);
        assertThat(mean.item()).isNaN();
        assertThat(mean.backward().wrt(z).toArray()).containsOnly(0f);
        Tensor sum = Losses.crossEntropy(z, y, CrossEntropyOptions.DEFAULTS.withReduction(Reduction.SUM));
        assertThat(sum.item()).isZero();
        Tensor nll = Losses.nllLoss(z, y);
        assertThat(nll.item()).isNaN();
        assertThat(nll.backward().wrt(z).toArray()).containsOnly(0f);
    }

    @Test
    void crossEntropyErrors() {
        Tensor z = Tensor.constant(randn(5, 3, 4));
        expectError(() -> Losses.crossEntropy(z, IntArray.vector(0, 4, 1)), "crossEntropy", "label 4", "[3, 4]");
        expectError(() -> Losses.crossEntropy(z, IntArray.vector(0, -1, 1)), "crossEntropy", "label -1");
        expectError(() -> Losses.crossEntropy(z, IntArray.vector(0, 1)), "crossEntropy", "[2]", "[3, 4]");
        expectError(() -> Losses.crossEntropy(z, IntArray.zeros(3, 1)), "crossEntropy", "[3, 1]");
        expectError(() -> Losses.crossEntropy(Tensor.constant(randn(6, 4)), IntArray.scalar(0)), "crossEntropy",
                "[4]");
        expectError(() -> Losses.crossEntropy(Tensor.constant(NDArray.zeros(2, 0)), IntArray.vector(0, 0)),
                "crossEntropy", "[2, 0]");
        expectError(() -> CrossEntropyOptions.DEFAULTS.withLabelSmoothing(1.5f), "crossEntropy", "labelSmoothing");
        expectError(() -> Losses.nllLoss(z, IntArray.vector(0, 9, 1)), "nllLoss", "label 9");
        expectError(() -> Losses.nllLoss(z, IntArray.zeros(4)), "nllLoss", "[4]");
        assertThatThrownBy(() -> Losses.crossEntropy(z, (IntArray) null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("crossEntropy");
    }

    // ---- nll --------------------------------------------------------------------------------------

    static Stream<Arguments> nlls() {
        List<Arguments> cases = new ArrayList<>();
        for (Reduction r : Reduction.values()) {
            cases.add(Arguments.of(new int[] {4, 5}, new int[] {1, -100, 4, 0}, r));
            cases.add(Arguments.of(new int[] {2, 4, 3}, new int[] {0, 3, -100, 2, 1, 3}, r));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "input {0} labels {1} {2}")
    @MethodSource("nlls")
    void nllLoss(int[] shape, int[] labelData, Reduction r) {
        int[] ls = new int[shape.length - 1];
        ls[0] = shape[0];
        System.arraycopy(shape, 2, ls, 1, shape.length - 2);
        IntArray labels = IntArray.of(labelData, ls);
        NDArray x = randn(7, shape);
        // nll of log-softmax = cross-entropy
        Tensor viaNll = Losses.nllLoss(Tensor.constant(x).logSoftmax(1), labels, r, -100);
        Tensor ce = Losses.crossEntropy(Tensor.constant(x), labels, CrossEntropyOptions.DEFAULTS.withReduction(r));
        float[] a = viaNll.value().toArray();
        float[] b = ce.value().toArray();
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).isCloseTo(b[i], within(1e-5f));
        }
        GradCheck.assertClose(t -> Losses.nllLoss(t.get(0), labels, r, -100), x);
    }

    // ---- regression losses ------------------------------------------------------------------------

    /** Predictions whose differences from the targets keep 0.05 away from 0, 0.5, 1 and 2 (the kinks). */
    private static NDArray[] regressionInputs(long seed, int... dims) {
        SplittableRandom rnd = new SplittableRandom(seed);
        NDArray t = NDArray.randn(rnd, dims);
        float[] td = t.toArray();
        float[] p = new float[td.length];
        double[] diffs = {0.3, -0.7, 1.4, -2.5, 0.8, -0.2, 3.1, -1.2, 0.6, -0.4, 1.7, -0.1};
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) (td[i] + diffs[i % diffs.length]);
        }
        return new NDArray[] {NDArray.of(p, dims), t};
    }

    static Stream<Arguments> regressions() {
        List<Arguments> cases = new ArrayList<>();
        for (Reduction r : Reduction.values()) {
            for (String kind : new String[] {"l1", "smoothL1", "huber"}) {
                for (float param : new float[] {0.5f, 1f, 2f}) {
                    cases.add(Arguments.of(kind, param, r));
                }
            }
        }
        cases.add(Arguments.of("smoothL1", 0f, Reduction.MEAN));
        return cases.stream();
    }

    private static Tensor regression(String kind, float param, Reduction r, Tensor p, Tensor t) {
        switch (kind) {
            case "l1": return Losses.l1Loss(p, t, r);
            case "smoothL1": return Losses.smoothL1Loss(p, t, param, r);
            default: return Losses.huberLoss(p, t, param, r);
        }
    }

    private static double regressionTerm(String kind, double param, double d) {
        double a = Math.abs(d);
        switch (kind) {
            case "l1": return a;
            case "smoothL1": return a < param ? 0.5 * a * a / param : a - 0.5 * param;
            default: return a < param ? 0.5 * a * a : param * (a - 0.5 * param);
        }
    }

    @ParameterizedTest(name = "{0} param {1} {2}")
    @MethodSource("regressions")
    void regressionLosses(String kind, float param, Reduction r) {
        NDArray[] in = regressionInputs(8, 3, 4);
        float[] p = in[0].toArray();
        float[] t = in[1].toArray();
        double sum = 0;
        double[] each = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            each[i] = regressionTerm(kind, param, (double) p[i] - t[i]);
            sum += each[i];
        }
        float[] actual = regression(kind, param, r, Tensor.constant(in[0]), Tensor.constant(in[1])).value().toArray();
        if (r == Reduction.NONE) {
            for (int i = 0; i < p.length; i++) {
                assertThat((double) actual[i]).isCloseTo(each[i], within(1e-5));
            }
        } else {
            assertThat((double) actual[0]).isCloseTo(r == Reduction.SUM ? sum : sum / p.length, within(1e-5));
        }
        GradCheck.assertClose(xs -> regression(kind, param, r, xs.get(0), xs.get(1)),
                GradCheck.Options.DEFAULTS.withStep(1e-3), in[0], in[1]);
    }

    @Test
    void regressionErrors() {
        Tensor a = Tensor.constant(randn(9, 2, 3));
        Tensor b = Tensor.constant(randn(10, 3, 2));
        expectError(() -> Losses.l1Loss(a, b), "l1Loss", "[2, 3]", "[3, 2]");
        expectError(() -> Losses.smoothL1Loss(a, b), "smoothL1Loss", "[3, 2]");
        expectError(() -> Losses.huberLoss(a, b), "huberLoss", "[3, 2]");
        expectError(() -> Losses.smoothL1Loss(a, a, -1f, Reduction.MEAN), "smoothL1Loss", "beta");
        expectError(() -> Losses.huberLoss(a, a, 0f, Reduction.MEAN), "huberLoss", "delta");
        expectError(() -> Losses.klDiv(a, b), "klDiv", "[3, 2]");
        expectError(() -> Losses.l1Loss(Tensor.constant(NDArray.zeros(0)), Tensor.constant(NDArray.zeros(0))),
                "l1Loss", "empty");
    }

    // ---- kl divergence ----------------------------------------------------------------------------

    @Test
    void klDivBatchMeanAndGradients() {
        NDArray x = Tensor.constant(randn(11, 2, 3, 4)).logSoftmax(2).value();
        NDArray t = Tensor.constant(randn(12, 2, 3, 4)).softmax(2).value();
        float[] xd = x.toArray();
        float[] td = t.toArray();
        double sum = 0;
        for (int i = 0; i < xd.length; i++) {
            sum += td[i] * (Math.log(td[i]) - xd[i]);
        }
        assertThat((double) Losses.klDiv(Tensor.constant(x), Tensor.constant(t)).item()).isCloseTo(sum / 2, within(1e-6));
        assertThat((double) Losses.klDiv(Tensor.constant(x), Tensor.constant(t), Reduction.MEAN).item())
                .isCloseTo(sum / 24, within(1e-6));
        GradCheck.assertClose(xs -> Losses.klDiv(xs.get(0), xs.get(1)), GradCheck.Options.DEFAULTS.withStep(1e-3), x, t);
        GradCheck.assertClose(xs -> Losses.klDiv(xs.get(0), xs.get(1), Reduction.NONE),
                GradCheck.Options.DEFAULTS.withStep(1e-3), x, t);
    }

    @Test
    void klDivZeroTargetTermsAreZeroNotNaN() {
        Tensor x = Tensor.var("x", NDArray.of(new float[] {-1f, -2f, -0.5f, -3f}, 2, 2));
        Tensor t = Tensor.var("t", NDArray.of(new float[] {0f, 1f, 0.5f, 0.5f}, 2, 2));
        Tensor loss = Losses.klDiv(x, t);
        double expected = (1 * (0 + 2) + 0.5 * (Math.log(0.5) + 0.5) + 0.5 * (Math.log(0.5) + 3)) / 2;
        assertThat((double) loss.item()).isCloseTo(expected, within(1e-6));
        Gradients g = loss.backward();
        assertThat(g.wrt(x).toArray()).containsExactly(0f, -0.5f, -0.25f, -0.25f);
        assertThat(g.wrt(t).toArray()[0]).isZero();
    }

    private static void expectError(ThrowingCallable call, String... fragments) {
        var thrown = assertThatThrownBy(call).isInstanceOf(IllegalArgumentException.class);
        for (String f : fragments) {
            thrown.hasMessageContaining(f);
        }
    }
}
