package dev.grad4j.autograd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.Shape;

import java.util.List;
import java.util.stream.Stream;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shape ops of sequence models (permute, squeeze, unsqueeze, cat, stack, narrow): finite-difference
 * gradients, algebraic properties and bad input.
 */
class ShapeOpsSequenceTest {

    // ---- gradients ----------------------------------------------------------------------------

    static Stream<Arguments> permutations() {
        return Stream.of(
                Arguments.of(new int[] {2, 3, 4}, new int[] {2, 0, 1}),
                Arguments.of(new int[] {2, 3, 4}, new int[] {-1, -3, -2}),
                Arguments.of(new int[] {2, 3, 2, 2}, new int[] {0, 3, 1, 2}),
                Arguments.of(new int[] {3, 4}, new int[] {-1, 0}),
                Arguments.of(new int[] {3, 4}, new int[] {0, 1}),
                Arguments.of(new int[] {5}, new int[] {0}),
                Arguments.of(new int[] {}, new int[] {}),
                Arguments.of(new int[] {2, 0, 3}, new int[] {2, 1, 0}));
    }

    @ParameterizedTest(name = "{0} by {1}")
    @MethodSource("permutations")
    void permuteGradient(int[] dims, int[] perm) {
        if (Inputs.size(dims) == 0) {
            assertThat(Tensor.constant(NDArray.zeros(dims)).permute(perm).shape()).isEqualTo(Shape.of(3, 0, 2));
            return;
        }
        GradCheck.assertClose(xs -> xs.get(0).permute(perm), Inputs.randn(1, dims));
    }

