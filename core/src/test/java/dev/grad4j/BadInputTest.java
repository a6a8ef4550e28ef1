package dev.grad4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grad4j.autograd.GradCheck;
import dev.grad4j.autograd.Gradients;
import dev.grad4j.autograd.Tensor;
import dev.grad4j.data.Batch;
import dev.grad4j.data.DataLoader;
import dev.grad4j.data.IdxReader;
import dev.grad4j.data.Mnist;
import dev.grad4j.data.TensorDataset;
import dev.grad4j.io.SafeTensors;
import dev.grad4j.nn.Init;
import dev.grad4j.nn.Linear;
import dev.grad4j.nn.LogSoftmax;
import dev.grad4j.nn.Losses;
import dev.grad4j.nn.ReLU;
import dev.grad4j.nn.Sequential;
import dev.grad4j.nn.Sigmoid;
import dev.grad4j.nn.Softmax;
import dev.grad4j.nn.Tanh;
import dev.grad4j.nn.optim.Adam;
import dev.grad4j.nn.optim.AdamW;
import dev.grad4j.nn.optim.CosineAnnealingLR;
import dev.grad4j.nn.optim.GradientClipping;
import dev.grad4j.nn.optim.LinearWarmup;
import dev.grad4j.nn.optim.Momentum;
import dev.grad4j.nn.optim.Optimizer;
import dev.grad4j.nn.optim.SGD;
import dev.grad4j.nn.optim.StepLR;
import dev.grad4j.tensor.Backend;
import dev.grad4j.tensor.BinaryOp;
import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.Shape;
import dev.grad4j.tensor.UnaryOp;
import dev.grad4j.train.Checkpoint;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input to every public class fails fast: wrong shapes, ranks, axes, sizes, NaN or infinite
 * hyperparameters, out-of-range labels and indices throw an {@link IllegalArgumentException}, and
 * nulls a {@link NullPointerException}, whose message names the operation and the offending values
 * — never an {@link ArrayIndexOutOfBoundsException}, a silent NaN or a half-updated model.
 *
 * <p>Each row is {@code (class, case, call, expected type, message fragments)}; the first fragment
 * is the operation's name.
 */
class BadInputTest {

    private static final Class<IllegalArgumentException> IAE = IllegalArgumentException.class;
    private static final Class<NullPointerException> NPE = NullPointerException.class;
    private static final Backend B = Backend.cpu();

    private static Arguments bad(String owner, String name, ThrowingCallable call, Class<? extends Throwable> type,
                                 String... fragments) {
        return Arguments.of(owner, name, call, type, fragments);
    }

    private static SplittableRandom random() {
        return new SplittableRandom(7);
    }

    private static NDArray ones(int... dims) {
        return NDArray.ones(dims);
    }

    private static Tensor v(int... dims) {
        return Tensor.var("v", NDArray.ones(dims));
    }

    private static List<Tensor> params() {
        return new Linear(2, 2, random()).parameters();
    }

    private static TensorDataset dataset() {
        return new TensorDataset(ones(2, 3), new int[] {0, 1});
    }

