package dev.grad4j.nn;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.tensor.Backend;
import dev.grad4j.tensor.NDArray;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModuleTest {

    private static Sequential nested() {
        SplittableRandom r = new SplittableRandom(1);
        Module inner = new Sequential(new Linear(3, 4, r), new Tanh(), new Linear(4, 4, false, r));
        return new Sequential(new Linear(2, 3, r), new ReLU(), inner, new Linear(4, 1, r));
    }

    @Test
    void namedParametersOfNestedSequentialsHavePyTorchNamesInOrder() {
        Module model = nested();

        assertThat(model.namedParameters().keySet()).containsExactly(
                "0.weight", "0.bias", "2.0.weight", "2.0.bias", "2.2.weight", "3.weight", "3.bias");
        assertThat(model.parameters()).containsExactlyElementsOf(model.namedParameters().values());
        assertThat(model.namedParameters().get("2.0.weight").shape().toArray()).containsExactly(4, 3);
    }

    @Test
    void aModuleUsedTwiceListsItsParametersOnce() {
        Linear shared = new Linear(3, 3, new SplittableRandom(2));
        Module model = new Sequential(shared, new ReLU(), shared);

        assertThat(model.namedParameters().keySet()).containsExactly("0.weight", "0.bias");
        assertThat(model.parameters()).containsExactly(shared.weight(), shared.bias().orElseThrow());
    }

    @Test
    void modulesWithoutParametersHaveAnEmptyStateDict() {
        Module square = x -> x.mul(x);

        assertThat(square.namedParameters()).isEmpty();
        assertThat(square.parameters()).isEmpty();
        assertThat(square.stateDict()).isEmpty();
        assertThat(new ReLU().stateDict()).isEmpty();
    }

    @Test
    void stateDictIsAnIndependentCopy() {
        Module model = nested();
        Map<String, NDArray> state = model.stateDict();
        NDArray before = state.get("0.weight").copy();
        Tensor weight = model.namedParameters().get("0.weight");

        Backend.cpu().scaleInPlace(weight.value(), 3f);
        assertThat(state.get("0.weight")).isEqualTo(before);

        NDArray bias = model.stateDict().get("0.bias");
        Backend.cpu().assign(state.get("0.bias"), NDArray.full(5f, 3));
        assertThat(model.stateDict().get("0.bias")).isEqualTo(bias);
    }

    @Test
    void loadStateDictCopiesValuesInPlaceKeepingTheParameterTensors() {
        Module source = nested();
        Module target = new Sequential(
                new Linear(2, 3, new SplittableRandom(9)), new ReLU(),
                new Sequential(new Linear(3, 4, new SplittableRandom(9)), new Tanh(),
                        new Linear(4, 4, false, new SplittableRandom(9))),
                new Linear(4, 1, new SplittableRandom(9)));
        List<Tensor> params = target.parameters();
        List<NDArray> arrays = params.stream().map(Tensor::value).toList();

        target.loadStateDict(source.stateDict());

        assertThat(target.stateDict()).isEqualTo(source.stateDict());
        assertThat(target.parameters()).containsExactlyElementsOf(params);
        for (int i = 0; i < params.size(); i++) {
            assertThat(target.parameters().get(i).value()).isSameAs(arrays.get(i));
        }
    }

    @Test
    void loadStateDictListsEveryProblemAndChangesNothing() {
        Module model = nested();
        Map<String, NDArray> before = model.stateDict();
        Map<String, NDArray> bad = new LinkedHashMap<>(model.stateDict());
        bad.replaceAll((k, v) -> NDArray.full(7f, v.shape().toArray()));
        bad.remove("0.bias");
        bad.remove("3.weight");
        bad.put("9.weight", NDArray.zeros(1));
        bad.put("2.2.weight", NDArray.zeros(3, 4));

        assertThatThrownBy(() -> model.loadStateDict(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("loadStateDict")
                .hasMessageContaining("missing [0.bias, 3.weight]")
                .hasMessageContaining("unexpected [9.weight]")
                .hasMessageContaining("2.2.weight [3, 4] (expected [4, 4])");
        assertThat(model.stateDict()).isEqualTo(before);
    }

    @Test
    void loadStateDictRejectsNullValuesAndNullMaps() {
        Module model = new Linear(2, 2, new SplittableRandom(3));
        Map<String, NDArray> bad = new LinkedHashMap<>(model.stateDict());
        bad.put("bias", null);

        assertThatThrownBy(() -> model.loadStateDict(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bias is null");
        assertThatThrownBy(() -> model.loadStateDict(null)).isInstanceOf(NullPointerException.class);
    }
}
