package dev.grad4j.autograd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grad4j.tensor.IntArray;
import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.Shape;

import java.util.stream.Stream;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** indexSelect, gather, where and maskedFill: finite-difference gradients, reference values and bad input. */
class IndexOpsTest {

    // ---- indexSelect --------------------------------------------------------------------------

    static Stream<Arguments> indexSelects() {
        return Stream.of(
                Arguments.of(new int[] {4, 3}, 0, IntArray.vector(3, 0, 3, 1)),
                Arguments.of(new int[] {2, 5}, 1, IntArray.vector(4, 4, 0)),
                Arguments.of(new int[] {2, 3, 4}, 2, IntArray.vector(1, 3, 1, 0, 2)),
                Arguments.of(new int[] {2, 3, 4}, -2, IntArray.vector(2)),
                Arguments.of(new int[] {2, 3}, -1, IntArray.scalar(1)),
                Arguments.of(new int[] {5}, 0, IntArray.vector(4, 4, 4)));
    }

    @ParameterizedTest(name = "{0} dim {1} index {2}")
    @MethodSource("indexSelects")
    void indexSelectGradientAddsUpRepeats(int[] dims, int dim, IntArray index) {
        GradCheck.assertClose(xs -> xs.get(0).indexSelect(dim, index), Inputs.randn(1, dims));
    }

    @Test
    void indexSelectPicksRows() {
        NDArray x = NDArray.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
        NDArray y = Tensor.constant(x).indexSelect(0, IntArray.vector(2, 0, 2)).value();
        assertThat(y).isEqualTo(NDArray.of(new float[] {5, 6, 1, 2, 5, 6}, 3, 2));
        NDArray empty = Tensor.constant(x).indexSelect(1, IntArray.vector()).value();
        assertThat(empty.shape()).isEqualTo(Shape.of(3, 0));
    }

    // ---- gather -------------------------------------------------------------------------------

    static Stream<Arguments> gathers() {
        return Stream.of(
                Arguments.of(new int[] {3, 4}, 1, IntArray.of(new int[] {0, 3, 2, 2, 1, 0}, 3, 2)),
                Arguments.of(new int[] {3, 4}, 0, IntArray.of(new int[] {2, 0, 1, 1, 0, 0, 2, 2}, 2, 4)),
                Arguments.of(new int[] {3, 4}, -2, IntArray.of(new int[] {1, 2}, 1, 2)),
                Arguments.of(new int[] {2, 3, 4}, 2, IntArray.of(new int[] {
                        0, 1, 2, 3, 3, 1, 1, 1, 0, 0, 2, 3, 0, 0, 0, 1, 1, 2, 3, 3, 2, 1, 0, 0, 1, 2, 3, 3, 2, 0}, 2, 3, 5)),
                Arguments.of(new int[] {2, 3, 4}, 1, IntArray.of(new int[] {2, 0, 1, 1, 0, 2}, 1, 2, 3)),
                Arguments.of(new int[] {5}, 0, IntArray.vector(4, 0, 4, 4, 1, 2, 3)));
    }

    @ParameterizedTest(name = "{0} dim {1} index {2}")
    @MethodSource("gathers")
    void gatherGradientScattersBack(int[] dims, int dim, IntArray index) {
        GradCheck.assertClose(xs -> xs.get(0).gather(dim, index), Inputs.randn(2, dims));
    }

    @ParameterizedTest(name = "{0} dim {1} index {2}")
    @MethodSource("gathers")
    void gatherMatchesItsDefinition(int[] dims, int dim, IntArray index) {
        NDArray x = Inputs.randn(3, dims);
        NDArray y = Tensor.constant(x).gather(dim, index).value();
        assertThat(y.shape()).isEqualTo(index.shape());
        int rank = dims.length;
        int d = Math.floorMod(dim, rank);
        int[] idims = index.shape().toArray();
        int[] p = new int[rank];
        for (int flat = 0; flat < index.size(); flat++) {
            int rem = flat;
            for (int k = rank - 1; k >= 0; k--) {
                p[k] = rem % idims[k];
                rem /= idims[k];
            }
            int[] q = p.clone();
            q[d] = index.get(p);
            assertThat(y.get(p)).isEqualTo(x.get(q));
        }
    }

