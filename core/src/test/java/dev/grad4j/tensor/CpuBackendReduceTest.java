package dev.grad4j.tensor;

import static dev.grad4j.tensor.Naive.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grad4j.tensor.Naive.Arr;
import dev.grad4j.tensor.Naive.Reduction;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** sum, mean and max of {@link CpuBackend} over every subset of axes, against {@link Naive#reduce}. */
class CpuBackendReduceTest {

    private static final Backend B = Backend.cpu();

    private static final int[][] SHAPES = {
        {5}, {2, 3}, {1, 4}, {2, 3, 4}, {3, 1, 2, 2}, {2, 0, 3}, {0}, {17, 33},
    };

    /**
     * Every non-empty subset of axes of every shape, written with a mix of positive and negative
     * axes and in descending order, with and without keepDim.
     */
    static Stream<Arguments> subsets() {
        List<Arguments> cases = new ArrayList<>();
        for (int[] s : SHAPES) {
            int rank = s.length;
            for (int mask = 1; mask < (1 << rank); mask++) {
                int[] axes = new int[Integer.bitCount(mask)];
                int n = 0;
                for (int a = rank - 1; a >= 0; a--) {
                    if ((mask & (1 << a)) != 0) {
                        axes[n] = n % 2 == 0 ? a : a - rank;
                        n++;
                    }
                }
                for (boolean keep : new boolean[] {false, true}) {
                    cases.add(Arguments.of(s, axes, keep));
                }
            }
        }
        return cases.stream();
    }

    private static boolean[] flags(int rank, int[] axes) {
        boolean[] r = new boolean[rank];
        if (rank == 0) {
            return r;
        }
        if (axes == null || axes.length == 0) {
            Arrays.fill(r, true);
            return r;
        }
        for (int a : axes) {
            r[a < 0 ? a + rank : a] = true;
        }
        return r;
    }

    private static long groupSize(int[] dims, boolean[] reduced) {
        long n = 1;
        for (int i = 0; i < dims.length; i++) {
            if (reduced[i]) {
                n *= dims[i];
            }
        }
        return n;
    }

    @ParameterizedTest(name = "{0} axes {1} keepDim {2}")
    @MethodSource("subsets")
    void sumMeanMaxMatchReference(int[] dims, int[] axes, boolean keepDim) {
        check(dims, axes, keepDim);
    }

    static Stream<Arguments> allAxes() {
        List<Arguments> cases = new ArrayList<>();
        for (int[] s : new int[][] {{}, {5}, {2, 3}, {2, 3, 4}, {2, 0}}) {
            for (int[] axes : new int[][] {null, {}}) {
                for (boolean keep : new boolean[] {false, true}) {
                    cases.add(Arguments.of(s, axes, keep));
                }
            }
        }
        // torch accepts dim 0 and -1 on a scalar
        for (int[] axes : new int[][] {{0}, {-1}}) {
            for (boolean keep : new boolean[] {false, true}) {
                cases.add(Arguments.of(new int[0], axes, keep));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} axes {1} keepDim {2}")
    @MethodSource("allAxes")
    void nullOrEmptyAxesReduceEverything(int[] dims, int[] axes, boolean keepDim) {
        check(dims, axes, keepDim);
    }

    private static void check(int[] dims, int[] axes, boolean keepDim) {
        NDArray x = Naive.randn(51, dims);
        NDArray x0 = x.copy();
        int[] axes0 = axes == null ? null : axes.clone();
        Arr ax = Arr.of(x);
        boolean[] reduced = flags(dims.length, axes);
        long group = groupSize(dims, reduced);
        String what = Arrays.toString(dims) + " axes " + Arrays.toString(axes) + " keepDim " + keepDim;

        assertClose(B.sum(x, axes, keepDim), Naive.reduce(Reduction.SUM, ax, reduced, keepDim), 1e-5, "sum " + what);
        Arr maxRef = Naive.reduce(Reduction.MAX, ax, reduced, keepDim);
        if (group > 0) {
            assertClose(B.mean(x, axes, keepDim), Naive.reduce(Reduction.MEAN, ax, reduced, keepDim), 1e-5,
                    "mean " + what);
            assertClose(B.max(x, axes, keepDim), maxRef, 0, "max " + what);
        } else {
            assertThatThrownBy(() -> B.mean(x, axes, keepDim)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("mean: empty reduction");
            if (maxRef.size() > 0) {
                assertThatThrownBy(() -> B.max(x, axes, keepDim)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("max: empty reduction");
            } else {
                assertThat(B.max(x, axes, keepDim).shape().toArray()).containsExactly(maxRef.dims());
            }
        }
        assertThat(x).isEqualTo(x0);
        if (axes != null) {
            assertThat(axes).containsExactly(axes0);
        }
    }

    @Test
    void sumAccumulatesWithoutLosingSmallTerms() {
        // 1e4 ones after one 1e8: float accumulation would stop at 1e8.
        float[] d = new float[10_001];
        Arrays.fill(d, 1f);
        d[0] = 1e8f;
        NDArray x = NDArray.of(d, d.length);
        assertThat(B.sum(x, null, false).item()).isEqualTo(1e8f + 1e4f);
        assertThat(B.mean(NDArray.full(0.1f, 1000), null, false).item()).isEqualTo(0.1f);
    }

    @Test
    void maxPropagatesNaNAndHandlesInfinities() {
        NDArray x = NDArray.of(new float[] {1, Float.NaN, 3, Float.NEGATIVE_INFINITY, -5, Float.POSITIVE_INFINITY}, 2, 3);
        float[] rows = B.max(x, new int[] {1}, false).toArray();
        assertThat(rows[0]).isNaN();
        assertThat(rows[1]).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(B.max(NDArray.full(Float.NEGATIVE_INFINITY, 3), null, false).item())
                .isEqualTo(Float.NEGATIVE_INFINITY);
    }

    @Test
    void sumOfEmptyIsZero() {
        assertThat(B.sum(NDArray.zeros(0, 3), null, false).item()).isZero();
        assertThat(B.sum(NDArray.zeros(0, 3), new int[] {0}, false).toArray()).containsExactly(0, 0, 0);
    }

    @Test
    void sumOverAllLeadingAxesSplitByColumnsGivesTheSerialBits() {
        // large enough for the column split (a bias gradient over [B, T, out])
        NDArray x = Naive.randn(91, 40, 50, 70);
        boolean[] reduced = {true, true, false};
        float[] serial = new float[70];
        ReduceKernels.sum(x.data, x.shape().toArray(), reduced, serial);
        NDArray split = Backend.cpu().sum(x, new int[] {0, 1}, false);
        assertThat(split.shape()).isEqualTo(Shape.of(70));
        assertThat(split.toArray()).isEqualTo(serial);
        NDArray kept = Backend.cpu().sum(x, new int[] {0, 1}, true);
        assertThat(kept.shape()).isEqualTo(Shape.of(1, 1, 70));
        assertThat(kept.toArray()).isEqualTo(serial);
        assertClose(split, Naive.reduce(Reduction.SUM, Arr.of(x), reduced, false), 1e-4, "column sums");
    }
}
