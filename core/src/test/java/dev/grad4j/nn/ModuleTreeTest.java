package dev.grad4j.nn;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.StateDict;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Names, buffers, modes and state dicts of user-written modules with children, through one walk. */
class ModuleTreeTest {

    /** A module with a parameter, a float buffer, an integer buffer and a mode-dependent forward. */
    static final class Counter extends AbstractModule {
        final Tensor scale = registerParameter("scale", NDArray.full(2f, 3));
        final NDArray total = registerBuffer("total", NDArray.zeros(3));
        final NDArray calls = registerIntegerBuffer("calls", NDArray.scalar(0));

        @Override
        public Tensor forward(Tensor x) {
            if (isTraining()) {
                total.copyTo(new float[3], 0);
                float[] t = total.toArray();
                float[] v = x.value().toArray();
                for (int i = 0; i < 3; i++) {
                    t[i] += v[i];
                }
                dev.grad4j.tensor.Backend.cpu().assign(total, NDArray.of(t, 3));
                dev.grad4j.tensor.Backend.cpu().assign(calls, NDArray.scalar(calls.item() + 1));
            }
            return x.mul(scale);
        }
    }

    /** A user's block: two children and a parameter of its own, like a residual block. */
    static final class Block extends AbstractModule {
        final Linear fc = registerModule("fc", new Linear(3, 3, new SplittableRandom(1)));
        final Counter counter = registerModule("counter", new Counter());
        final Tensor gate = registerParameter("gate", NDArray.ones(1));

        @Override
        public Tensor forward(Tensor x) {
            return counter.forward(fc.forward(x)).mul(gate).add(x);
        }
    }

    static final class Model extends AbstractModule {
        final ModuleList blocks = registerModule("blocks", new ModuleList(new Block(), new Block()));
        final Linear head = registerModule("head", new Linear(3, 2, new SplittableRandom(2)));

        @Override
        public Tensor forward(Tensor x) {
            for (Module b : blocks) {
                x = b.forward(x);
            }
            return head.forward(x);
        }
    }

    @Test
    void namesFollowPyTorchStateDictOrder() {
        Model m = new Model();

        assertThat(m.stateDict().keySet()).containsExactly(
                "blocks.0.gate", "blocks.0.fc.weight", "blocks.0.fc.bias", "blocks.0.counter.scale",
                "blocks.0.counter.total", "blocks.0.counter.calls",
                "blocks.1.gate", "blocks.1.fc.weight", "blocks.1.fc.bias", "blocks.1.counter.scale",
                "blocks.1.counter.total", "blocks.1.counter.calls",
                "head.weight", "head.bias");
        assertThat(m.namedParameters().keySet()).containsExactly(
                "blocks.0.gate", "blocks.0.fc.weight", "blocks.0.fc.bias", "blocks.0.counter.scale",
                "blocks.1.gate", "blocks.1.fc.weight", "blocks.1.fc.bias", "blocks.1.counter.scale",
                "head.weight", "head.bias");
        assertThat(m.namedBuffers().keySet()).containsExactly(
                "blocks.0.counter.total", "blocks.0.counter.calls", "blocks.1.counter.total", "blocks.1.counter.calls");
        assertThat(m.stateDict().integerNames()).containsExactly("blocks.0.counter.calls", "blocks.1.counter.calls");
    }

    @Test
    void optimizersSeeParametersOnlyNeverBuffers() {
        Model m = new Model();

        assertThat(m.parameters()).hasSize(10);
        assertThat(m.parameters()).allMatch(Tensor::requiresGrad);
        assertThat(m.parameters()).noneMatch(p -> p.value() == ((Block) m.blocks.get(0)).counter.total);
    }

    @Test
    void modeReachesEveryDescendantThroughContainersAndUserClasses() {
        Model m = new Model();
        Sequential outer = new Sequential(m, new ReLU());
        assertThat(m.isTraining()).isTrue();

        outer.eval();
        assertThat(outer.isTraining()).isFalse();
        assertThat(m.blocks.isTraining()).isFalse();
        assertThat(((Block) m.blocks.get(1)).counter.isTraining()).isFalse();
        assertThat(outer.get(1).isTraining()).isFalse();

        outer.train();
        assertThat(((Block) m.blocks.get(1)).counter.isTraining()).isTrue();
    }

    @Test
    void buffersChangeInTrainingOnlyAndAreSavedAndLoaded() {
        Model m = new Model();
        Tensor x = Tensor.constant(NDArray.of(new float[] {1, 2, 3}, 3));
        m.forward(x);
        m.forward(x);
        m.eval();
        m.forward(x);

        StateDict saved = m.stateDict();
        assertThat(saved.get("blocks.0.counter.calls").item()).isEqualTo(2f);

        Model fresh = new Model();
        fresh.loadStateDict(saved);
        assertThat(fresh.stateDict()).isEqualTo(saved);
        assertThat(((Block) fresh.blocks.get(0)).counter.calls.item()).isEqualTo(2f);
    }

    @Test
    void loadRejectsANonIntegerCounterAndChangesNothing() {
        Model m = new Model();
        StateDict before = m.stateDict();
        Map<String, NDArray> bad = new LinkedHashMap<>(before);
        bad.put("blocks.1.counter.calls", NDArray.scalar(1.5f));
        bad.put("head.bias", NDArray.full(9f, 2));

        assertThatThrownBy(() -> m.loadStateDict(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("loadStateDict")
                .hasMessageContaining("blocks.1.counter.calls");
        assertThat(m.stateDict()).isEqualTo(before);
    }

    @Test
    void registrationRejectsBadAndDuplicateNames() {
        class Bad extends AbstractModule {
            void add(String name) {
                registerParameter(name, NDArray.zeros(1));
            }

            @Override
            public Tensor forward(Tensor x) {
                return x;
            }
        }
        Bad b = new Bad();
        b.add("w");
        assertThatThrownBy(() -> b.add("w")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already registered");
        assertThatThrownBy(() -> b.add("a.b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no '.'");
        assertThatThrownBy(() -> b.add("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void moduleListHasNoForwardAndChecksIndices() {
        ModuleList list = new ModuleList(new ReLU());
        assertThatThrownBy(() -> list.forward(Tensor.constant(1f))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> list.get(1)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("ModuleList.get");
        assertThat(list.namedChildren().keySet()).containsExactly("0");
    }

    @Test
    void aLambdaIsStillAModuleWithoutStateOrMode() {
        Module square = x -> x.mul(x);
        square.eval();
        assertThat(square.isTraining()).isTrue();
        assertThat(square.stateDict()).isEmpty();
        assertThat(new Sequential(square).stateDict()).isEmpty();
    }
}