    static Stream<Arguments> tensorCases() {
        NDArray x = ones(2, 3);
        return Stream.of(
                bad("Shape", "negative dimension", () -> Shape.of(2, -1), IAE, "shape", "negative dimension", "[2, -1]"),
                bad("Shape", "null dims", () -> Shape.of((int[]) null), NPE, "shape", "null"),
                bad("Shape", "int overflow", () -> Shape.of(65536, 65536), IAE, "shape", "too many elements", "[65536, 65536]"),
                bad("Shape", "dim out of range", () -> Shape.of(2, 3).dim(2), IAE, "dim", "axis 2", "[2, 3]"),
                bad("Shape", "negative dim out of range", () -> Shape.of(2, 3).dim(-3), IAE, "dim", "axis -3"),
                bad("Shape", "axis out of range", () -> Shape.of(4).axis("sum", 1), IAE, "sum", "axis 1", "[4]"),
                bad("Shape", "broadcast", () -> Shape.broadcast(Shape.of(2, 3), Shape.of(4)), IAE,
                        "broadcast", "[2, 3]", "[4]"),
                bad("Shape", "broadcast null", () -> Shape.broadcast(Shape.of(2), null), NPE, "broadcast", "null"),

                bad("NDArray", "of null data", () -> NDArray.of(null, 2), NPE, "NDArray.of", "data is null"),
                bad("NDArray", "of wrong count", () -> NDArray.of(new float[5], 2, 3), IAE, "NDArray.of", "5 values", "[2, 3]"),
                bad("NDArray", "of null dims", () -> NDArray.of(new float[1], (int[]) null), NPE, "shape", "null"),
                bad("NDArray", "wrap wrong count", () -> NDArray.wrap(new float[5], 6), IAE, "NDArray.wrap", "5 values", "[6]"),
                bad("NDArray", "zeros negative", () -> NDArray.zeros(3, -2), IAE, "shape", "negative", "[3, -2]"),
                bad("NDArray", "full null dims", () -> NDArray.full(1f, (int[]) null), NPE, "shape", "null"),
                bad("NDArray", "rand null random", () -> NDArray.rand(null, 2), NPE, "NDArray.rand", "random is null"),
                bad("NDArray", "randn negative", () -> NDArray.randn(random(), -1), IAE, "shape", "negative"),
                bad("NDArray", "get null", () -> x.get((int[]) null), NPE, "get", "null"),
                bad("NDArray", "get rank", () -> x.get(1), IAE, "get", "1 indices", "[2, 3]"),
                bad("NDArray", "get out of range", () -> x.get(2, 0), IAE, "get", "[2, 0]", "[2, 3]"),
                bad("NDArray", "get negative", () -> x.get(0, -1), IAE, "get", "[0, -1]", "[2, 3]"),
                bad("NDArray", "item of many", () -> x.item(), IAE, "item", "[2, 3]", "6 elements"),
                bad("NDArray", "copyTo null", () -> x.copyTo(null, 0), NPE, "copyTo", "null"),
                bad("NDArray", "copyTo too small", () -> x.copyTo(new float[5], 0), IAE, "copyTo", "float[5]"),
                bad("NDArray", "copyTo negative offset", () -> x.copyTo(new float[10], -1), IAE, "copyTo", "offset -1"),
                bad("NDArray", "reshape count", () -> x.reshape(4, 2), IAE, "reshape", "[2, 3]", "[4, 2]"),
                bad("NDArray", "reshape two -1", () -> x.reshape(-1, -1), IAE, "reshape", "only one dimension can be -1"),
                bad("NDArray", "reshape null", () -> x.reshape((int[]) null), NPE, "reshape", "null"),

                bad("Backend", "unary null op", () -> B.unary(null, x), NPE, "unary", "op is null"),
                bad("Backend", "unary null x", () -> B.unary(UnaryOp.EXP, null), NPE, "unary", "x is null"),
                bad("Backend", "unaryBackward shapes", () -> B.unaryBackward(UnaryOp.EXP, x, ones(3), x), IAE,
                        "exp backward", "[2, 3]", "[3]"),
                bad("Backend", "unaryBackward null", () -> B.unaryBackward(UnaryOp.LOG, x, null, x), NPE, "log backward"),
                bad("Backend", "pow NaN exponent", () -> B.pow(x, Float.NaN), IAE, "pow", "exponent", "NaN"),
                bad("Backend", "pow null", () -> B.pow(null, 2f), NPE, "pow"),
                bad("Backend", "powBackward shapes", () -> B.powBackward(x, ones(3), 2f), IAE, "pow backward", "[3]"),
                bad("Backend", "binary broadcast", () -> B.binary(BinaryOp.MUL, x, ones(2)), IAE, "mul", "[2, 3]", "[2]"),
                bad("Backend", "binary null operand", () -> B.binary(BinaryOp.ADD, x, null), NPE, "add"),
                bad("Backend", "binary null op", () -> B.binary(null, x, x), NPE, "binary", "op is null"),
                bad("Backend", "scale null", () -> B.scale(null, 2f), NPE, "scale"),
                bad("Backend", "transpose rank 1", () -> B.transpose(ones(3), 0, 0), IAE, "transpose", "[3]"),
                bad("Backend", "transpose axis", () -> B.transpose(x, 0, 5), IAE, "transpose", "axis 5", "[2, 3]"),
                bad("Backend", "transpose null", () -> B.transpose(null, 0, 1), NPE, "transpose"),
                bad("Backend", "broadcastTo", () -> B.broadcastTo(x, Shape.of(3, 2)), IAE, "broadcastTo", "[2, 3]", "[3, 2]"),
                bad("Backend", "broadcastTo null shape", () -> B.broadcastTo(x, null), NPE, "broadcastTo"),
                bad("Backend", "sumTo", () -> B.sumTo(x, Shape.of(4)), IAE, "sumTo", "[4]", "[2, 3]"),
                bad("Backend", "sumTo null", () -> B.sumTo(null, Shape.of(1)), NPE, "sumTo"),
                bad("Backend", "sum axis", () -> B.sum(x, new int[] {2}, false), IAE, "sum", "axis 2", "[2, 3]"),
                bad("Backend", "sum repeated axis", () -> B.sum(x, new int[] {1, -1}, false), IAE, "sum", "repeated", "[1, -1]"),
                bad("Backend", "sum null", () -> B.sum(null, null, false), NPE, "sum"),
                bad("Backend", "mean empty", () -> B.mean(ones(0, 3), new int[] {0}, false), IAE, "mean", "empty", "[0, 3]"),
                bad("Backend", "max empty", () -> B.max(ones(0), null, false), IAE, "max", "empty", "[0]"),
                bad("Backend", "max axis", () -> B.max(x, new int[] {-3}, true), IAE, "max", "axis -3"),
                bad("Backend", "softmax axis", () -> B.softmax(x, 2), IAE, "softmax", "axis 2", "[2, 3]"),
                bad("Backend", "logSoftmax null", () -> B.logSoftmax(null, 0), NPE, "logSoftmax"),
                bad("Backend", "softmaxBackward shapes", () -> B.softmaxBackward(x, ones(3, 2), 1), IAE,
                        "softmax backward", "[2, 3]", "[3, 2]"),
                bad("Backend", "logSoftmaxBackward axis", () -> B.logSoftmaxBackward(x, x, 4), IAE,
                        "logSoftmax backward", "axis 4"),
                bad("Backend", "matmul inner", () -> B.matmul(x, ones(4, 5)), IAE, "matmul", "inner dimensions differ",
                        "[2, 3] @ [4, 5]"),
                bad("Backend", "matmul transposed inner", () -> B.matmul(x, true, ones(3, 2), false), IAE, "matmul", "[2, 3]ᵀ @ [3, 2]"),
                bad("Backend", "matmul rank", () -> B.matmul(ones(3), ones(3, 2)), IAE, "matmul", "2-D or 3-D", "[3]"),
                bad("Backend", "matmul batch", () -> B.matmul(ones(2, 3, 4), ones(3, 4, 5)), IAE, "matmul", "batch",
                        "[2, 3, 4]", "[3, 4, 5]"),
                bad("Backend", "matmul null", () -> B.matmul(x, null), NPE, "matmul"),
                bad("Backend", "linear weight rank", () -> B.linear(x, ones(3), null), IAE, "linear", "weight", "[3]"),
                bad("Backend", "linear features", () -> B.linear(x, ones(4, 2), null), IAE, "linear", "[2, 3]", "[4, 2]"),
                bad("Backend", "linear bias", () -> B.linear(x, ones(4, 3), ones(3)), IAE, "linear", "bias", "[4]", "[3]"),
                bad("Backend", "linear null weight", () -> B.linear(x, null, null), NPE, "linear"),
                bad("Backend", "assign shapes", () -> B.assign(ones(2, 3), ones(3, 2)), IAE, "assign", "[2, 3]", "[3, 2]"),
                bad("Backend", "assign null", () -> B.assign(ones(2), null), NPE, "assign"),
                bad("Backend", "scaleInPlace NaN", () -> B.scaleInPlace(ones(2), Float.NaN), IAE, "scaleInPlace", "NaN"),
                bad("Backend", "scaleInPlace null", () -> B.scaleInPlace(null, 2f), NPE, "scaleInPlace"),
                bad("Backend", "sgdStep NaN lr",
                        () -> B.sgdStep(ones(2), ones(2), null, true, Float.NaN, 0f, 0f, false, 0f), IAE, "sgd", "lr", "NaN"),
                bad("Backend", "sgdStep infinite weight decay",
                        () -> B.sgdStep(ones(2), ones(2), null, true, 0.1f, 0f, 0f, false, Float.POSITIVE_INFINITY), IAE,
                        "sgd", "weight decay", "Infinity"),
                bad("Backend", "sgdStep shapes", () -> B.sgdStep(ones(2), ones(3), null, true, 0.1f, 0f, 0f, false, 0f), IAE,
                        "sgd", "[2]", "[3]"),
                bad("Backend", "sgdStep missing buffer",
                        () -> B.sgdStep(ones(2), ones(2), null, true, 0.1f, 0.9f, 0f, false, 0f), NPE, "sgd", "buffer"),
                bad("Backend", "sgdStep null param",
                        () -> B.sgdStep(null, ones(2), null, true, 0.1f, 0f, 0f, false, 0f), NPE, "sgd"),
                bad("Backend", "adamStep step 0",
                        () -> B.adamStep(ones(2), ones(2), ones(2), ones(2), null, 0, 0.1f, 0.9f, 0.999f, 1e-8f, 0f, false),
                        IAE, "adam", "step", "0"),
                bad("Backend", "adamStep NaN eps",
                        () -> B.adamStep(ones(2), ones(2), ones(2), ones(2), null, 1, 0.1f, 0.9f, 0.999f, Float.NaN, 0f, false),
                        IAE, "adam", "eps", "NaN"),
                bad("Backend", "adamStep NaN lr",
                        () -> B.adamStep(ones(2), ones(2), ones(2), ones(2), null, 1, Float.NaN, 0.9f, 0.999f, 1e-8f, 0f, true),
                        IAE, "adam", "lr", "NaN"),
                bad("Backend", "adamStep moment shape",
                        () -> B.adamStep(ones(2), ones(2), ones(3), ones(2), null, 1, 0.1f, 0.9f, 0.999f, 1e-8f, 0f, false),
                        IAE, "adam", "[2]", "[3]"),
                bad("Backend", "adamStep null moment",
                        () -> B.adamStep(ones(2), ones(2), null, ones(2), null, 1, 0.1f, 0.9f, 0.999f, 1e-8f, 0f, false),
                        NPE, "adam"));
    }

