package dev.grad4j.tensor;

import static dev.grad4j.tensor.Naive.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grad4j.tensor.Naive.Arr;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** matmul (every form and transpose flag) and linear of {@link CpuBackend} against {@link Naive}. */
class CpuBackendLinalgTest {

    private static final Backend B = Backend.cpu();
    private static final double TOL = 1e-5;

    /** Logical operand shapes {@code a [.., m, k]} and {@code b [.., k, n]}. */
    static final int[][][] PRODUCTS = {
        {{3, 4}, {4, 5}},
        {{1, 1}, {1, 1}},
        {{1, 7}, {7, 1}},
        {{0, 3}, {3, 2}},
        {{2, 0}, {0, 3}},
        {{3, 2}, {2, 0}},
        {{17, 33}, {33, 9}},
        {{65, 70}, {70, 66}},
        {{2, 3, 4}, {2, 4, 5}},
        {{1, 3, 4}, {1, 4, 5}},
        {{0, 3, 4}, {0, 4, 5}},
        {{2, 37, 19}, {2, 19, 23}},
        {{2, 3, 4}, {4, 5}},
        {{3, 1, 4}, {4, 6}},
        {{2, 37, 19}, {19, 23}},
        {{3, 4}, {2, 4, 5}},
        {{3, 4}, {0, 4, 5}},
        {{0, 3, 4}, {4, 5}},
    };