    @ParameterizedTest(name = "{0} by {1}")
    @MethodSource("permutations")
    void permuteRoundTrip(int[] dims, int[] perm) {
        NDArray x = Inputs.randn(2, dims);
        int[] inverse = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            inverse[Math.floorMod(perm[i], perm.length)] = i;
        }
        Tensor t = Tensor.constant(x);
        assertThat(t.permute(perm).permute(inverse).value()).isEqualTo(x);
    }

    @Test
    void permuteMovesElements() {
        NDArray x = Inputs.randn(3, 2, 3, 4);
        NDArray y = Tensor.constant(x).permute(2, 0, 1).value();
        assertThat(y.shape()).isEqualTo(Shape.of(4, 2, 3));
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 4; k++) {
                    assertThat(y.get(k, i, j)).isEqualTo(x.get(i, j, k));
                }
            }
        }
    }

    static Stream<Arguments> squeezes() {
        return Stream.of(
                Arguments.of(new int[] {2, 1, 3}, 1, new int[] {2, 3}),
                Arguments.of(new int[] {1, 4}, -2, new int[] {4}),
                Arguments.of(new int[] {2, 3}, 0, new int[] {2, 3}), // not size 1: unchanged, as torch
                Arguments.of(new int[] {1}, 0, new int[] {}),
                Arguments.of(new int[] {}, -1, new int[] {}));
    }

    @ParameterizedTest(name = "{0} dim {1}")
    @MethodSource("squeezes")
    void squeeze(int[] dims, int dim, int[] expected) {
        assertThat(Tensor.constant(NDArray.zeros(dims)).squeeze(dim).shape()).isEqualTo(Shape.of(expected));
        GradCheck.assertClose(xs -> xs.get(0).squeeze(dim), Inputs.randn(4, dims));
    }

    static Stream<Arguments> unsqueezes() {
        return Stream.of(
                Arguments.of(new int[] {2, 3}, 0, new int[] {1, 2, 3}),
                Arguments.of(new int[] {2, 3}, 2, new int[] {2, 3, 1}),
                Arguments.of(new int[] {2, 3}, -1, new int[] {2, 3, 1}),
                Arguments.of(new int[] {2, 3}, -3, new int[] {1, 2, 3}),
                Arguments.of(new int[] {}, 0, new int[] {1}));
    }

    @ParameterizedTest(name = "{0} dim {1}")
    @MethodSource("unsqueezes")
    void unsqueeze(int[] dims, int dim, int[] expected) {
        assertThat(Tensor.constant(NDArray.zeros(dims)).unsqueeze(dim).shape()).isEqualTo(Shape.of(expected));
        GradCheck.assertClose(xs -> xs.get(0).unsqueeze(dim).squeeze(dim).unsqueeze(dim), Inputs.randn(5, dims));
    }

    static Stream<Arguments> cats() {
        return Stream.of(
                Arguments.of(0, new int[][] {{2, 3}, {1, 3}}),
                Arguments.of(1, new int[][] {{2, 1}, {2, 3}, {2, 2}}),
                Arguments.of(-1, new int[][] {{2, 2, 3}, {2, 2, 1}}),
                Arguments.of(1, new int[][] {{2, 2, 3}, {2, 4, 3}, {2, 1, 3}, {2, 2, 3}}),
                Arguments.of(0, new int[][] {{3}}),
                Arguments.of(0, new int[][] {{0, 2}, {2, 2}}));
    }

    @ParameterizedTest(name = "dim {0}")
    @MethodSource("cats")
    void catGradient(int dim, int[][] shapes) {
        NDArray[] xs = new NDArray[shapes.length];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = Inputs.randn(10 + i, shapes[i]);
        }
        GradCheck.assertClose(ts -> Tensor.cat(dim, ts), xs);
    }

    @ParameterizedTest(name = "dim {0}")
    @MethodSource("cats")
    void catThenNarrowGivesBackTheParts(int dim, int[][] shapes) {
        Tensor[] ts = new Tensor[shapes.length];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = Tensor.constant(Inputs.randn(20 + i, shapes[i]));
        }
        Tensor c = Tensor.cat(dim, ts);
        int d = Math.floorMod(dim, shapes[0].length);
        int start = 0;
        for (Tensor t : ts) {
            int len = t.shape().dim(d);
            assertThat(c.narrow(dim, start, len).value()).isEqualTo(t.value());
            start += len;
        }
        assertThat(start).isEqualTo(c.shape().dim(d));
    }

    static Stream<Arguments> stacks() {
        return Stream.of(
                Arguments.of(0, 2, new int[] {2, 3}),
                Arguments.of(1, 3, new int[] {2, 3}),
                Arguments.of(-1, 2, new int[] {3, 2}),
                Arguments.of(2, 2, new int[] {3, 2}),
                Arguments.of(-3, 2, new int[] {3, 2}),
                Arguments.of(0, 3, new int[] {}),
                Arguments.of(-1, 2, new int[] {}));
    }

    @ParameterizedTest(name = "dim {0}, {1} x {2}")
    @MethodSource("stacks")
    void stackGradientAndEqualsUnsqueezeThenCat(int dim, int count, int[] shape) {
        NDArray[] xs = new NDArray[count];
        Tensor[] ts = new Tensor[count];
        Tensor[] unsqueezed = new Tensor[count];
        for (int i = 0; i < count; i++) {
            xs[i] = Inputs.randn(30 + i, shape);
            ts[i] = Tensor.constant(xs[i]);
            unsqueezed[i] = ts[i].unsqueeze(dim);
        }
        assertThat(Tensor.stack(dim, ts).value()).isEqualTo(Tensor.cat(dim, unsqueezed).value());
        assertThat(Tensor.stack(dim, List.of(ts)).value()).isEqualTo(Tensor.cat(dim, List.of(unsqueezed)).value());
        GradCheck.assertClose(vs -> Tensor.stack(dim, vs), xs);
    }

    static Stream<Arguments> narrows() {
        return Stream.of(
                Arguments.of(new int[] {3, 5}, 1, 1, 3),
                Arguments.of(new int[] {4, 3}, 0, 2, 2),
                Arguments.of(new int[] {2, 3, 4}, -1, 0, 1),
                Arguments.of(new int[] {2, 3, 4}, -2, 1, 2),
                Arguments.of(new int[] {5}, 0, 0, 5),
                Arguments.of(new int[] {5}, 0, 5, 0));
    }

    @ParameterizedTest(name = "{0} dim {1} start {2} length {3}")
    @MethodSource("narrows")
    void narrowGradient(int[] dims, int dim, int start, int length) {
        if (length == 0) {
            assertThat(Tensor.constant(NDArray.zeros(dims)).narrow(dim, start, length).shape()).isEqualTo(Shape.of(0));
            return;
        }
        GradCheck.assertClose(xs -> xs.get(0).narrow(dim, start, length), Inputs.randn(6, dims));
    }

    @Test
    void narrowSharesTheGradientOfOverlappingSlices() {
        // two overlapping slices of one variable: their gradients add up where they overlap
        GradCheck.assertClose(xs -> xs.get(0).narrow(1, 0, 3).mul(xs.get(0).narrow(1, 1, 3)), Inputs.randn(7, 2, 4));
    }

    @Test
    void opsLeaveTheirInputsUnchanged() {
        NDArray x = Inputs.randn(8, 2, 3, 4);
        NDArray copy = x.copy();
        Tensor t = Tensor.var("x", x);
        Tensor a = t.permute(1, 0, 2).narrow(0, 1, 1).squeeze(0).narrow(1, 0, 4).unsqueeze(0); // [1, 2, 4]
        Tensor b = t.narrow(1, 0, 2).narrow(0, 0, 1);                                     // [1, 2, 4]
        Tensor y = Tensor.cat(0, a, b).mul(Tensor.stack(0, t, t).sum(new int[] {0}, false).narrow(1, 0, 2));
        y.sum().backward();
        assertThat(x).isEqualTo(copy);
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
                bad("permute too few dims", () -> v(2, 3, 4).permute(0, 1), "permute", "[0, 1]", "[2, 3, 4]"),
                bad("permute repeated", () -> v(2, 3, 4).permute(0, 1, -3), "permute: dim -3 repeated in [0, 1, -3]"),
                bad("permute out of range", () -> v(2, 3).permute(0, 2), "permute: axis 2 out of range for shape [2, 3]"),
                bad("squeeze out of range", () -> v(2, 1).squeeze(2), "squeeze", "[2, 1]"),
                bad("squeeze scalar", () -> v().squeeze(1), "squeeze", "[]"),
                bad("unsqueeze out of range", () -> v(2, 3).unsqueeze(3), "unsqueeze: dim 3 out of range [-3, 2]", "[2, 3]"),
                bad("unsqueeze negative", () -> v(2, 3).unsqueeze(-4), "unsqueeze", "-4"),
                bad("cat nothing", () -> Tensor.cat(0), "cat: needs at least one"),
                bad("cat mismatched", () -> Tensor.cat(0, v(2, 3), v(2, 4)), "cat: shapes differ outside dim 0: [2, 3], [2, 4]"),
                bad("cat ranks", () -> Tensor.cat(0, v(2, 3), v(3)), "cat", "[2, 3], [3]"),
                bad("cat dim", () -> Tensor.cat(2, v(2, 3), v(2, 3)), "cat", "axis 2"),
                bad("cat scalars", () -> Tensor.cat(0, v(), v()), "cat: cannot concatenate scalars"),
                bad("stack nothing", () -> Tensor.stack(0), "stack: needs at least one"),
                bad("stack shapes", () -> Tensor.stack(0, v(2, 3), v(3, 2)), "stack: arrays must share one shape", "[2, 3], [3, 2]"),
                bad("stack dim", () -> Tensor.stack(3, v(2, 3), v(2, 3)), "stack: dim 3 out of range [-3, 2]"),
                bad("narrow past the end", () -> v(3, 5).narrow(1, 3, 3), "narrow: slice start 3, length 3", "size 5", "[3, 5]"),
                bad("narrow negative start", () -> v(3, 5).narrow(1, -1, 2), "narrow", "start -1"),
                bad("narrow negative length", () -> v(3, 5).narrow(1, 0, -1), "narrow", "length -1"),
                bad("narrow dim", () -> v(3, 5).narrow(2, 0, 1), "narrow", "axis 2"),
                bad("narrow scalar", () -> v().narrow(0, 0, 1), "narrow: cannot narrow a scalar"));
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
    void nullTensorsAreRejectedNamingTheOp() {
        assertThatThrownBy(() -> Tensor.cat(0, v(2), null)).isInstanceOf(NullPointerException.class).hasMessageContaining("cat");
        assertThatThrownBy(() -> Tensor.stack(0, (Tensor[]) null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("stack");
        assertThatThrownBy(() -> v(2).permute((int[]) null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("permute");
    }
}