    static Stream<Arguments> autogradCases() {
        Tensor w = v(2, 3);
        return Stream.of(
                bad("Tensor", "var null name", () -> Tensor.var(null, ones(1)), NPE, "Tensor.var", "name"),
                bad("Tensor", "var null value", () -> Tensor.var("w", null), NPE, "Tensor.var", "value"),
                bad("Tensor", "constant null", () -> Tensor.constant((NDArray) null), NPE, "Tensor.constant"),
                bad("Tensor", "record null op", () -> Tensor.record(null, ones(1), (i, g) -> g, w), NPE, "Tensor.record", "op"),
                bad("Tensor", "record null rule", () -> Tensor.record("custom", ones(1), null, w), NPE, "Tensor.record", "rule"),
                bad("Tensor", "record null input", () -> Tensor.record("custom", ones(1), (i, g) -> g, w, null), NPE,
                        "Tensor.record", "input 1", "custom"),
                bad("Tensor", "record null inputs", () -> Tensor.record("custom", ones(1), (i, g) -> g, (Tensor[]) null),
                        NPE, "Tensor.record", "inputs"),
                bad("Tensor", "add null", () -> w.add(null), NPE, "add", "null"),
                bad("Tensor", "sub null", () -> w.sub(null), NPE, "sub", "null"),
                bad("Tensor", "mul null", () -> w.mul((Tensor) null), NPE, "mul", "null"),
                bad("Tensor", "div null", () -> w.div(null), NPE, "div", "null"),
                bad("Tensor", "maximum null", () -> w.maximum(null), NPE, "maximum", "null"),
                bad("Tensor", "matmul null", () -> w.matmul(null), NPE, "matmul", "null"),
                bad("Tensor", "linear null weight", () -> w.linear(null, null), NPE, "linear", "weight"),
                bad("Tensor", "reshape null", () -> w.reshape((int[]) null), NPE, "reshape", "null"),
                bad("Tensor", "add shapes", () -> w.add(v(3, 2)), IAE, "add", "[2, 3]", "[3, 2]"),
                bad("Tensor", "div shapes", () -> w.div(v(4)), IAE, "div", "[2, 3]", "[4]"),
                bad("Tensor", "pow NaN", () -> w.pow(Float.NaN), IAE, "pow", "NaN"),
                bad("Tensor", "pow infinite", () -> w.pow(Float.POSITIVE_INFINITY), IAE, "pow", "Infinity"),
                bad("Tensor", "matmul inner", () -> w.matmul(v(2, 3)), IAE, "matmul", "[2, 3] @ [2, 3]"),
                bad("Tensor", "matmul rank 4", () -> v(1, 1, 2, 3).matmul(v(3, 2)), IAE, "matmul", "[1, 1, 2, 3]"),
                bad("Tensor", "linear features", () -> w.linear(v(4, 2), null), IAE, "linear", "[2, 3]", "[4, 2]"),
                bad("Tensor", "linear bias", () -> w.linear(v(4, 3), v(2)), IAE, "linear", "bias", "[2]"),
                bad("Tensor", "transpose axis", () -> w.transpose(0, 2), IAE, "transpose", "axis 2", "[2, 3]"),
                bad("Tensor", "transpose scalar", () -> v().transpose(0, 1), IAE, "transpose", "[]"),
                bad("Tensor", "reshape count", () -> w.reshape(5), IAE, "reshape", "[2, 3]", "[5]"),
                bad("Tensor", "reshape negative", () -> w.reshape(-3, -2), IAE, "reshape", "negative"),
                bad("Tensor", "sum axis", () -> w.sum(new int[] {3}, false), IAE, "sum", "axis 3", "[2, 3]"),
                bad("Tensor", "mean repeated axis", () -> w.mean(new int[] {0, 0}, true), IAE, "mean", "repeated"),
                bad("Tensor", "max empty", () -> v(0, 4).max(new int[] {0}, false), IAE, "max", "empty", "[0, 4]"),
                bad("Tensor", "softmax axis", () -> w.softmax(-3), IAE, "softmax", "axis -3", "[2, 3]"),
                bad("Tensor", "logSoftmax axis", () -> w.logSoftmax(2), IAE, "logSoftmax", "axis 2"),
                bad("Tensor", "item of many", () -> w.item(), IAE, "item", "[2, 3]"),
                bad("Tensor", "backward of non-scalar", () -> w.exp().backward(), IAE, "backward", "[2, 3]"),
                bad("Tensor", "backward null upstream", () -> w.exp().backward(null), NPE, "backward", "upstream"),
                bad("Tensor", "backward upstream shape", () -> w.exp().backward(ones(3, 2)), IAE, "backward", "[3, 2]", "[2, 3]"),
                bad("Tensor", "backward of constant", () -> Tensor.constant(ones(2)).sum().backward(), IAE, "backward",
                        "depends on no variable"),
                bad("Tensor", "backward of a custom rule with a wrong-shaped gradient",
                        () -> Tensor.record("custom", NDArray.scalar(0f), (i, g) -> ones(5), w).backward(), IAE,
                        "backward", "custom", "[5]", "[2, 3]"),
                bad("Tensor", "backward of a custom rule returning null",
                        () -> Tensor.record("custom", NDArray.scalar(0f), (i, g) -> null, w).backward(), IAE,
                        "backward", "custom", "null"),

                bad("Gradients", "wrt null", () -> w.sum().backward().wrt(null), NPE, "gradients", "null"),
                bad("Gradients", "find null", () -> w.sum().backward().find(null), NPE, "gradients", "null"),
                bad("Gradients", "wrt unrelated variable", () -> w.sum().backward().wrt(Tensor.var("u", ones(4))), IAE,
                        "gradients", "'u'", "[4]"),
                bad("Gradients", "scale NaN", () -> w.sum().backward().scale(Float.NaN), IAE, "gradients.scale", "NaN"),
                bad("Gradients", "scale infinite", () -> w.sum().backward().scale(Float.NEGATIVE_INFINITY), IAE,
                        "gradients.scale", "-Infinity"),

                bad("GradCheck", "non-positive step", () -> new GradCheck.Options(0, 1e-3, 1e-3, 1), IAE, "gradcheck", "step"),
                bad("GradCheck", "NaN tolerance", () -> new GradCheck.Options(1e-2, Double.NaN, 1e-3, 1), IAE,
                        "gradcheck", "tolerance"));
    }

