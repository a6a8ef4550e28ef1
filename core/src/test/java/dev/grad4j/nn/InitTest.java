package dev.grad4j.nn;

import dev.grad4j.tensor.NDArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class InitTest {

    private static final int IN = 60;
    private static final int OUT = 500;

    /** Uniform initialisers: the bound b of U(-b, b) for the weight (fanIn 60, fanOut 500). */
    static Stream<Arguments> uniform() {
        return Stream.of(
                Arguments.of(Init.kaimingUniform(), Math.sqrt(6.0 / IN)),
                Arguments.of(Init.xavierUniform(), Math.sqrt(6.0 / (IN + OUT))),
                Arguments.of(Init.torchDefault(), 1 / Math.sqrt(IN)));
    }

    /** Normal initialisers: the standard deviation of the weight. */
    static Stream<Arguments> normal() {
        return Stream.of(
                Arguments.of(Init.kaimingNormal(), Math.sqrt(2.0 / IN)),
                Arguments.of(Init.xavierNormal(), Math.sqrt(2.0 / (IN + OUT))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("uniform")
    void uniformWeightsStayWithinTheBoundAndFillIt(Init init, double bound) {
        NDArray w = init.weight(IN, OUT, new SplittableRandom(3));

        assertThat(w.shape().toArray()).containsExactly(OUT, IN);
        double max = 0;
        double sum = 0;
        double sumSq = 0;
        for (float v : w.toArray()) {
            max = Math.max(max, Math.abs(v));
            sum += v;
            sumSq += (double) v * v;
        }
        int n = w.size();
        assertThat(max).isLessThanOrEqualTo(bound).isGreaterThan(0.99 * bound);
        assertThat(sum / n).isCloseTo(0, within(0.02 * bound));
        assertThat(sumSq / n).isCloseTo(bound * bound / 3, within(0.03 * bound * bound / 3));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("normal")
    void normalWeightsHaveTheirStandardDeviation(Init init, double std) {
        NDArray w = init.weight(IN, OUT, new SplittableRandom(3));

        double sum = 0;
        double sumSq = 0;
        for (float v : w.toArray()) {
            sum += v;
            sumSq += (double) v * v;
        }
        int n = w.size();
        assertThat(sum / n).isCloseTo(0, within(0.02 * std));
        assertThat(Math.sqrt(sumSq / n)).isCloseTo(std, within(0.02 * std));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("initialisers")
    void biasIsZeroExceptForTorchDefault(Init init) {
        NDArray b = init.bias(IN, OUT, new SplittableRandom(3));

        assertThat(b.shape().toArray()).containsExactly(OUT);
        if (init.toString().equals("torchDefault")) {
            float bound = (float) (1 / Math.sqrt(IN));
            float max = 0;
            for (float v : b.toArray()) {
                max = Math.max(max, Math.abs(v));
            }
            assertThat(max).isLessThanOrEqualTo(bound).isGreaterThan(0.95f * bound);
        } else {
            assertThat(b.toArray()).containsOnly(0f);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("initialisers")
    void theSameSeedGivesTheSameDraws(Init init) {
        assertThat(init.weight(4, 3, new SplittableRandom(11))).isEqualTo(init.weight(4, 3, new SplittableRandom(11)));
        assertThat(init.bias(4, 3, new SplittableRandom(11))).isEqualTo(init.bias(4, 3, new SplittableRandom(11)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("initialisers")
    void nonPositiveFansAreRejected(Init init) {
        assertThatThrownBy(() -> init.weight(0, 3, new SplittableRandom(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Init." + init)
                .hasMessageContaining("in=0");
        assertThatThrownBy(() -> init.bias(2, -1, new SplittableRandom(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("out=-1");
    }

    static Stream<Init> initialisers() {
        return Stream.of(Init.kaimingUniform(), Init.kaimingNormal(), Init.xavierUniform(), Init.xavierNormal(),
                Init.zeros(), Init.torchDefault());
    }

    @Test
    void zerosFillsWeightAndBiasWithZero() {
        assertThat(Init.zeros().weight(3, 2, new SplittableRandom(1))).isEqualTo(NDArray.zeros(2, 3));
        assertThat(Init.zeros().bias(3, 2, new SplittableRandom(1))).isEqualTo(NDArray.zeros(2));
    }
}