    @Test
    void gatherAlongLastDimPicksTheLabelledLogit() {
        // the use in a loss: gather(1, labels [N, 1]) picks logits[n, label[n]]
        NDArray logits = NDArray.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        NDArray y = Tensor.constant(logits).gather(1, IntArray.of(new int[] {2, 0}, 2, 1)).value();
        assertThat(y).isEqualTo(NDArray.of(new float[] {3, 4}, 2, 1));
    }

    // ---- where --------------------------------------------------------------------------------

    static Stream<Arguments> wheres() {
        return Stream.of(
                Arguments.of(IntArray.of(new int[] {1, 0, 1, 0, 0, 1}, 2, 3), new int[] {2, 3}, new int[] {2, 3}),
                Arguments.of(IntArray.of(new int[] {1, 0, 1}, 3, 1), new int[] {1, 4}, new int[] {3, 4}),
                Arguments.of(IntArray.of(new int[] {0, 1, 1, 0}, 1, 4), new int[] {3, 4}, new int[] {}),
                Arguments.of(IntArray.scalar(1), new int[] {2, 3}, new int[] {3}),
                Arguments.of(IntArray.scalar(0), new int[] {}, new int[] {2, 1}),
                Arguments.of(IntArray.of(new int[] {1, 0}, 2, 1, 1), new int[] {3, 1}, new int[] {1, 2}));
    }

    @ParameterizedTest(name = "cond {0}, a {1}, b {2}")
    @MethodSource("wheres")
    void whereGradientGoesToTheChosenSide(IntArray cond, int[] a, int[] b) {
        GradCheck.assertClose(xs -> Tensor.where(cond, xs.get(0), xs.get(1)), Inputs.randn(4, a), Inputs.randn(5, b));
    }

    @Test
    void whereSelectsWithBroadcasting() {
        Tensor a = Tensor.constant(NDArray.of(new float[] {1, 2}, 1, 2));
        Tensor b = Tensor.constant(-1f);
        NDArray y = Tensor.where(IntArray.of(new int[] {1, 0}, 2, 1), a, b).value();
        assertThat(y).isEqualTo(NDArray.of(new float[] {1, 2, -1, -1}, 2, 2));
    }

    // ---- maskedFill ---------------------------------------------------------------------------

    static Stream<Arguments> maskedFills() {
        return Stream.of(
                Arguments.of(new int[] {2, 3}, IntArray.of(new int[] {1, 0, 0, 0, 1, 1}, 2, 3), -1e4f),
                Arguments.of(new int[] {3, 4}, IntArray.of(new int[] {0, 1, 0, 1}, 1, 4), 0.5f),
                Arguments.of(new int[] {2, 3, 3}, IntArray.of(new int[] {0, 1, 1, 0, 0, 1, 0, 0, 0}, 3, 3), -1e4f),
                Arguments.of(new int[] {2, 3}, IntArray.scalar(1), 7f),
                Arguments.of(new int[] {}, IntArray.scalar(0), 7f));
    }

    @ParameterizedTest(name = "{0} mask {1} value {2}")
    @MethodSource("maskedFills")
    void maskedFillGradientIsZeroWhereFilled(int[] dims, IntArray mask, float value) {
        GradCheck.assertClose(xs -> xs.get(0).maskedFill(mask, value).mul(xs.get(0)), Inputs.randn(6, dims));
    }

    @ParameterizedTest(name = "{0} mask {1} value {2}")
    @MethodSource("maskedFills")
    void maskedFillEqualsWhere(int[] dims, IntArray mask, float value) {
        Tensor x = Tensor.constant(Inputs.randn(7, dims));
        assertThat(x.maskedFill(mask, value).value()).isEqualTo(Tensor.where(mask, Tensor.constant(value), x).value());
    }

    @Test
    void causalMaskBeforeSoftmaxGivesZeroWeights() {
        IntArray causal = IntArray.of(new int[] {0, 1, 1, 0, 0, 1, 0, 0, 0}, 3, 3);
        NDArray p = Tensor.constant(Inputs.randn(8, 2, 3, 3)).maskedFill(causal, Float.NEGATIVE_INFINITY).softmax(-1).value();
        assertThat(p.get(1, 0, 1)).isZero();
        assertThat(p.get(1, 1, 2)).isZero();
        assertThat(p.get(0, 0, 0)).isEqualTo(1f);
    }