    static Stream<Arguments> nnCases() {
        Linear layer = new Linear(3, 2, random());
        Map<String, NDArray> wrongShape = new LinkedHashMap<>();
        wrongShape.put("weight", ones(3, 2));
        wrongShape.put("bias", ones(2));
        return Stream.of(
                bad("Linear", "zero inputs", () -> new Linear(0, 3, random()), IAE, "Linear", "in=0", "out=3"),
                bad("Linear", "negative outputs", () -> new Linear(3, -1, random()), IAE, "Linear", "in=3", "out=-1"),
                bad("Linear", "zero outputs without bias", () -> new Linear(3, 0, false, random()), IAE, "Linear", "out=0"),
                bad("Linear", "null random", () -> new Linear(3, 2, null), NPE, "Linear", "random"),
                bad("Linear", "null init", () -> new Linear(3, 2, (Init) null, random()), NPE, "Linear", "init"),
                bad("Linear", "forward null", () -> layer.forward(null), NPE, "Linear", "null"),
                bad("Linear", "forward wrong features", () -> layer.forward(v(4, 5)), IAE, "Linear", "[4, 5]", "[2, 3]"),
                bad("Linear", "forward scalar", () -> layer.forward(v()), IAE, "Linear", "[]"),
                bad("Linear", "loadStateDict null", () -> layer.loadStateDict(null), NPE, "loadStateDict", "null"),
                bad("Linear", "loadStateDict wrong shape", () -> layer.loadStateDict(wrongShape), IAE, "loadStateDict",
                        "Linear", "weight [3, 2] (expected [2, 3])"),
                bad("Linear", "loadStateDict missing", () -> layer.loadStateDict(Map.of("weight", ones(2, 3))), IAE,
                        "loadStateDict", "missing [bias]"),
                bad("Sequential", "null modules", () -> new Sequential((dev.grad4j.nn.Module[]) null), NPE, "Sequential"),
                bad("Sequential", "null module", () -> new Sequential(new ReLU(), null), NPE, "Sequential", "module 1"),
                bad("Sequential", "forward null", () -> new Sequential(new ReLU()).forward(null), NPE, "Sequential", "null"),
                bad("Sequential", "forward wrong features", () -> new Sequential(layer, new ReLU()).forward(v(1, 4)), IAE,
                        "Linear", "[1, 4]"),
                bad("Sequential", "get out of range", () -> new Sequential(new ReLU()).get(3), IndexOutOfBoundsException.class,
                        "Sequential.get", "index 3", "1 modules"),
                bad("Sequential", "unexpected state", () -> new Sequential(layer).loadStateDict(Map.of("9.weight", ones(1))),
                        IAE, "loadStateDict", "unexpected [9.weight]"),
                bad("ReLU", "forward null", () -> new ReLU().forward(null), NPE, "ReLU", "null"),
                bad("Sigmoid", "forward null", () -> new Sigmoid().forward(null), NPE, "Sigmoid", "null"),
                bad("Tanh", "forward null", () -> new Tanh().forward(null), NPE, "Tanh", "null"),
                bad("Softmax", "forward null", () -> new Softmax(1).forward(null), NPE, "Softmax", "null"),
                bad("Softmax", "axis out of range", () -> new Softmax(2).forward(v(2, 3)), IAE, "softmax", "axis 2", "[2, 3]"),
                bad("LogSoftmax", "forward null", () -> new LogSoftmax(1).forward(null), NPE, "LogSoftmax", "null"),
                bad("LogSoftmax", "axis out of range", () -> new LogSoftmax(-3).forward(v(2, 3)), IAE, "logSoftmax", "axis -3"),
                bad("Init", "zero fan-in", () -> Init.kaimingUniform().weight(0, 2, random()), IAE, "Init.kaimingUniform", "in=0"),
                bad("Init", "negative fan-out", () -> Init.xavierNormal().bias(2, -1, random()), IAE, "Init.xavierNormal", "out=-1"),
                bad("Init", "null random", () -> Init.torchDefault().weight(2, 2, null), NPE, "Init", "random"),
                bad("Losses", "mse null", () -> Losses.mse(null, v(2)), NPE, "mse", "null"),
                bad("Losses", "mse shapes", () -> Losses.mse(v(2), v(3)), IAE, "mse", "[2]", "[3]"),
                bad("Losses", "mse broadcastable shapes", () -> Losses.mse(v(2, 1), v(2)), IAE, "mse", "[2, 1]", "[2]"),
                bad("Losses", "mse empty", () -> Losses.mse(v(0), v(0)), IAE, "mse", "empty", "[0]"),
                bad("Losses", "bce shapes", () -> Losses.binaryCrossEntropyWithLogits(v(2), v(2, 1)), IAE,
                        "binaryCrossEntropyWithLogits", "[2]", "[2, 1]"),
                bad("Losses", "bce null target", () -> Losses.binaryCrossEntropyWithLogits(v(2), null), NPE,
                        "binaryCrossEntropyWithLogits", "null"),
                bad("Losses", "softCrossEntropy rank", () -> Losses.softCrossEntropy(v(3), v(3)), IAE, "softCrossEntropy", "[3]"),
                bad("Losses", "softCrossEntropy shapes", () -> Losses.softCrossEntropy(v(2, 3), v(2, 4)), IAE,
                        "softCrossEntropy", "[2, 3]", "[2, 4]"),
                bad("Losses", "crossEntropy label too large", () -> Losses.crossEntropy(v(2, 3), new int[] {0, 3}), IAE,
                        "crossEntropy", "label 3", "index 1", "[0, 3)"),
                bad("Losses", "crossEntropy negative label", () -> Losses.crossEntropy(v(2, 3), new int[] {-1, 0}), IAE,
                        "crossEntropy", "label -1", "index 0"),
                bad("Losses", "crossEntropy label count", () -> Losses.crossEntropy(v(2, 3), new int[] {0, 1, 2}), IAE,
                        "crossEntropy", "3 labels", "[2, 3]"),
                bad("Losses", "crossEntropy rank", () -> Losses.crossEntropy(v(2, 3, 4), new int[] {0, 1}), IAE,
                        "crossEntropy", "[2, 3, 4]"),
                bad("Losses", "crossEntropy no classes", () -> Losses.crossEntropy(v(2, 0), new int[] {0, 0}), IAE,
                        "crossEntropy", "[2, 0]"),
                bad("Losses", "crossEntropy null labels", () -> Losses.crossEntropy(v(2, 3), (int[]) null), NPE, "crossEntropy", "labels"),
                bad("Losses", "crossEntropy null logits", () -> Losses.crossEntropy(null, new int[] {0}), NPE,
                        "crossEntropy", "logits"));
    }

