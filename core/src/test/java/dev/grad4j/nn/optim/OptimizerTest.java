package dev.grad4j.nn.optim;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.nn.Linear;
import dev.grad4j.nn.Losses;
import dev.grad4j.nn.Module;
import dev.grad4j.nn.Sequential;
import dev.grad4j.nn.Tanh;
import dev.grad4j.tensor.Backend;
import dev.grad4j.tensor.NDArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Behaviour every optimizer shares: parameter handling, skipping, learning rate, state dicts. */
class OptimizerTest {

    /** Creates an optimizer over the given parameters. */
    interface Factory extends Function<List<Tensor>, Optimizer> {
    }

    static Stream<Arguments> optimizers() {
        return Stream.of(
                Arguments.of("SGD", (Factory) p -> new SGD(p, 0.1f)),
                Arguments.of("SGD momentum dampening", (Factory) p -> new SGD(p,
                        SGD.Config.builder(0.1f).momentum(0.8f).dampening(0.3f).weightDecay(0.01f).build())),
                Arguments.of("SGD nesterov", (Factory) p -> new SGD(p,
                        SGD.Config.builder(0.05f).momentum(0.9f).nesterov(true).build())),
                Arguments.of("Momentum", (Factory) p -> new Momentum(p, 0.05f, 0.9f)),
                Arguments.of("Adam", (Factory) p -> new Adam(p, 0.01f)),
                Arguments.of("Adam amsgrad weight decay", (Factory) p -> new Adam(p,
                        Adam.Config.builder().lr(0.01f).amsgrad(true).weightDecay(0.1f).build())),
                Arguments.of("AdamW", (Factory) p -> new AdamW(p, 0.01f)));
    }

    private static Module model(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        return new Sequential(new Linear(3, 4, r), new Tanh(), new Linear(4, 2, r));
    }

