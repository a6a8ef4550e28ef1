package dev.grad4j.tensor;

import static dev.grad4j.tensor.Naive.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.grad4j.tensor.Naive.Arr;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Elementwise, shape and softmax kernels of {@link CpuBackend} against the naive references in
 * {@link Naive}, over tables of shapes; every test also checks that the inputs are unchanged.
 */
class CpuBackendTest {

    private static final Backend B = Backend.cpu();
    private static final double TOL = 1e-6;

    static final int[][] SHAPES = {
        {}, {1}, {5}, {2, 3}, {3, 1}, {2, 3, 4}, {2, 1, 3, 2}, {0}, {2, 0, 3},
    };

    static Stream<int[]> shapes() {
        return Arrays.stream(SHAPES);
    }

    // ---- unary --------------------------------------------------------------------------------

    static Stream<Arguments> unaryCases() {
        List<Arguments> cases = new ArrayList<>();
        for (UnaryOp op : UnaryOp.values()) {
            for (int[] s : SHAPES) {
                cases.add(Arguments.of(op, s));
            }
        }
        return cases.stream();
    }

    /** Inputs inside each op's domain, including large magnitudes for the saturating ones. */
    private static NDArray unaryInput(UnaryOp op, int[] dims) {
        switch (op) {
            case LOG:
            case SQRT:
                return Naive.uniform(11, 0.05, 10, dims);
            case SIGMOID:
            case TANH:
                return Naive.uniform(12, -60, 60, dims);
            default:
                return Naive.uniform(13, -5, 5, dims);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("unaryCases")
    void unaryMatchesReference(UnaryOp op, int[] dims) {
        NDArray x = unaryInput(op, dims);
        NDArray x0 = x.copy();
        Arr ax = Arr.of(x);
        double[] e = new double[ax.size()];
        for (int i = 0; i < e.length; i++) {
            e[i] = Naive.unary(op, ax.data()[i]);
        }
        NDArray y = B.unary(op, x);
        assertClose(y, new Arr(e, dims), TOL, op.label());
        assertThat(x).isEqualTo(x0);
        for (float v : y.toArray()) {
            assertThat(Float.isFinite(v)).as("%s stays finite", op).isTrue();
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("unaryCases")
    void unaryBackwardIsGradTimesDerivative(UnaryOp op, int[] dims) {
        NDArray x = unaryInput(op, dims);
        NDArray g = Naive.randn(14, dims);
        NDArray y = B.unary(op, x);
        NDArray x0 = x.copy();
        NDArray g0 = g.copy();
        NDArray y0 = y.copy();
        Arr ax = Arr.of(x);
        Arr ag = Arr.of(g);
        double[] e = new double[ax.size()];
        for (int i = 0; i < e.length; i++) {
            e[i] = ag.data()[i] * Naive.unaryDerivative(op, ax.data()[i]);
        }
        // exp's derivative is large where x is; compare relative to |e|.
        assertClose(B.unaryBackward(op, g, x, y), new Arr(e, dims), 1e-5, op.label() + " backward");
        assertThat(x).isEqualTo(x0);
        assertThat(g).isEqualTo(g0);
        assertThat(y).isEqualTo(y0);
    }

    @Test
    void derivativesAtZeroFollowPyTorch() {
        NDArray zero = NDArray.zeros(1);
        NDArray one = NDArray.ones(1);
        assertThat(B.unaryBackward(UnaryOp.RELU, one, zero, B.unary(UnaryOp.RELU, zero)).item()).isZero();
        assertThat(B.unaryBackward(UnaryOp.ABS, one, zero, B.unary(UnaryOp.ABS, zero)).item()).isZero();
    }

    @Test
    void sigmoidIsStableAtExtremes() {
        NDArray x = NDArray.of(new float[] {-1000, -100, 0, 100, 1000}, 5);
        assertThat(B.unary(UnaryOp.SIGMOID, x).toArray()).containsExactly(0f, (float) (1 / (1 + Math.exp(100))),
                0.5f, 1f, 1f);
    }

    // ---- pow and scale ------------------------------------------------------------------------

    static Stream<Arguments> powCases() {
        List<Arguments> cases = new ArrayList<>();
        for (float p : new float[] {2f, 1f, 0f, 3f, 0.5f, -1f, 1.5f, -2.5f}) {
            for (int[] s : new int[][] {{}, {4}, {2, 3}, {0, 2}}) {
                cases.add(Arguments.of(p, s));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "x^{0} {1}")
    @MethodSource("powCases")
    void powAndBackwardMatchReference(float p, int[] dims) {
        NDArray x = Naive.uniform(15, 0.2, 3, dims);
        NDArray g = Naive.randn(16, dims);
        NDArray x0 = x.copy();
        Arr ax = Arr.of(x);
        Arr ag = Arr.of(g);
        double[] y = new double[ax.size()];
        double[] d = new double[ax.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = Math.pow(ax.data()[i], p);
            d[i] = ag.data()[i] * p * Math.pow(ax.data()[i], p - 1);
        }
        assertClose(B.pow(x, p), new Arr(y, dims), TOL, "pow");
        assertClose(B.powBackward(g, x, p), new Arr(d, dims), 1e-5, "pow backward");
        assertThat(x).isEqualTo(x0);
    }

    @Test
    void squareIsExactOnNegatives() {
        NDArray x = NDArray.of(new float[] {-3, -0.5f, 0, 2}, 4);
        assertThat(B.pow(x, 2f).toArray()).containsExactly(9, 0.25f, 0, 4);
        assertThat(B.powBackward(NDArray.ones(4), x, 2f).toArray()).containsExactly(-6, -1, 0, 4);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void scaleMultipliesAndLeavesInputAlone(int[] dims) {
        NDArray x = Naive.randn(17, dims);
        NDArray x0 = x.copy();
        Arr ax = Arr.of(x);
        double[] e = new double[ax.size()];
        for (int i = 0; i < e.length; i++) {
            e[i] = ax.data()[i] * -1.5;
        }
        assertClose(B.scale(x, -1.5f), new Arr(e, dims), TOL, "scale");
        assertThat(x).isEqualTo(x0);
    }

    // ---- binary with broadcasting -------------------------------------------------------------

    static final int[][][] PAIRS = {
        {{}, {}},
        {{}, {3}},
        {{2, 3}, {}},
        {{2, 3}, {2, 3}},
        {{2, 3}, {3}},
        {{3}, {2, 3}},
        {{2, 3}, {2, 1}},
        {{2, 1}, {1, 3}},
        {{4, 1, 3}, {2, 1}},
        {{2, 3, 4}, {3, 1}},
        {{1}, {2, 3}},
        {{1, 1}, {1}},
        {{3, 1}, {3}},
        {{2, 1, 4}, {1, 3, 1}},
        {{5, 1, 1}, {1, 1, 6}},
        {{2, 3, 4, 5}, {3, 1, 5}},
        {{1, 2, 1, 4}, {2, 3, 1}},
        {{0, 3}, {3}},
        {{2, 0}, {1}},
        {{0}, {}},
        {{2, 0, 3}, {2, 1, 3}},
        {{7, 9}, {7, 9}},
    };

    static Stream<Arguments> binaryCases() {
        List<Arguments> cases = new ArrayList<>();
        for (BinaryOp op : BinaryOp.values()) {
            for (int[][] pair : PAIRS) {
                cases.add(Arguments.of(op, pair[0], pair[1]));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("binaryCases")
    void binaryMatchesReference(BinaryOp op, int[] da, int[] db) {
        NDArray a;
        NDArray b;
        if (op == BinaryOp.EQUAL || op == BinaryOp.GREATER_STEP || op == BinaryOp.MAXIMUM) {
            a = Naive.integers(21, 2, da); // ties happen
            b = Naive.integers(22, 2, db);
        } else {
            a = Naive.randn(23, da);
            b = Naive.uniform(24, 0.5, 2, db); // no division by zero
        }
        NDArray a0 = a.copy();
        NDArray b0 = b.copy();
        Arr expected = Naive.binary(op, Arr.of(a), Arr.of(b));
        assertClose(B.binary(op, a, b), expected, TOL, op.label());
        // the broadcast kernel must also agree with the operands swapped
        Arr swapped = Naive.binary(op, Arr.of(b), Arr.of(a));
        assertClose(B.binary(op, b, a), swapped, TOL, op.label() + " swapped");
        assertThat(a).isEqualTo(a0);
        assertThat(b).isEqualTo(b0);
    }

    @Test
    void maximumPropagatesNaN() {
        NDArray a = NDArray.of(new float[] {Float.NaN, 1, 2}, 3);
        NDArray b = NDArray.of(new float[] {0, Float.NaN, 1}, 3);
        float[] r = B.binary(BinaryOp.MAXIMUM, a, b).toArray();
        assertThat(r[0]).isNaN();
        assertThat(r[1]).isNaN();
        assertThat(r[2]).isEqualTo(2f);
    }

    // ---- transpose, broadcastTo, sumTo --------------------------------------------------------

    static Stream<Arguments> transposeCases() {
        List<Arguments> cases = new ArrayList<>();
        for (int[] s : new int[][] {{2, 3}, {1, 4}, {2, 3, 4}, {2, 1, 3, 2}, {0, 3}, {2, 0, 3}}) {
            for (int i = 0; i < s.length; i++) {
                for (int j = 0; j < s.length; j++) {
                    cases.add(Arguments.of(s, i, j));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} ({1}, {2})")
    @MethodSource("transposeCases")
    void transposeEveryPairOfDims(int[] dims, int d0, int d1) {
        NDArray x = Naive.randn(31, dims);
        NDArray x0 = x.copy();
        Arr expected = Naive.transpose(Arr.of(x), d0, d1);
        assertClose(B.transpose(x, d0, d1), expected, 0, "transpose");
        // negative forms of the same dims give the same result
        int rank = dims.length;
        assertClose(B.transpose(x, d0 - rank, d1), expected, 0, "transpose negative dim0");
        assertClose(B.transpose(x, d0, d1 - rank), expected, 0, "transpose negative dim1");
        assertThat(x).isEqualTo(x0);
    }

    @Test
    void transposeTwiceIsIdentity() {
        NDArray x = Naive.randn(32, 3, 4, 5);
        assertThat(B.transpose(B.transpose(x, 0, 2), 0, 2)).isEqualTo(x);
    }

    static final int[][][] BROADCASTS = {
        {{3}, {2, 3}},
        {{}, {2, 2}},
        {{}, {}},
        {{2, 1}, {2, 3}},
        {{1, 3, 1}, {2, 3, 4}},
        {{2, 3}, {2, 3}},
        {{1}, {0}},
        {{1, 1}, {3, 1, 4}},
        {{4}, {0, 4}},
    };

    static Stream<Arguments> broadcastCases() {
        return Arrays.stream(BROADCASTS).map(p -> Arguments.of(p[0], p[1]));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("broadcastCases")
    void broadcastToAndSumToMatchReference(int[] small, int[] big) {
        NDArray x = Naive.randn(33, small);
        NDArray y = Naive.randn(34, big);
        NDArray x0 = x.copy();
        NDArray y0 = y.copy();
        NDArray bx = B.broadcastTo(x, Shape.of(big));
        assertClose(bx, Naive.broadcastTo(Arr.of(x), big), 0, "broadcastTo");
        NDArray sy = B.sumTo(y, Shape.of(small));
        assertClose(sy, Naive.sumTo(Arr.of(y), small), TOL, "sumTo");
        // adjoint: <broadcastTo(x), y> == <x, sumTo(y)>
        assertThat(dot(bx, y)).isCloseTo(dot(x, sy), within(1e-4));
        assertThat(x).isEqualTo(x0);
        assertThat(y).isEqualTo(y0);
    }

    private static double dot(NDArray a, NDArray b) {
        float[] x = a.toArray();
        float[] y = b.toArray();
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += (double) x[i] * y[i];
        }
        return s;
    }

    @Test
    void broadcastToSameShapeIsAnIndependentCopy() {
        NDArray x = Naive.randn(35, 2, 2);
        NDArray y = B.broadcastTo(x, Shape.of(2, 2));
        assertThat(y).isEqualTo(x);
        B.scaleInPlace(y, 0f);
        assertThat(x).isNotEqualTo(y);
    }

    // ---- softmax family -----------------------------------------------------------------------

    static Stream<Arguments> softmaxCases() {
        List<Arguments> cases = new ArrayList<>();
        for (int[] s : new int[][] {{}, {1}, {5}, {2, 3}, {3, 1}, {2, 3, 4}, {2, 0, 3}}) {
            int rank = Math.max(1, s.length);
            for (int axis = -rank; axis < rank; axis++) {
                for (float offset : new float[] {0f, 100f, -100f}) {
                    cases.add(Arguments.of(s, axis, offset));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} axis {1} offset {2}")
    @MethodSource("softmaxCases")
    void softmaxAndLogSoftmaxMatchReference(int[] dims, int axis, float offset) {
        NDArray x = B.binary(BinaryOp.ADD, Naive.randn(41, dims), NDArray.scalar(offset));
        NDArray x0 = x.copy();
        Arr ax = Arr.of(x);
        Arr scalarView = dims.length == 0 ? new Arr(ax.data(), new int[] {1}) : ax;
        int a = dims.length == 0 ? 0 : Shape.of(dims).axis("test", axis);
        Arr p = Naive.softmax(scalarView, a, false);
        Arr lp = Naive.softmax(scalarView, a, true);
        NDArray y = B.softmax(x, axis);
        NDArray ly = B.logSoftmax(x, axis);
        assertClose(y, new Arr(p.data(), dims), TOL, "softmax");
        assertClose(ly, new Arr(lp.data(), dims), 1e-5, "logSoftmax");
        for (float v : ly.toArray()) {
            assertThat(Float.isFinite(v)).isTrue();
        }
        assertThat(x).isEqualTo(x0);

        NDArray g = Naive.randn(42, dims);
        Arr ag = dims.length == 0 ? new Arr(Arr.of(g).data(), new int[] {1}) : Arr.of(g);
        Arr dp = Naive.softmaxVjp(ag, scalarView, a, false);
        Arr dlp = Naive.softmaxVjp(ag, scalarView, a, true);
        assertClose(B.softmaxBackward(g, y, axis), new Arr(dp.data(), dims), 1e-5, "softmax backward");
        assertClose(B.logSoftmaxBackward(g, ly, axis), new Arr(dlp.data(), dims), 1e-5, "logSoftmax backward");
    }

    @Test
    void softmaxStaysFiniteForWideRanges() {
        NDArray x = NDArray.of(new float[] {-100, 0, 100, 1e4f, -1e4f, 0}, 2, 3);
        float[] p = B.softmax(x, 1).toArray();
        float[] lp = B.logSoftmax(x, 1).toArray();
        for (int i = 0; i < 6; i++) {
            assertThat(Float.isFinite(p[i])).isTrue();
            assertThat(Float.isFinite(lp[i])).isTrue();
        }
        assertThat(p[2]).isEqualTo(1f);
        assertThat(lp[0]).isCloseTo(-200f, within(1e-3f));
        assertThat(lp[4]).isCloseTo(-2e4f, within(1f));
    }

    @ParameterizedTest
    @EnumSource(value = BinaryOp.class, names = {"ADD", "MUL"})
    void zeroSizeBroadcastGivesEmptyResult(BinaryOp op) {
        NDArray r = B.binary(op, NDArray.zeros(0, 3), NDArray.ones(1, 3));
        assertThat(r.shape()).isEqualTo(Shape.of(0, 3));
        assertThat(r.size()).isZero();
    }
}