    static Stream<Arguments> optimCases() {
        List<Tensor> ps = params();
        Tensor constant = Tensor.constant(ones(2));
        List<Tensor> withNull = new ArrayList<>(ps);
        withNull.add(null);
        Map<String, NDArray> nanLr = new HashMap<>();
        nanLr.put("lr", NDArray.scalar(Float.NaN));
        return Stream.of(
                bad("SGD", "NaN lr", () -> new SGD(ps, Float.NaN), IAE, "SGD", "lr", "NaN"),
                bad("SGD", "negative lr", () -> new SGD(ps, -0.1f), IAE, "SGD", "lr", "-0.1"),
                bad("SGD", "infinite lr", () -> new SGD(ps, Float.POSITIVE_INFINITY), IAE, "SGD", "lr", "Infinity"),
                bad("SGD", "null parameters", () -> new SGD(null, 0.1f), NPE, "SGD", "parameters"),
                bad("SGD", "empty parameters", () -> new SGD(List.of(), 0.1f), IAE, "SGD", "empty"),
                bad("SGD", "null parameter", () -> new SGD(withNull, 0.1f), NPE, "SGD", "parameter 2"),
                bad("SGD", "constant parameter", () -> new SGD(List.of(constant), 0.1f), IAE, "SGD", "parameter 0",
                        "not a variable"),
                bad("SGD", "duplicate parameter", () -> new SGD(List.of(ps.get(0), ps.get(0)), 0.1f), IAE, "SGD",
                        "parameter 1 is parameter 0"),
                bad("SGD", "null config", () -> new SGD(ps, (SGD.Config) null), NPE, "SGD", "config"),
                bad("SGD", "NaN momentum", () -> SGD.Config.builder(0.1f).momentum(Float.NaN).build(), IAE, "SGD", "momentum", "NaN"),
                bad("SGD", "negative dampening", () -> SGD.Config.builder(0.1f).dampening(-1f).build(), IAE, "SGD",
                        "dampening", "-1.0"),
                bad("SGD", "NaN weight decay", () -> SGD.Config.builder(0.1f).weightDecay(Float.NaN).build(), IAE, "SGD",
                        "weight decay", "NaN"),
                bad("SGD", "nesterov without momentum", () -> SGD.Config.builder(0.1f).nesterov(true).build(), IAE, "SGD",
                        "nesterov", "momentum 0.0"),
                bad("SGD", "setLearningRate NaN", () -> new SGD(ps, 0.1f).setLearningRate(Float.NaN), IAE, "SGD", "lr", "NaN"),
                bad("SGD", "step null", () -> new SGD(ps, 0.1f).step(null), NPE, "SGD.step", "null"),
                bad("SGD", "loadStateDict null", () -> new SGD(ps, 0.1f).loadStateDict(null), NPE, "SGD.loadStateDict"),
                bad("SGD", "loadStateDict NaN lr", () -> new SGD(ps, 0.1f).loadStateDict(nanLr), IAE, "SGD.loadStateDict",
                        "lr", "NaN"),
                bad("SGD", "loadStateDict unexpected", () -> new SGD(ps, 0.1f).loadStateDict(
                        Map.of("lr", NDArray.scalar(0.1f), "7.momentum_buffer", ones(2))), IAE, "SGD.loadStateDict",
                        "unexpected 7.momentum_buffer"),
                bad("Momentum", "zero momentum", () -> new Momentum(ps, 0.1f, 0f), IAE, "Momentum", "momentum", "0.0"),
                bad("Momentum", "NaN momentum", () -> new Momentum(ps, 0.1f, Float.NaN), IAE, "Momentum", "NaN"),
                bad("Momentum", "NaN lr", () -> new Momentum(ps, Float.NaN, 0.9f), IAE, "lr", "NaN"),
                bad("Adam", "NaN lr", () -> new Adam(ps, Float.NaN), IAE, "Adam", "lr", "NaN"),
                bad("Adam", "null config", () -> new Adam(ps, (Adam.Config) null), NPE, "Adam", "config"),
                bad("Adam", "beta1 of 1", () -> Adam.Config.builder().betas(1f, 0.999f).build(), IAE, "Adam", "beta1", "1.0"),
                bad("Adam", "NaN beta2", () -> Adam.Config.builder().betas(0.9f, Float.NaN).build(), IAE, "Adam", "beta2", "NaN"),
                bad("Adam", "negative beta1", () -> Adam.Config.builder().betas(-0.1f, 0.9f).build(), IAE, "Adam", "beta1"),
                bad("Adam", "NaN eps", () -> Adam.Config.builder().eps(Float.NaN).build(), IAE, "Adam", "eps", "NaN"),
                bad("Adam", "infinite weight decay", () -> Adam.Config.builder().weightDecay(Float.POSITIVE_INFINITY).build(),
                        IAE, "Adam", "weight decay", "Infinity"),
                bad("Adam", "loadStateDict bad step", () -> adamWithState().loadStateDict(badStep(adamWithState())), IAE,
                        "Adam.loadStateDict", "0.step", "1.5"),
                bad("AdamW", "NaN lr", () -> new AdamW(ps, Float.NaN), IAE, "lr", "NaN"),
                bad("AdamW", "null config", () -> new AdamW(ps, (Adam.Config) null), NPE, "AdamW", "config"),
                bad("StepLR", "zero step size", () -> new StepLR(new SGD(ps, 0.1f), 0, 0.1f), IAE, "StepLR", "stepSize", "0"),
                bad("StepLR", "NaN gamma", () -> new StepLR(new SGD(ps, 0.1f), 1, Float.NaN), IAE, "StepLR", "gamma", "NaN"),
                bad("StepLR", "null optimizer", () -> new StepLR(null, 1, 0.1f), NPE, "LrScheduler", "optimizer"),
                bad("CosineAnnealingLR", "zero tMax", () -> new CosineAnnealingLR(new SGD(ps, 0.1f), 0, 0f), IAE,
                        "CosineAnnealingLR", "tMax", "0"),
                bad("CosineAnnealingLR", "NaN etaMin", () -> new CosineAnnealingLR(new SGD(ps, 0.1f), 10, Float.NaN), IAE,
                        "CosineAnnealingLR", "etaMin", "NaN"),
                bad("LinearWarmup", "zero start factor", () -> new LinearWarmup(new SGD(ps, 0.1f), 0f, 10), IAE,
                        "LinearWarmup", "startFactor", "0.0"),
                bad("LinearWarmup", "NaN start factor", () -> new LinearWarmup(new SGD(ps, 0.1f), Float.NaN, 10), IAE,
                        "LinearWarmup", "NaN"),
                bad("LinearWarmup", "zero warmup", () -> new LinearWarmup(new SGD(ps, 0.1f), 0), IAE, "LinearWarmup",
                        "warmupSteps", "0"),
                bad("GradientClipping", "null gradients", () -> GradientClipping.clipNorm(null, 1f), NPE, "clipNorm"),
                bad("GradientClipping", "NaN max norm", () -> GradientClipping.clipNorm(v(2).sum().backward(), Float.NaN), IAE,
                        "clipNorm", "maxNorm", "NaN"),
                bad("GradientClipping", "negative max norm", () -> GradientClipping.clipNorm(v(2).sum().backward(), -1f), IAE,
                        "clipNorm", "maxNorm", "-1.0"));
    }