    /** Every product with every combination of transposeA/transposeB. */
    static Stream<Arguments> products() {
        List<Arguments> cases = new ArrayList<>();
        for (int[][] p : PRODUCTS) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    cases.add(Arguments.of(p[0], ta, p[1], tb));
                }
            }
        }
        return cases.stream();
    }

    /** The stored dims of an operand whose logical dims are {@code dims}: last two swapped when transposed. */
    private static int[] stored(int[] dims, boolean transposed) {
        int[] s = dims.clone();
        if (transposed) {
            int r = s.length;
            s[r - 1] = dims[r - 2];
            s[r - 2] = dims[r - 1];
        }
        return s;
    }

    @ParameterizedTest(name = "{0}{1} @ {2}{3}")
    @MethodSource("products")
    void matmulMatchesReference(int[] da, boolean ta, int[] db, boolean tb) {
        NDArray a = Naive.randn(61, stored(da, ta));
        NDArray b = Naive.randn(62, stored(db, tb));
        NDArray a0 = a.copy();
        NDArray b0 = b.copy();
        Arr expected = Naive.matmul(Arr.of(a), ta, Arr.of(b), tb);
        NDArray product = B.matmul(a, ta, b, tb);
        assertClose(product, expected, TOL, "matmul");
        // matmulInto overwrites whatever out holds, with the same floats as matmul
        NDArray out = NDArray.full(Float.NaN, product.shape().toArray());
        B.matmulInto(a, ta, b, tb, out);
        assertThat(out).isEqualTo(product);
        if (!ta && !tb) {
            assertClose(B.matmul(a, b), expected, TOL, "matmul default");
            NDArray out2 = NDArray.full(-7f, product.shape().toArray());
            B.matmulInto(a, b, out2);
            assertThat(out2).isEqualTo(product);
        }
        assertThat(a).isEqualTo(a0);
        assertThat(b).isEqualTo(b0);
    }

    /** A backend whose matmulInto is the interface's default (everything else is CpuBackend's). */
    private static Backend withDefaultMatmulInto() {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> {
                    try {
                        return method.getName().equals("matmulInto") && method.getParameterCount() == 5
                                ? InvocationHandler.invokeDefault(proxy, method, args)
                                : method.invoke(B, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void theDefaultMatmulIntoCopiesTheProductAndChecksTheShape() {
        Backend other = withDefaultMatmulInto();
        NDArray a = Naive.randn(67, 4, 5);
        NDArray b = Naive.randn(68, 3, 5);
        NDArray out = NDArray.full(Float.NaN, 4, 3);
        other.matmulInto(a, false, b, true, out);
        assertThat(out).isEqualTo(B.matmul(a, false, b, true));
        assertThatThrownBy(() -> other.matmulInto(a, false, b, true, NDArray.zeros(3, 4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("matmulInto: out must have shape [4, 3], got [3, 4]");
        assertThatThrownBy(() -> other.matmulInto(a, false, b, false, out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("matmul: inner dimensions differ");
        assertThatThrownBy(() -> other.matmulInto(a, b, null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("matmulInto");
    }

    @Test
    void transposeFlagsEqualExplicitTranspose() {
        NDArray a = Naive.randn(63, 2, 5, 3);
        NDArray b = Naive.randn(64, 2, 4, 5);
        NDArray explicit = B.matmul(B.transpose(a, 1, 2), B.transpose(b, 1, 2));
        assertClose(B.matmul(a, true, b, true), Arr.of(explicit), 1e-6, "transposed flags");
    }

    @Test
    void repeatedProductsAreBitIdentical() {
        NDArray a = Naive.randn(65, 40, 50);
        NDArray b = Naive.randn(66, 50, 30);
        assertThat(B.matmul(a, b)).isEqualTo(B.matmul(a, b));
    }

    static Stream<Arguments> linears() {
        List<Arguments> cases = new ArrayList<>();
        int[][][] table = {
            // x dims, weight dims
            {{4, 3}, {6, 3}},
            {{3}, {6, 3}},
            {{2, 5, 3}, {6, 3}},
            {{2, 1, 2, 3}, {1, 3}},
            {{0, 3}, {6, 3}},
            {{4, 3}, {0, 3}},
            {{2, 0}, {4, 0}},
            {{33, 17}, {9, 17}},
        };
        for (int[][] row : table) {
            cases.add(Arguments.of(row[0], row[1], false));
            cases.add(Arguments.of(row[0], row[1], true));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "x {0} W {1} bias {2}")
    @MethodSource("linears")
    void linearMatchesReference(int[] dx, int[] dw, boolean withBias) {
        NDArray x = Naive.randn(71, dx);
        NDArray w = Naive.randn(72, dw);
        NDArray bias = withBias ? Naive.randn(73, dw[0]) : null;
        NDArray x0 = x.copy();
        NDArray w0 = w.copy();
        NDArray bias0 = withBias ? bias.copy() : null;
        Arr expected = Naive.linear(Arr.of(x), Arr.of(w), withBias ? Arr.of(bias) : null);
        assertClose(B.linear(x, w, bias), expected, TOL, "linear");
        assertThat(x).isEqualTo(x0);
        assertThat(w).isEqualTo(w0);
        if (withBias) {
            assertThat(bias).isEqualTo(bias0);
        }
    }

    @Test
    void linearEqualsComposedMatmulPlusBias() {
        NDArray x = Naive.randn(74, 5, 4);
        NDArray w = Naive.randn(75, 3, 4);
        NDArray bias = Naive.randn(76, 3);
        NDArray composed = B.binary(BinaryOp.ADD, B.matmul(x, false, w, true), bias);
        assertClose(B.linear(x, w, bias), Arr.of(composed), 1e-6, "linear vs matmul + bias");
    }

    @ParameterizedTest(name = "x {0} W {1}")
    @MethodSource("linears")
    void linearGradientsMatchFlattenedProducts(int[] dx, int[] dw, boolean ignored) {
        NDArray x = Naive.randn(77, dx);
        NDArray w = Naive.randn(78, dw);
        int[] dy = dx.clone();
        dy[dy.length - 1] = dw[0];
        NDArray g = Naive.randn(79, dy);
        int rows = 1;
        for (int d = 0; d < dx.length - 1; d++) {
            rows *= dx[d];
        }
        Arr g2 = Arr.of(g.reshape(rows, dw[0]));
        Arr inputGrad = Naive.matmul(g2, false, Arr.of(w), false);
        assertClose(B.linearInputGrad(g, w), new Arr(inputGrad.data(), dx), TOL, "linear input gradient");
        Arr weightGrad = Naive.matmul(g2, true, Arr.of(x.reshape(rows, dw[1])), false);
        assertClose(B.linearWeightGrad(g, x), weightGrad, TOL, "linear weight gradient");
    }

    @Test
    void linearGradientsRejectShapesThatDoNotFit() {
        NDArray g = NDArray.zeros(2, 5, 6);
        assertThatThrownBy(() -> B.linearInputGrad(g, NDArray.zeros(5, 3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("linear input gradient").hasMessageContaining("[2, 5, 6]").hasMessageContaining("[5, 3]");
        assertThatThrownBy(() -> B.linearInputGrad(g, NDArray.zeros(6)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("linear input gradient");
        assertThatThrownBy(() -> B.linearWeightGrad(g, NDArray.zeros(2, 4, 3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("linear weight gradient").hasMessageContaining("[2, 4, 3]");
        assertThatThrownBy(() -> B.linearWeightGrad(g, NDArray.zeros(10, 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leading dimensions");
    }
}
