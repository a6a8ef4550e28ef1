package dev.grad4j.autograd;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grad4j.tensor.NDArray;

import java.util.stream.Stream;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input to every public {@link Tensor} op fails fast with an {@link IllegalArgumentException}
 * naming the op and the shapes, before anything is recorded.
 */
class TensorErrorsTest {

    private static Tensor v(int... dims) {
        return Tensor.var("v", NDArray.ones(dims));
    }

    private static Arguments bad(String name, ThrowingCallable call, String... fragments) {
        return Arguments.of(name, call, fragments);
    }

    static Stream<Arguments> badCalls() {
        return Stream.of(
                bad("add incompatible", () -> v(2, 3).add(v(4)), "add: shapes cannot be broadcast together: [2, 3] and [4]"),
                bad("sub incompatible", () -> v(2, 3).sub(v(3, 2)), "sub", "[3, 2]"),
                bad("mul incompatible", () -> v(2).mul(v(3)), "mul", "[2]", "[3]"),
                bad("div incompatible", () -> v(0).div(v(2)), "div"),
                bad("maximum incompatible", () -> v(2, 3).maximum(v(2)), "maximum"),
                bad("pow NaN", () -> v(2).pow(Float.NaN), "pow: exponent must be finite, got NaN"),
                bad("pow infinity", () -> v(2).pow(Float.NEGATIVE_INFINITY), "pow", "-Infinity"),
                bad("matmul inner", () -> v(2, 3).matmul(v(4, 5)), "matmul: inner dimensions differ: [2, 3] @ [4, 5]"),
                bad("matmul rank 1", () -> v(3).matmul(v(3, 2)), "matmul: operands must be 2-D or 3-D"),
                bad("matmul rank 4", () -> v(3, 2).matmul(v(1, 1, 2, 2)), "matmul", "[1, 1, 2, 2]"),
                bad("matmul batch", () -> v(2, 3, 4).matmul(v(3, 4, 5)), "matmul: batch dimensions differ"),
                bad("linear weight rank", () -> v(2, 3).linear(v(3), null), "linear: weight must be [out, in], got [3]"),
                bad("linear features", () -> v(2, 3).linear(v(4, 5), null),
                        "linear: input features differ from weight: x [2, 3], weight [4, 5]"),
                bad("linear bias", () -> v(2, 3).linear(v(4, 3), v(3)), "linear: bias must be [4], got [3]"),
                bad("linear bias rank", () -> v(2, 3).linear(v(4, 3), v(4, 1)), "linear", "[4, 1]"),
                bad("linear scalar x", () -> v().linear(v(4, 1), null), "linear", "x []"),
                bad("transpose rank 1", () -> v(3).transpose(0, 0), "transpose: needs at least 2 dimensions, got shape [3]"),
                bad("transpose rank 0", () -> v().transpose(0, 1), "transpose", "[]"),
                bad("transpose axis", () -> v(2, 3).transpose(0, 2), "transpose: axis 2 out of range for shape [2, 3]"),
                bad("transpose negative axis", () -> v(2, 3).transpose(-3, 1), "transpose", "axis -3"),
                bad("reshape size", () -> v(2, 3).reshape(4, 2), "reshape: element counts differ: [2, 3] (6) -> [4, 2] (8)"),
                bad("reshape infer", () -> v(2, 3).reshape(4, -1), "reshape: cannot infer -1"),
                bad("reshape two -1", () -> v(2, 3).reshape(-1, -1), "reshape: only one dimension can be -1"),
                bad("reshape negative", () -> v(2, 3).reshape(-2, 3), "reshape: negative dimension"),
                bad("sum axis", () -> v(2, 3).sum(new int[] {2}, false), "sum: axis 2 out of range for shape [2, 3]"),
                bad("sum negative axis", () -> v(2, 3).sum(new int[] {-3}, true), "sum", "axis -3"),
                bad("sum repeated axis", () -> v(2, 3).sum(new int[] {0, -2}, false), "sum: axis -2 repeated in [0, -2]"),
                bad("mean axis", () -> v(4).mean(new int[] {1}, false), "mean", "[4]"),
                bad("mean repeated", () -> v(2, 3, 4).mean(new int[] {1, 1}, true), "mean", "repeated"),
                bad("mean empty", () -> v(0, 2).mean(), "mean: empty reduction"),
                bad("max axis", () -> v(2, 3).max(new int[] {3}, false), "max", "axis 3"),
                bad("max repeated", () -> v(2, 3).max(new int[] {-1, 1}, false), "max", "repeated"),
                bad("max empty", () -> v(0).max(), "max: empty reduction"),
                bad("softmax axis", () -> v(2, 3).softmax(2), "softmax: axis 2 out of range for shape [2, 3]"),
                bad("logSoftmax axis", () -> v(2, 3).logSoftmax(-3), "logSoftmax", "axis -3"),
                bad("backward non-scalar", () -> v(2, 3).exp().backward(), "backward", "[2, 3]"),
                bad("backward upstream", () -> v(2).exp().backward(NDArray.ones(3)), "backward: upstream shape [3]"),
                bad("backward constant", () -> Tensor.constant(NDArray.ones(1)).exp().backward(), "backward",
                        "depends on no variable"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCalls")
    void badInputIsAnIllegalArgumentNamingTheOp(String name, ThrowingCallable call, String[] fragments) {
        var thrown = assertThatThrownBy(call).isInstanceOf(IllegalArgumentException.class);
        for (String f : fragments) {
            thrown.hasMessageContaining(f);
        }
    }

    @Test
    void matmulInnerDimensionMessageIsExact() {
        assertThatThrownBy(() -> v(2, 3).matmul(v(4, 5))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("matmul: inner dimensions differ: [2, 3] @ [4, 5]");
    }

    @Test
    void nullOperandsAreRejected() {
        assertThatThrownBy(() -> v(2).add(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> v(2, 2).linear(null, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> v(2).reshape((int[]) null)).isInstanceOf(NullPointerException.class);
    }
}
