package dev.grad4j.autograd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.grad4j.tensor.Backend;
import dev.grad4j.tensor.NDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Finite-difference checks of matmul (all three forms) and linear (with and without bias). */
class LinalgOpsTest {

    static Stream<Arguments> products() {
        return Stream.of(
                Arguments.of(new int[] {3, 4}, new int[] {4, 5}),
                Arguments.of(new int[] {1, 1}, new int[] {1, 1}),
                Arguments.of(new int[] {1, 6}, new int[] {6, 2}),
                Arguments.of(new int[] {2, 3, 4}, new int[] {2, 4, 5}),
                Arguments.of(new int[] {1, 2, 3}, new int[] {1, 3, 2}),
                Arguments.of(new int[] {2, 3, 4}, new int[] {4, 5}),
                Arguments.of(new int[] {3, 1, 4}, new int[] {4, 2}),
                Arguments.of(new int[] {3, 4}, new int[] {2, 4, 5}));
    }

    @ParameterizedTest(name = "{0} @ {1}")
    @MethodSource("products")
    void matmul(int[] da, int[] db) {
        NDArray a = Inputs.randn(1, da);
        NDArray b = Inputs.randn(2, db);
        assertThat(Tensor.var("a", a).matmul(Tensor.var("b", b)).value()).isEqualTo(Backend.cpu().matmul(a, b));
        GradCheck.assertClose(xs -> xs.get(0).matmul(xs.get(1)), a, b);
    }

    @Test
    void matmulWithTheSameOperandTwice() {
        GradCheck.assertClose(xs -> xs.get(0).matmul(xs.get(0)), Inputs.randn(3, 3, 3));
    }

    static Stream<Arguments> linears() {
        List<Arguments> cases = new ArrayList<>();
        int[][] xs = {{4, 3}, {3}, {1, 3}, {2, 5, 3}};
        for (int[] x : xs) {
            cases.add(Arguments.of(x, new int[] {6, 3}, true));
            cases.add(Arguments.of(x, new int[] {6, 3}, false));
        }
        cases.add(Arguments.of(new int[] {2, 4}, new int[] {1, 4}, true));
        return cases.stream();
    }

    @ParameterizedTest(name = "x {0} W {1} bias {2}")
    @MethodSource("linears")
    void linear(int[] dx, int[] dw, boolean withBias) {
        NDArray x = Inputs.randn(4, dx);
        NDArray w = Inputs.randn(5, dw);
        if (withBias) {
            GradCheck.assertClose(xs -> xs.get(0).linear(xs.get(1), xs.get(2)), x, w, Inputs.randn(6, dw[0]));
        } else {
            GradCheck.assertClose(xs -> xs.get(0).linear(xs.get(1), null), x, w);
        }
    }

    @Test
    void linearEqualsComposedMatmulTransposeAdd() {
        Tensor x = Tensor.var("x", Inputs.randn(7, 5, 4));
        Tensor w = Tensor.var("w", Inputs.randn(8, 3, 4));
        Tensor b = Tensor.var("b", Inputs.randn(9, 3));
        Tensor fused = x.linear(w, b);
        Tensor composed = x.matmul(w.transpose(0, 1)).add(b);
        assertClose(fused.value(), composed.value());
        NDArray up = Inputs.randn(10, 5, 3);
        Gradients gf = fused.backward(up);
        Gradients gc = composed.backward(up);
        for (Tensor v : List.of(x, w, b)) {
            assertClose(gf.wrt(v), gc.wrt(v));
        }
    }

    @Test
    void linearWithNoOutputsGivesZeroGradients() {
        // out = 0: the result is empty, the gradients of x and W are zeros of their shapes
        Tensor x = Tensor.var("x", Inputs.randn(11, 2, 3));
        Tensor w = Tensor.var("w", NDArray.zeros(0, 3));
        Gradients g = x.linear(w, null).backward(NDArray.zeros(2, 0));
        assertThat(g.wrt(x)).isEqualTo(NDArray.zeros(2, 3));
        assertThat(g.wrt(w)).isEqualTo(NDArray.zeros(0, 3));
    }

    private static void assertClose(NDArray a, NDArray b) {
        assertThat(a.shape()).isEqualTo(b.shape());
        float[] x = a.toArray();
        float[] y = b.toArray();
        for (int i = 0; i < x.length; i++) {
            assertThat(x[i]).isCloseTo(y[i], within(1e-5f));
        }
    }
}
