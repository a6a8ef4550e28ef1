package dev.grad4j.nn;

import dev.grad4j.autograd.Autograd;
import dev.grad4j.autograd.Gradients;
import dev.grad4j.autograd.Tensor;
import dev.grad4j.tensor.NDArray;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Finite-difference checks of every loss's backward rule: central differences with step
 * {@code h = 1e-2}, the float32 loss values differenced in double, tolerance
 * {@code 2e-3 + 1e-2 |numeric|}.
 */
class LossGradientTest {

    private static final double H = 1e-2;
    private static final double ABS_TOL = 2e-3;
    private static final double REL_TOL = 1e-2;

    static Stream<Arguments> losses() {
        SplittableRandom r = new SplittableRandom(17);
        NDArray logits = NDArray.randn(r, 4, 3);
        NDArray probs = Tensor.constant(NDArray.randn(r, 4, 3)).softmax(1).value();
        NDArray unit = NDArray.rand(r, 4, 3);
        Function<List<Tensor>, Tensor> mse = x -> Losses.mse(x.get(0), x.get(1));
        Function<List<Tensor>, Tensor> bce = x -> Losses.binaryCrossEntropyWithLogits(x.get(0), x.get(1));
        Function<List<Tensor>, Tensor> soft = x -> Losses.softCrossEntropy(x.get(0), x.get(1));
        Function<List<Tensor>, Tensor> hard = x -> Losses.crossEntropy(x.get(0), new int[] {2, 0, 1, 2});
        return Stream.of(
                Arguments.of("mse", mse, List.of(NDArray.randn(r, 4, 3), NDArray.randn(r, 4, 3))),
                Arguments.of("binaryCrossEntropyWithLogits", bce, List.of(logits, unit)),
                Arguments.of("binaryCrossEntropyWithLogits large logits", bce,
                        List.of(Tensor.constant(logits).mul(8f).value(), unit)),
                Arguments.of("softCrossEntropy", soft, List.of(logits, probs)),
                Arguments.of("crossEntropy", hard, List.of(logits)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void backwardAgreesWithCentralDifferences(String name, Function<List<Tensor>, Tensor> loss, List<NDArray> inputs) {
        List<Tensor> vars = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            vars.add(Tensor.var("x" + i, inputs.get(i)));
        }
        Gradients grads = loss.apply(vars).backward();

        for (int i = 0; i < inputs.size(); i++) {
            float[] analytic = grads.wrt(vars.get(i)).toArray();
            for (int j = 0; j < analytic.length; j++) {
                double numeric = centralDifference(loss, inputs, i, j);
                assertThat(Math.abs(analytic[j] - numeric))
                        .as("%s: d/dx%d[%d]: analytic %s, numeric %s", name, i, j, analytic[j], numeric)
                        .isLessThanOrEqualTo(ABS_TOL + REL_TOL * Math.abs(numeric));
            }
        }
    }

    private static double centralDifference(Function<List<Tensor>, Tensor> loss, List<NDArray> inputs, int i, int j) {
        float x = inputs.get(i).toArray()[j];
        float plus = (float) (x + H);
        float minus = (float) (x - H);
        double up = evaluate(loss, inputs, i, j, plus);
        double down = evaluate(loss, inputs, i, j, minus);
        return (up - down) / ((double) plus - minus);
    }

    private static double evaluate(Function<List<Tensor>, Tensor> loss, List<NDArray> inputs, int i, int j, float v) {
        List<Tensor> xs = new ArrayList<>();
        for (int k = 0; k < inputs.size(); k++) {
            float[] data = inputs.get(k).toArray();
            if (k == i) {
                data[j] = v;
            }
            xs.add(Tensor.constant(NDArray.of(data, inputs.get(k).shape().toArray())));
        }
        try (var scope = Autograd.noGrad()) {
            return loss.apply(xs).item();
        }
    }
}