    private static Adam adamWithState() {
        List<Tensor> ps = params();
        Adam adam = new Adam(ps, 0.1f);
        Tensor loss = ps.get(0).sum().add(ps.get(1).sum());
        adam.step(loss.backward());
        return adam;
    }

    private static Map<String, NDArray> badStep(Optimizer optimizer) {
        Map<String, NDArray> state = new LinkedHashMap<>(optimizer.stateDict());
        state.put("0.step", NDArray.scalar(1.5f));
        return state;
    }

    static Stream<Arguments> dataCases() {
        NDArray x = ones(2, 3);
        return Stream.of(
                bad("TensorDataset", "null features", () -> new TensorDataset(null, new int[] {0}), NPE, "TensorDataset", "features"),
                bad("TensorDataset", "null labels", () -> new TensorDataset(x, (int[]) null), NPE, "TensorDataset", "labels"),
                bad("TensorDataset", "null targets", () -> new TensorDataset(x, (NDArray) null), NPE, "TensorDataset", "targets"),
                bad("TensorDataset", "label count", () -> new TensorDataset(x, new int[] {0}), IAE, "TensorDataset", "2 examples",
                        "1"),
                bad("TensorDataset", "negative label", () -> new TensorDataset(x, new int[] {0, -4}), IAE, "TensorDataset",
                        "label 1", "-4"),
                bad("TensorDataset", "scalar features", () -> new TensorDataset(NDArray.scalar(1f), new int[] {0}), IAE,
                        "TensorDataset", "[]"),
                bad("TensorDataset", "target count", () -> new TensorDataset(x, ones(3, 1)), IAE, "TensorDataset", "[2, 3]", "[3, 1]"),
                bad("TensorDataset", "batch null", () -> dataset().batch(null), NPE, "TensorDataset.batch"),
                bad("TensorDataset", "batch index too large", () -> dataset().batch(new int[] {0, 2}), IAE,
                        "TensorDataset.batch", "index 2", "2 examples"),
                bad("TensorDataset", "batch negative index", () -> new TensorDataset(x, ones(2, 1)).batch(new int[] {-1}), IAE,
                        "TensorDataset.batch", "index -1"),
                bad("Batch", "null features", () -> new Batch(null, new int[] {0}), NPE, "Batch", "features"),
                bad("Batch", "null labels", () -> new Batch(x, (int[]) null), NPE, "Batch", "labels"),
                bad("Batch", "label count", () -> new Batch(x, new int[] {0, 1, 2}), IAE, "Batch", "2 examples", "3"),
                bad("Batch", "target count", () -> new Batch(x, ones(5)), IAE, "Batch", "[2, 3]", "[5]"),
                bad("Batch", "scalar features", () -> new Batch(NDArray.scalar(1f), new int[0]), IAE, "Batch", "[]"),
                bad("DataLoader", "batch size 0", () -> new DataLoader(dataset(), 0), IAE, "DataLoader", "batch size", "0"),
                bad("DataLoader", "negative batch size", () -> DataLoader.builder(dataset(), -3), IAE, "DataLoader", "-3"),
                bad("DataLoader", "null dataset", () -> new DataLoader(null, 4), NPE, "DataLoader", "dataset"),
                bad("DataLoader", "null random", () -> DataLoader.builder(dataset(), 1).shuffle(null), NPE, "DataLoader", "random"),
                bad("DataLoader", "restore null", () -> new DataLoader(dataset(), 1).restore(null), NPE, "DataLoader.restore"),
                bad("DataLoader", "restore beyond the epoch", () -> new DataLoader(dataset(), 1).restore(new DataLoader.State(0, 1, 3)),
                        IAE, "DataLoader.restore", "batch 3", "2 batches"),
                bad("DataLoader", "next after the epoch", () -> {
                    Iterator<Batch> it = new DataLoader(dataset(), 2).iterator();
                    it.next();
                    it.next();
                }, NoSuchElementException.class, "DataLoader", "epoch finished"),
                bad("DataLoader.State", "negative epoch", () -> new DataLoader.State(0, -1, 0), IAE, "DataLoader.State", "epoch -1"),
                bad("DataLoader.State", "batch before any epoch", () -> new DataLoader.State(0, 0, 1), IAE, "DataLoader.State",
                        "nextBatch 1"),
                bad("IdxReader", "null images file", () -> IdxReader.readImages(null), NPE, "IdxReader.readImages"),
                bad("IdxReader", "null labels file", () -> IdxReader.readLabels(null), NPE, "IdxReader.readLabels"),
                bad("Mnist", "null directory", () -> Mnist.load(null), NPE, "Mnist.load"),
                bad("Mnist", "null train", () -> new Mnist(null, dataset()), NPE, "Mnist", "train"));
    }

