package dev.grad4j.tensor;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The blocked GEMM against a naive double-precision product, for both kernel implementations,
 * every transpose combination, edge sizes around the tile and block sizes, and thread splits.
 */
class GemmTest {

    static Stream<Arguments> cases() {
        int[][] sizes = {
            {1, 1, 1}, {1, 7, 3}, {3, 1, 5}, {5, 9, 1}, {16, 33, 17}, {17, 31, 40}, {6, 32, 8},
            {40, 70, 300}, {150, 40, 20}, {145, 35, 257}, {33, 10, 256}, {2, 300, 50}, {64, 64, 64},
            // A read in place (from inPlaceMin rows per thread, or columns when transposed: 192 for the
            // Vector kernels, any for the scalar ones), with edge tiles
            {605, 45, 33}, {50, 70, 300}, {600, 64, 40}, {300, 40, 600},
            // ... and with the scalar kernels' 256-column panels
            {520, 270, 20}, {40, 270, 300},
            // A Bᵀ of fewer columns than a panel from 256 rows: the scalar kernels compute (B Aᵀ)ᵀ
            {600, 10, 300}, {300, 1, 40},
            // more rows than one block of the scalar kernels (1,026)
            {1100, 20, 30},
        };
        List<Named<GemmKernels>> kernels = new ArrayList<>();
        kernels.add(Named.of("scalar, 2 k steps", new ScalarGemmKernels(false)));
        kernels.add(Named.of("scalar, 3 k steps", new ScalarGemmKernels(true)));
        if (Kernels.vectorApiAvailable()) {
            kernels.add(Named.of(Kernels.GEMM.name(), Kernels.GEMM));
        }
        List<Arguments> out = new ArrayList<>();
        for (Named<GemmKernels> k : kernels) {
            for (int[] s : sizes) {
                for (int t = 0; t < 4; t++) {
                    out.add(Arguments.of(k, s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} m={1} n={2} k={3} ta={4} tb={5}")
    @MethodSource("cases")
    void matchesNaiveProductAndIsIdenticalForAnySplit(GemmKernels kern, int m, int n, int k, boolean ta, boolean tb) {
        SplittableRandom r = new SplittableRandom(m * 31L + n * 7L + k);
        float[] a = random(r, m * k + 3);
        float[] b = random(r, k * n + 5);
        float[] c0 = random(r, m * n + 2);
        double[] expected = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = c0[2 + i * n + j];
                for (int p = 0; p < k; p++) {
                    float av = ta ? a[3 + p * m + i] : a[3 + i * k + p];
                    float bv = tb ? b[5 + j * k + p] : b[5 + p * n + j];
                    s += (double) av * bv;
                }
                expected[i * n + j] = s;
            }
        }
        float[] reference = null;
        for (int parts : new int[] {1, 2, 3, 4}) {
            float[] c = c0.clone();
            Gemm.gemm(kern, parts, ta, tb, m, n, k, a, 3, b, 5, c, 2, true);
            assertThat(c[0]).isEqualTo(c0[0]);
            assertThat(c[1]).isEqualTo(c0[1]);
            for (int i = 0; i < m * n; i++) {
                assertThat((double) c[2 + i]).as("element %d with %d parts", i, parts)
                        .isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-4 * (1 + Math.sqrt(k))));
            }
            if (reference == null) {
                reference = c;
            } else {
                assertThat(c).as("bit-identical with %d parts", parts).isEqualTo(reference);
            }
        }
        for (int parts : new int[] {1, 3}) { // without accumulate, each part clears its own block of C
            float[] overwritten = c0.clone();
            Gemm.gemm(kern, parts, ta, tb, m, n, k, a, 3, b, 5, overwritten, 2, false);
            assertThat(overwritten[1]).isEqualTo(c0[1]);
            for (int i = 0; i < m * n; i++) {
                assertThat((double) overwritten[2 + i]).as("element %d with %d parts", i, parts)
                        .isCloseTo(expected[i] - c0[2 + i], org.assertj.core.data.Offset.offset(1e-4 * (1 + Math.sqrt(k))));
            }
        }
    }

    /**
     * {@code A Bᵀ} for few rows sums each dot product the same way whether it is computed in a
     * block of 4 x 4 (16 lanes), 2 x 4 or 1 x 4 (whose lane sums are merged in one network) or
     * alone: every element equals the 1 x 1 product of its row and column, bit for bit.
     */
    @ParameterizedTest(name = "k={0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 15, 16, 17, 64, 100, 784})
    void dotProductsAreTheSameInABlockAndAlone(int k) {
        int m = 11; // blocks of 4 x 4 (or 2 x 4) rows, then 2 x 4, and a last row in blocks of 1 x 4
        int n = 9;
        SplittableRandom r = new SplittableRandom(k);
        float[] a = random(r, m * k);
        float[] b = random(r, n * k);
        for (GemmKernels kern : List.of(new ScalarGemmKernels(), Kernels.GEMM)) {
            float[] c = new float[m * n];
            kern.rowsDotRows(m, n, k, a, 0, b, 0, c, 0, n);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    float[] one = new float[1];
                    kern.rowsDotRows(1, 1, k, a, i * k, b, j * k, one, 0, 1);
                    assertThat(c[i * n + j]).as("%s C[%d, %d]", kern.name(), i, j).isEqualTo(one[0]);
                }
            }
        }
    }