    /** One full-batch step on data fixed by {@code k}. */
    private static void trainStep(Module model, Optimizer optimizer, int k) {
        SplittableRandom r = new SplittableRandom(1000 + k);
        Tensor x = Tensor.constant(NDArray.randn(r, 5, 3));
        Tensor y = Tensor.constant(NDArray.randn(r, 5, 2));
        optimizer.step(Losses.mse(model.forward(x), y).backward());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void resumingFromStateDictsContinuesBitIdentically(String name, Factory factory) {
        Module a = model(1);
        Optimizer oa = factory.apply(a.parameters());
        for (int k = 0; k < 3; k++) {
            trainStep(a, oa, k);
        }
        Map<String, NDArray> modelState = a.stateDict();
        Map<String, NDArray> optimizerState = oa.stateDict();
        for (int k = 3; k < 7; k++) {
            trainStep(a, oa, k);
        }

        Module b = model(2);
        b.loadStateDict(modelState);
        Optimizer ob = factory.apply(b.parameters());
        ob.loadStateDict(optimizerState);
        for (int k = 3; k < 7; k++) {
            trainStep(b, ob, k);
        }

        assertThat(b.stateDict()).isEqualTo(a.stateDict());
        assertThat(ob.stateDict()).isEqualTo(oa.stateDict());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void aParameterWithoutGradientIsSkippedAndItsStateDoesNotAdvance(String name, Factory factory) {
        Tensor a = Tensor.var("a", NDArray.of(new float[] {1, 2}, 2));
        Tensor b = Tensor.var("b", NDArray.of(new float[] {3, -1, 0.5f}, 3));
        NDArray gb = NDArray.of(new float[] {0.3f, -2f, 1f}, 3);
        Optimizer optimizer = factory.apply(List.of(a, b));
        NDArray bBefore = b.value().copy();

        for (int k = 0; k < 3; k++) {
            optimizer.step(a.mul(a).sum().backward());
        }
        assertThat(b.value()).isEqualTo(bBefore);
        assertThat(optimizer.stateDict().keySet()).noneMatch(key -> key.startsWith("1."));

        optimizer.step(b.mul(Tensor.constant(gb)).sum().backward());
        Tensor fresh = Tensor.var("b", bBefore.copy());
        factory.apply(List.of(fresh)).step(fresh.mul(Tensor.constant(gb)).sum().backward());
        assertThat(b.value()).isEqualTo(fresh.value());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void stateDictsAreCopiesInBothDirections(String name, Factory factory) {
        Module m = model(3);
        Optimizer optimizer = factory.apply(m.parameters());
        trainStep(m, optimizer, 0);
        Map<String, NDArray> saved = optimizer.stateDict();
        Map<String, NDArray> snapshot = optimizer.stateDict();

        saved.values().forEach(v -> Backend.cpu().assign(v, NDArray.full(9f, v.shape().toArray())));
        assertThat(optimizer.stateDict()).isEqualTo(snapshot);

        optimizer.loadStateDict(snapshot);
        snapshot.values().forEach(v -> Backend.cpu().assign(v, NDArray.full(9f, v.shape().toArray())));
        assertThat(optimizer.stateDict()).isNotEqualTo(snapshot);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void loadingAFreshStateDictResetsTheState(String name, Factory factory) {
        Module m = model(4);
        Optimizer optimizer = factory.apply(m.parameters());
        Map<String, NDArray> fresh = optimizer.stateDict();
        trainStep(m, optimizer, 0);

        optimizer.loadStateDict(fresh);

        assertThat(optimizer.stateDict()).isEqualTo(fresh);
        assertThat(fresh.keySet()).containsExactly("lr");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void theLearningRateCanBeChangedAndIsSavedInTheStateDict(String name, Factory factory) {
        Module m = model(5);
        Optimizer optimizer = factory.apply(m.parameters());

        optimizer.setLearningRate(0.5f);
        assertThat(optimizer.learningRate()).isEqualTo(0.5f);
        Map<String, NDArray> state = optimizer.stateDict();
        assertThat(state.get("lr")).isEqualTo(NDArray.scalar(0.5f));

        optimizer.setLearningRate(0.25f);
        optimizer.loadStateDict(state);
        assertThat(optimizer.learningRate()).isEqualTo(0.5f);

        for (float bad : new float[] {-1f, Float.NaN, Float.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> optimizer.setLearningRate(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("lr")
                    .hasMessageContaining(String.valueOf(bad));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void invalidParameterListsAreRejected(String name, Factory factory) {
        Tensor w = Tensor.var("w", NDArray.ones(2));
        assertThatThrownBy(() -> factory.apply(List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty parameter list");
        assertThatThrownBy(() -> factory.apply(List.of(w, Tensor.constant(NDArray.ones(2)))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("parameter 1 is not a variable");
        assertThatThrownBy(() -> factory.apply(List.of(w, w.mul(2f))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("parameter 1 is not a variable");
        assertThatThrownBy(() -> factory.apply(List.of(w, Tensor.var("v", NDArray.ones(1)), w)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("parameter 2 is parameter 0 again");
        assertThatThrownBy(() -> factory.apply(null)).isInstanceOf(NullPointerException.class);
        List<Tensor> withNull = new ArrayList<>();
        withNull.add(null);
        assertThatThrownBy(() -> factory.apply(withNull)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> factory.apply(List.of(w)).step(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aBadStateDictIsRejectedWithEveryProblemAndChangesNothing() {
        Tensor a = Tensor.var("a", NDArray.of(new float[] {1, 2}, 2));
        Tensor b = Tensor.var("b", NDArray.of(new float[] {3, 4, 5}, 3));
        Adam optimizer = new Adam(List.of(a, b), Adam.Config.builder().amsgrad(true).build());
        optimizer.step(a.mul(b.sum()).sum().backward());
        Map<String, NDArray> before = optimizer.stateDict();
        Map<String, NDArray> bad = new LinkedHashMap<>(before);
        bad.remove("lr");
        bad.remove("0.exp_avg_sq");
        bad.put("0.exp_avg", NDArray.zeros(3));
        bad.put("0.momentum_buffer", NDArray.zeros(2));
        bad.put("2.step", NDArray.scalar(1f));
        bad.put("1.step", NDArray.scalar(2.5f));
        bad.put("junk", NDArray.scalar(0f));

        assertThatThrownBy(() -> optimizer.loadStateDict(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Adam.loadStateDict")
                .hasMessageContaining("missing lr")
                .hasMessageContaining("missing 0.exp_avg_sq")
                .hasMessageContaining("wrong shape 0.exp_avg [3] (expected [2])")
                .hasMessageContaining("unexpected 0.momentum_buffer")
                .hasMessageContaining("unexpected 2.step")
                .hasMessageContaining("unexpected junk")
                .hasMessageContaining("1.step must be a whole number in [1, 16777216]: 2.5");
        assertThat(optimizer.stateDict()).isEqualTo(before);
    }

    @ParameterizedTest(name = "step {0}")
    @ValueSource(floats = {0f, -1f, Float.NaN})
    void adamRejectsAStepCountBelowOne(float step) {
        Tensor a = Tensor.var("a", NDArray.ones(2));
        Adam optimizer = new Adam(List.of(a), 0.1f);
        optimizer.step(a.sum().backward());
        Map<String, NDArray> bad = new LinkedHashMap<>(optimizer.stateDict());
        bad.put("0.step", NDArray.scalar(step));

        assertThatThrownBy(() -> optimizer.loadStateDict(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0.step");
    }

    @Test
    void sgdWithoutMomentumHasNoBuffersToLoad() {
        Tensor a = Tensor.var("a", NDArray.ones(2));
        SGD optimizer = new SGD(List.of(a), 0.1f);
        optimizer.step(a.sum().backward());

        assertThat(optimizer.stateDict().keySet()).containsExactly("lr");
        assertThatThrownBy(() -> optimizer.loadStateDict(Map.of("lr", NDArray.scalar(0.1f),
                "0.momentum_buffer", NDArray.zeros(2))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unexpected 0.momentum_buffer");
    }
}