    static Stream<Arguments> ioAndTrainCases() {
        Path file = Path.of("unused.safetensors");
        Map<String, NDArray> nullValue = new HashMap<>();
        nullValue.put("w", null);
        Map<String, String> nullMeta = new HashMap<>();
        nullMeta.put("k", null);
        Linear model = new Linear(2, 2, random());
        SGD sgd = new SGD(model.parameters(), 0.1f);
        DataLoader.State position = new DataLoader.State(0, 0, 0);
        return Stream.of(
                bad("SafeTensors", "save null file", () -> SafeTensors.save(null, Map.of()), NPE, "SafeTensors.save", "file"),
                bad("SafeTensors", "save null tensors", () -> SafeTensors.save(file, null), NPE, "SafeTensors.save", "tensors"),
                bad("SafeTensors", "save null metadata", () -> SafeTensors.save(file, Map.of(), null), NPE, "SafeTensors.save",
                        "metadata"),
                bad("SafeTensors", "save null value", () -> SafeTensors.save(file, nullValue), IAE, "SafeTensors.save", "null",
                        "w"),
                bad("SafeTensors", "save null metadata value", () -> SafeTensors.save(file, Map.of(), nullMeta), IAE,
                        "SafeTensors.save", "null metadata", "k"),
                bad("SafeTensors", "save reserved name", () -> SafeTensors.save(file, Map.of("__metadata__", ones(1))), IAE,
                        "SafeTensors.save", "__metadata__"),
                bad("SafeTensors", "load null", () -> SafeTensors.load(null), NPE, "SafeTensors.load"),
                bad("SafeTensors", "metadata null", () -> SafeTensors.metadata(null), NPE, "SafeTensors.metadata"),
                bad("Checkpoint", "save null file", () -> Checkpoint.save(null, model, sgd, position, Map.of()), NPE,
                        "Checkpoint.save", "file"),
                bad("Checkpoint", "save null model", () -> Checkpoint.save(file, null, sgd, position, Map.of()), NPE,
                        "Checkpoint.save", "model"),
                bad("Checkpoint", "save null optimizer", () -> Checkpoint.save(file, model, null, position, Map.of()), NPE,
                        "Checkpoint.save", "optimizer"),
                bad("Checkpoint", "save null loader state", () -> Checkpoint.save(file, model, sgd, null, Map.of()), NPE,
                        "Checkpoint", "loaderState"),
                bad("Checkpoint", "save null extra", () -> Checkpoint.save(file, model, sgd, position, null), NPE,
                        "Checkpoint", "extra"),
                bad("Checkpoint", "load null", () -> Checkpoint.load(null), NPE, "Checkpoint.load"),
                bad("Checkpoint", "restoreInto null model", () -> checkpoint(model, sgd).restoreInto(null, sgd), NPE,
                        "Checkpoint.restoreInto", "model"),
                bad("Checkpoint", "restoreInto another optimizer kind",
                        () -> checkpoint(model, sgd).restoreInto(model, new Adam(model.parameters(), 0.1f)), IAE,
                        "Checkpoint.restoreInto", "SGD", "Adam"),
                bad("Checkpoint", "restoreInto another model",
                        () -> checkpoint(model, sgd).restoreInto(new Linear(3, 2, random()), sgd), IAE,
                        "Checkpoint.restoreInto", "weight [2, 2] (expected [2, 3])"));
    }

    private static Checkpoint checkpoint(Linear model, SGD sgd) {
        return new Checkpoint(model.stateDict(), sgd.stateDict(), "SGD", new DataLoader.State(0, 0, 0), Map.of());
    }