    /**
     * A narrow {@code A Bᵀ} of many rows, which the scalar kernels compute as {@code (B Aᵀ)ᵀ} in
     * their tiles, equals their dot products bit for bit: both sum each element's products in
     * increasing k.
     */
    @ParameterizedTest(name = "k={0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 7, 256, 300, 784})
    void transposedNarrowProductEqualsTheDotProducts(int k) {
        for (boolean threeSteps : new boolean[] {false, true}) {
            ScalarGemmKernels kern = new ScalarGemmKernels(threeSteps);
            int m = kern.transposedRowsMin() + 45;
            int n = 10;
            SplittableRandom r = new SplittableRandom(k);
            float[] a = random(r, m * k);
            float[] b = random(r, n * k);
            float[] c0 = random(r, m * n);
            float[] dots = c0.clone();
            kern.rowsDotRows(m, n, k, a, 0, b, 0, dots, 0, n);
            for (int parts : new int[] {1, 2}) {
                float[] c = c0.clone();
                Gemm.gemm(kern, parts, false, true, m, n, k, a, 0, b, 0, c, 0, true);
                assertThat(c).as("%d k steps per pass, %d parts", threeSteps ? 3 : 2, parts).isEqualTo(dots);
            }
        }
    }

    /**
     * The scalar tile loop with three k steps per pass (JDK 25 on) and with two sum each element's
     * products in the same order, so the products are identical bit for bit.
     */
    @ParameterizedTest(name = "m={0} n={1} k={2}")
    @org.junit.jupiter.params.provider.CsvSource({"7, 9, 1", "7, 9, 2", "30, 300, 3", "300, 40, 257", "45, 784, 512"})
    void scalarLoopsWithTwoAndThreeStepsAgree(int m, int n, int k) {
        SplittableRandom r = new SplittableRandom(m * 31L + n * 7L + k);
        float[] a = random(r, m * k);
        float[] b = random(r, k * n);
        for (boolean ta : new boolean[] {false, true}) {
            float[] two = new float[m * n];
            float[] three = new float[m * n];
            Gemm.gemm(new ScalarGemmKernels(false), 1, ta, false, m, n, k, a, 0, b, 0, two, 0, false);
            Gemm.gemm(new ScalarGemmKernels(true), 1, ta, false, m, n, k, a, 0, b, 0, three, 0, false);
            assertThat(three).as("ta=%s", ta).isEqualTo(two);
        }
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return x;
    }
}
