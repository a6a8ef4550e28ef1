package dev.grad4j.tensor;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input to every {@link Backend} method fails with an {@link IllegalArgumentException} whose
 * message names the operation and the offending shapes or values.
 */
class CpuBackendErrorsTest {

    private static final Backend B = Backend.cpu();

    private static NDArray z(int... dims) {
        return NDArray.zeros(dims);
    }

    private static Arguments bad(String name, ThrowingCallable call, String... fragments) {
        return Arguments.of(name, call, fragments);
    }

    static Stream<Arguments> badCalls() {
        return Stream.of(
                // elementwise
                bad("binary incompatible", () -> B.binary(BinaryOp.ADD, z(2, 3), z(4)),
                        "add: shapes cannot be broadcast together: [2, 3] and [4]"),
                bad("binary incompatible mul", () -> B.binary(BinaryOp.MUL, z(2, 3), z(3, 2)), "mul", "[3, 2]"),
                bad("binary zero vs two", () -> B.binary(BinaryOp.SUB, z(0), z(2)), "sub", "[0]", "[2]"),
                bad("unaryBackward grad shape", () -> B.unaryBackward(UnaryOp.EXP, z(2), z(3), z(3)),
                        "exp backward: shapes differ: [2] and [3]"),
                bad("unaryBackward y shape", () -> B.unaryBackward(UnaryOp.TANH, z(3), z(3), z(2)),
                        "tanh backward", "[2]"),
                bad("pow NaN exponent", () -> B.pow(z(2), Float.NaN), "pow: exponent must be finite, got NaN"),
                bad("pow infinite exponent", () -> B.pow(z(2), Float.POSITIVE_INFINITY), "pow", "Infinity"),
                bad("powBackward shapes", () -> B.powBackward(z(2), z(3), 2f), "pow backward", "[2]", "[3]"),
                // shape
                bad("transpose rank 1", () -> B.transpose(z(3), 0, 0), "transpose: needs at least 2 dimensions",
                        "[3]"),
                bad("transpose rank 0", () -> B.transpose(z(), 0, 1), "transpose", "[]"),
                bad("transpose dim out of range", () -> B.transpose(z(2, 3), 0, 2),
                        "transpose: axis 2 out of range for shape [2, 3]"),
                bad("transpose negative out of range", () -> B.transpose(z(2, 3), -3, 0), "transpose", "axis -3"),
                bad("broadcastTo incompatible", () -> B.broadcastTo(z(3), Shape.of(2, 4)), "broadcastTo", "[3]"),
                bad("broadcastTo would shrink", () -> B.broadcastTo(z(2, 3), Shape.of(3)),
                        "broadcastTo: cannot broadcast [2, 3] to [3]"),
                bad("broadcastTo size-1 target", () -> B.broadcastTo(z(3), Shape.of(1)), "broadcastTo"),
                bad("sumTo incompatible", () -> B.sumTo(z(2, 3), Shape.of(4)), "sumTo", "[4]"),
                bad("sumTo larger", () -> B.sumTo(z(3), Shape.of(2, 3)), "sumTo: [2, 3] does not broadcast to [3]"),
                // reductions
                bad("sum axis out of range", () -> B.sum(z(2, 3), new int[] {2}, false),
                        "sum: axis 2 out of range for shape [2, 3]"),
                bad("sum negative axis out of range", () -> B.sum(z(2, 3), new int[] {-3}, false), "sum", "-3"),
                bad("sum repeated axis", () -> B.sum(z(2, 3), new int[] {1, -1}, false),
                        "sum: axis -1 repeated in [1, -1] for shape [2, 3]"),
                bad("sum axis on scalar", () -> B.sum(z(), new int[] {1}, false), "sum", "[]"),
                bad("mean axis out of range", () -> B.mean(z(2, 3), new int[] {5}, true), "mean", "axis 5"),
                bad("mean repeated axis", () -> B.mean(z(2, 3), new int[] {0, 0}, true), "mean", "repeated"),
                bad("mean empty group", () -> B.mean(z(0, 3), new int[] {0}, false),
                        "mean: empty reduction over shape [0, 3] axes [0]"),
                bad("mean of empty", () -> B.mean(z(0), null, false), "mean: empty reduction"),
                bad("max axis out of range", () -> B.max(z(4), new int[] {1}, false), "max", "[4]"),
                bad("max repeated axis", () -> B.max(z(2, 3, 4), new int[] {2, 0, -1}, false), "max", "repeated"),
                bad("max empty group", () -> B.max(z(3, 0), new int[] {1}, false), "max: empty reduction"),
                bad("max of empty", () -> B.max(z(0), null, false), "max", "empty"),
                // softmax family
                bad("softmax axis", () -> B.softmax(z(2, 3), 2), "softmax: axis 2 out of range for shape [2, 3]"),
                bad("softmax axis on scalar", () -> B.softmax(z(), 1), "softmax", "[]"),
                bad("logSoftmax axis", () -> B.logSoftmax(z(2, 3), -3), "logSoftmax", "axis -3"),
                bad("softmaxBackward shapes", () -> B.softmaxBackward(z(2, 3), z(3, 2), 1),
                        "softmax backward: shapes differ: [2, 3] and [3, 2]"),
                bad("softmaxBackward axis", () -> B.softmaxBackward(z(2, 3), z(2, 3), 3), "softmax backward", "axis 3"),
                bad("logSoftmaxBackward shapes", () -> B.logSoftmaxBackward(z(2), z(3), 0), "logSoftmax backward"),
                // matmul
                bad("matmul inner dims", () -> B.matmul(z(2, 3), z(4, 5)),
                        "matmul: inner dimensions differ: [2, 3] @ [4, 5]"),
                bad("matmul inner dims transposed", () -> B.matmul(z(2, 3), true, z(4, 5), false),
                        "matmul: inner dimensions differ: [2, 3]ᵀ @ [4, 5]"),
                bad("matmul rank 1", () -> B.matmul(z(3), z(3, 2)), "matmul: operands must be 2-D or 3-D", "[3]"),
                bad("matmul rank 0", () -> B.matmul(z(), z(3, 2)), "matmul", "[]"),
                bad("matmul rank 4", () -> B.matmul(z(1, 2, 3, 4), z(4, 2)), "matmul", "[1, 2, 3, 4]"),
                bad("matmul batch", () -> B.matmul(z(2, 3, 4), z(3, 4, 5)),
                        "matmul: batch dimensions differ: [2, 3, 4] @ [3, 4, 5]"),
                bad("matmul 3-D inner", () -> B.matmul(z(2, 3, 4), z(5, 6)), "matmul: inner dimensions differ"),
                bad("matmulInto inner dims", () -> B.matmulInto(z(2, 3), z(4, 5), z(2, 5)),
                        "matmulInto: inner dimensions differ: [2, 3] @ [4, 5]"),
                bad("matmulInto out shape", () -> B.matmulInto(z(2, 3), z(3, 5), z(5, 2)),
                        "matmulInto: out must have shape [2, 5] for [2, 3] @ [3, 5], got [5, 2]"),
                bad("matmulInto out shape transposed", () -> B.matmulInto(z(3, 2), true, z(3, 5), false, z(3, 5)),
                        "matmulInto: out must have shape [2, 5] for [3, 2]ᵀ @ [3, 5], got [3, 5]"),
                bad("matmulInto out not batched", () -> B.matmulInto(z(4, 2, 3), z(3, 5), z(2, 5)),
                        "matmulInto", "[4, 2, 5]", "got [2, 5]"),
                bad("matmulInto out is a", () -> { NDArray x = z(3, 3); B.matmulInto(x, z(3, 3), x); },
                        "matmulInto: out [3, 3] shares its storage with operand a [3, 3]"),
                bad("matmulInto out is b", () -> { NDArray x = z(3, 3); B.matmulInto(z(3, 3), x, x); },
                        "matmulInto", "operand b"),
                // linear
                bad("linear weight rank", () -> B.linear(z(2, 3), z(3), null),
                        "linear: weight must be [out, in], got [3]"),
                bad("linear weight rank 3", () -> B.linear(z(2, 3), z(1, 4, 3), null), "linear", "[1, 4, 3]"),
                bad("linear features", () -> B.linear(z(2, 3), z(4, 5), null),
                        "linear: input features differ from weight: x [2, 3], weight [4, 5]"),
                bad("linear scalar input", () -> B.linear(z(), z(4, 1), null), "linear", "x []"),
                bad("linear bias length", () -> B.linear(z(2, 3), z(4, 3), z(5)),
                        "linear: bias must be [4], got [5] (weight [4, 3])"),
                bad("linear bias rank", () -> B.linear(z(2, 3), z(4, 3), z(1, 4)), "linear", "[1, 4]"),
                // in place
                bad("assign shapes", () -> B.assign(z(2, 3), z(3, 2)), "assign: shapes differ: [2, 3] and [3, 2]"),
                bad("assign sizes", () -> B.assign(z(6), z(2, 3)), "assign", "[6]"),
                bad("sgd grad shape", () -> B.sgdStep(z(3), z(4), null, true, 0.1f, 0f, 0f, false, 0f),
                        "sgd: shapes differ: [3] and [4]"),
                bad("sgd buffer shape", () -> B.sgdStep(z(3), z(3), z(2), true, 0.1f, 0.9f, 0f, false, 0f),
                        "sgd", "[2]"),
                bad("adam grad shape", () -> B.adamStep(z(3), z(2), z(3), z(3), null, 1, 1e-3f, 0.9f, 0.999f,
                        1e-8f, 0f, false), "adam: shapes differ"),
                bad("adam m shape", () -> B.adamStep(z(3), z(3), z(1), z(3), null, 1, 1e-3f, 0.9f, 0.999f,
                        1e-8f, 0f, false), "adam", "[1]"),
                bad("adam v shape", () -> B.adamStep(z(3), z(3), z(3), z(3, 1), null, 1, 1e-3f, 0.9f, 0.999f,
                        1e-8f, 0f, false), "adam", "[3, 1]"),
                bad("adam vMax shape", () -> B.adamStep(z(3), z(3), z(3), z(3), z(4), 1, 1e-3f, 0.9f, 0.999f,
                        1e-8f, 0f, false), "adam", "[4]"),
                bad("adam step 0", () -> B.adamStep(z(3), z(3), z(3), z(3), null, 0, 1e-3f, 0.9f, 0.999f,
                        1e-8f, 0f, false), "adam: step must be >= 1, got 0"));
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
        assertThatThrownBy(() -> B.matmul(z(2, 3), z(4, 5))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("matmul: inner dimensions differ: [2, 3] @ [4, 5]");
    }

    @Test
    void matmulIntoRejectsAnOutputWrappingAnOperandsArray() {
        float[] shared = new float[6];
        NDArray a = NDArray.wrap(shared, 2, 3);
        NDArray out = NDArray.wrap(shared, 3, 2);
        assertThatThrownBy(() -> B.matmulInto(a, true, z(2, 2), false, out))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("matmulInto: out [3, 2] shares its storage with operand a [2, 3]");
    }

    @Test
    void matmulIntoNeedsAnOutput() {
        assertThatThrownBy(() -> B.matmulInto(z(2, 3), z(3, 2), null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("matmulInto");
    }

    @Test
    void sgdWithMomentumNeedsABuffer() {
        assertThatThrownBy(() -> B.sgdStep(z(3), z(3), null, true, 0.1f, 0.9f, 0f, false, 0f))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("sgd");
    }
}