    // ---- bad input ----------------------------------------------------------------------------

    private static Tensor v(int... dims) {
        return Tensor.var("v", NDArray.ones(dims));
    }

    private static Arguments bad(String name, ThrowingCallable call, String... fragments) {
        return Arguments.of(name, call, fragments);
    }

    static Stream<Arguments> badCalls() {
        return Stream.of(
                bad("indexSelect out of range", () -> v(4, 3).indexSelect(0, IntArray.vector(1, 4)),
                        "indexSelect: index 4 at flat position 1 is outside [0, 4)"),
                bad("indexSelect negative", () -> v(4, 3).indexSelect(1, IntArray.vector(-1)), "indexSelect", "-1"),
                bad("indexSelect 2-D index", () -> v(4, 3).indexSelect(0, IntArray.zeros(2, 2)),
                        "indexSelect: index must be 1-D, got shape [2, 2]"),
                bad("indexSelect dim", () -> v(4, 3).indexSelect(2, IntArray.vector(0)), "indexSelect", "axis 2", "[4, 3]"),
                bad("indexSelect scalar", () -> v().indexSelect(0, IntArray.vector(0)), "indexSelect", "[]"),
                bad("gather rank", () -> v(3, 4).gather(1, IntArray.zeros(3)), "gather: index rank 1 differs from rank 2"),
                bad("gather too long", () -> v(3, 4).gather(1, IntArray.zeros(4, 2)),
                        "gather: index [4, 2] is larger than x [3, 4] in dim 0"),
                bad("gather out of range", () -> v(3, 4).gather(1, IntArray.of(new int[] {0, 4}, 1, 2)),
                        "gather: index 4", "outside [0, 4)"),
                bad("gather negative", () -> v(3, 4).gather(0, IntArray.of(new int[] {-1}, 1, 1)), "gather", "-1"),
                bad("gather dim", () -> v(3, 4).gather(-3, IntArray.zeros(1, 1)), "gather", "axis -3"),
                bad("where shapes", () -> Tensor.where(IntArray.zeros(2, 3), v(3), v(4)),
                        "where: shapes cannot be broadcast together: condition [2, 3], a [3], b [4]"),
                bad("where condition shape", () -> Tensor.where(IntArray.zeros(4), v(3), v(3)), "where", "condition [4]"),
                bad("where not 0/1", () -> Tensor.where(IntArray.vector(0, 2, 1), v(3), v(3)),
                        "where: condition must hold 0 or 1, got 2 at flat position 1"),
                bad("maskedFill not broadcastable", () -> v(2, 3).maskedFill(IntArray.zeros(2), 0f),
                        "maskedFill: mask [2] does not broadcast to the shape of x [2, 3]"),
                bad("maskedFill mask larger", () -> v(3).maskedFill(IntArray.zeros(2, 3), 0f), "maskedFill", "[2, 3]"),
                bad("maskedFill not 0/1", () -> v(3).maskedFill(IntArray.vector(0, 1, -1), 0f),
                        "maskedFill: mask must hold 0 or 1, got -1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCalls")
    void badInputThrowsNamingTheOp(String name, ThrowingCallable call, String[] fragments) {
        var a = assertThatThrownBy(call).isInstanceOf(IllegalArgumentException.class);
        for (String f : fragments) {
            a.hasMessageContaining(f);
        }
    }

    @Test
    void nullIntegerArgumentsAreRejectedNamingTheOp() {
        assertThatThrownBy(() -> v(2).indexSelect(0, null)).isInstanceOf(NullPointerException.class).hasMessageContaining("indexSelect");
        assertThatThrownBy(() -> v(2).gather(0, null)).isInstanceOf(NullPointerException.class).hasMessageContaining("gather");
        assertThatThrownBy(() -> Tensor.where(null, v(2), v(2))).isInstanceOf(NullPointerException.class).hasMessageContaining("where");
        assertThatThrownBy(() -> v(2).maskedFill(null, 0f)).isInstanceOf(NullPointerException.class).hasMessageContaining("maskedFill");
    }
}