    static Stream<Arguments> allCases() {
        return Stream.of(tensorCases(), autogradCases(), nnCases(), optimCases(), dataCases(), ioAndTrainCases())
                .flatMap(s -> s);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("allCases")
    void badInputFailsFastNamingTheOperationAndValues(String owner, String name, ThrowingCallable call,
                                                      Class<? extends Throwable> type, String[] fragments) {
        var thrown = assertThatThrownBy(call).as("%s: %s", owner, name).isExactlyInstanceOf(type);
        for (String f : fragments) {
            thrown.hasMessageContaining(f);
        }
    }

    @Test
    void everyPackageHasCases() {
        assertThat(tensorCases().count()).isGreaterThan(50);
        assertThat(autogradCases().count()).isGreaterThan(30);
        assertThat(nnCases().count()).isGreaterThan(30);
        assertThat(optimCases().count()).isGreaterThan(30);
        assertThat(dataCases().count()).isGreaterThan(20);
        assertThat(ioAndTrainCases().count()).isGreaterThan(10);
    }

    // ---- a rejected call changes nothing ----------------------------------------------------

    @Test
    void rejectedInPlaceUpdatesLeaveTheirArraysUnchanged() {
        NDArray p = NDArray.of(new float[] {1, 2}, 2);
        NDArray m = NDArray.zeros(2);
        NDArray v = NDArray.zeros(2);
        assertThatThrownBy(() -> B.adamStep(p, ones(2), m, v, null, 1, Float.NaN, 0.9f, 0.999f, 1e-8f, 0f, false))
                .isInstanceOf(IAE);
        assertThatThrownBy(() -> B.adamStep(p, ones(2), m, ones(3), null, 1, 0.1f, 0.9f, 0.999f, 1e-8f, 0f, false))
                .isInstanceOf(IAE);
        NDArray buffer = NDArray.zeros(2);
        assertThatThrownBy(() -> B.sgdStep(p, ones(2), buffer, true, 0.1f, 0.9f, 0f, false, Float.NaN))
                .isInstanceOf(IAE);
        assertThatThrownBy(() -> B.scaleInPlace(p, Float.POSITIVE_INFINITY)).isInstanceOf(IAE);
        assertThat(p.toArray()).containsExactly(1f, 2f);
        assertThat(m.toArray()).containsExactly(0f, 0f);
        assertThat(v.toArray()).containsExactly(0f, 0f);
        assertThat(buffer.toArray()).containsExactly(0f, 0f);
    }

    @Test
    void rejectedStateDictLeavesTheModelUnchanged() {
        Sequential model = new Sequential(new Linear(2, 3, random()), new ReLU(), new Linear(3, 1, random()));
        Map<String, NDArray> before = model.stateDict();
        Map<String, NDArray> state = new LinkedHashMap<>();
        state.put("0.weight", NDArray.full(9f, 3, 2));
        state.put("0.bias", NDArray.full(9f, 3));
        state.put("2.weight", NDArray.full(9f, 1, 3));
        state.put("2.bias", NDArray.full(9f, 2)); // the last entry is wrong: nothing may be loaded
        assertThatThrownBy(() -> model.loadStateDict(state)).isInstanceOf(IAE).hasMessageContaining("2.bias [2]");
        assertSameState(model.stateDict(), before);
    }

    @Test
    void rejectedCheckpointRestoreLeavesModelAndOptimizerUnchanged() {
        Linear model = new Linear(2, 2, random());
        Adam adam = new Adam(model.parameters(), 0.1f);
        adam.step(model.forward(v(1, 2)).sum().backward());
        Map<String, NDArray> modelBefore = model.stateDict();
        Map<String, NDArray> optimBefore = adam.stateDict();
        Map<String, NDArray> otherModel = new Linear(2, 2, new SplittableRandom(99)).stateDict();
        Map<String, NDArray> badOptim = badStep(adam);
        Checkpoint checkpoint = new Checkpoint(otherModel, badOptim, "Adam", new DataLoader.State(0, 0, 0), Map.of());
        assertThatThrownBy(() -> checkpoint.restoreInto(model, adam)).isInstanceOf(IAE)
                .hasMessageContaining("Checkpoint.restoreInto").hasMessageContaining("0.step");
        assertSameState(model.stateDict(), modelBefore);
        assertSameState(adam.stateDict(), optimBefore);
    }

    @Test
    void rejectedHyperparametersLeaveTheOptimizerUnchanged() {
        List<Tensor> ps = params();
        SGD sgd = new SGD(ps, 0.1f);
        assertThatThrownBy(() -> sgd.setLearningRate(Float.NaN)).isInstanceOf(IAE);
        assertThatThrownBy(() -> sgd.setLearningRate(-1f)).isInstanceOf(IAE);
        assertThat(sgd.learningRate()).isEqualTo(0.1f);
        assertThatThrownBy(() -> new StepLR(sgd, 0, 0.5f)).isInstanceOf(IAE);
        assertThat(sgd.learningRate()).isEqualTo(0.1f);
    }

    @Test
    void aBackwardRuleWithAWrongShapedGradientFailsBeforeAnyParameterIsUpdated() {
        Tensor a = Tensor.var("a", NDArray.of(new float[] {1, 2}, 2));
        Tensor b = Tensor.var("b", NDArray.of(new float[] {3, 4, 5}, 3));
        SGD sgd = new SGD(List.of(a, b), 0.1f);
        Tensor loss = Tensor.record("custom", NDArray.scalar(0f), (i, g) -> i == 0 ? ones(2) : ones(2), a, b);
        assertThatThrownBy(() -> sgd.step(loss.backward())).isInstanceOf(IAE)
                .hasMessageContaining("custom").hasMessageContaining("[2]").hasMessageContaining("[3]");
        assertThat(a.value().toArray()).containsExactly(1f, 2f);
        assertThat(b.value().toArray()).containsExactly(3f, 4f, 5f);
    }

    @Test
    void invalidInputsNeverProduceNaNSilently() {
        // Every NaN hyperparameter that reaches a constructor or setter is rejected; a NaN learning
        // rate can therefore never reach a parameter.
        List<Tensor> ps = params();
        float[] bad = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -1f};
        for (float x : bad) {
            assertThatThrownBy(() -> new SGD(ps, x)).as("SGD lr %s", x).isInstanceOf(IAE);
            assertThatThrownBy(() -> new Adam(ps, x)).as("Adam lr %s", x).isInstanceOf(IAE);
            assertThatThrownBy(() -> new AdamW(ps, x)).as("AdamW lr %s", x).isInstanceOf(IAE);
            assertThatThrownBy(() -> Adam.Config.builder().eps(x).build()).as("eps %s", x).isInstanceOf(IAE);
            assertThatThrownBy(() -> SGD.Config.builder(0.1f).momentum(x).build()).as("momentum %s", x).isInstanceOf(IAE);
            assertThatThrownBy(() -> GradientClipping.clipNorm(v(1).sum().backward(), x)).as("clip %s", x)
                    .isInstanceOf(IAE);
        }
        for (float x : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> v(2).pow(x)).isInstanceOf(IAE);
        }
    }

    @Test
    void mnistFromAnEmptyDirectoryNamesTheMissingFile(@TempDir Path dir) {
        assertThatThrownBy(() -> Mnist.load(dir)).isInstanceOf(IAE)
                .hasMessageContaining("Mnist.load: missing file").hasMessageContaining("train-images-idx3-ubyte");
    }

    @Test
    void checkpointLoadRejectsAPlainSafetensorsFile(@TempDir Path dir) {
        Path file = dir.resolve("plain.safetensors");
        SafeTensors.save(file, Map.of("w", ones(2)));
        assertThatThrownBy(() -> Checkpoint.load(file)).isInstanceOf(IAE)
                .hasMessageContaining("Checkpoint.load: not a grad4j checkpoint").hasMessageContaining(file.toString());
    }

    private static void assertSameState(Map<String, NDArray> actual, Map<String, NDArray> expected) {
        assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
        expected.forEach((k, e) -> assertThat(Arrays.equals(actual.get(k).toArray(), e.toArray())).as(k).isTrue());
    }
}
