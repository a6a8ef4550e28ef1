package dev.grad4j.nn;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.grad4j.autograd.Autograd;
import dev.grad4j.autograd.Tensor;
import dev.grad4j.io.SafeTensors;
import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.Shape;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PyTorch {@code nn.Sequential} MLP, loaded by name from its safetensors state dict into the same
 * grad4j architecture, reproduces PyTorch's output; saving and reloading the grad4j model keeps it.
 */
class InteropTest {

    private static final Path WEIGHTS = InteropFixtures.DIR.resolve("torch_mlp_6_16_16_4.safetensors");

    private static JsonNode expected;

    @TempDir
    Path tmp;

    @BeforeAll
    static void readExpected() throws IOException {
        expected = InteropFixtures.expected("torch_mlp_6_16_16_4");
    }

    /** The architecture of the fixture, randomly initialised from {@code seed}. */
    private static Sequential mlp(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        return new Sequential(new Linear(6, 16, r), new ReLU(), new Linear(16, 16, r), new Tanh(),
                new Linear(16, 4, r));
    }

    private static NDArray run(Module model, NDArray input) {
        try (var scope = Autograd.noGrad()) {
            return model.forward(Tensor.constant(input)).value();
        }
    }

    @Test
    void torchStateDictLoadsByNameAndReproducesTheOutput() {
        Sequential model = mlp(1);
        model.loadStateDict(SafeTensors.load(WEIGHTS));

        List<String> names = new ArrayList<>();
        expected.get("parameter_names").forEach(n -> names.add(n.asText()));
        assertThat(model.namedParameters().keySet()).containsExactlyElementsOf(names);
        NDArray y = run(model, InteropFixtures.array(expected.get("input")));
        NDArray want = InteropFixtures.array(expected.get("output"));
        assertThat(y.shape()).isEqualTo(Shape.of(5, 4));
        InteropFixtures.assertWithin("output", y, want, expected.get("tolerance"));
    }

    @Test
    void savedStateDictReloadsIntoAFreshModelWithIdenticalOutputs() {
        Sequential model = mlp(1);
        model.loadStateDict(SafeTensors.load(WEIGHTS));
        Path file = tmp.resolve("mlp.safetensors");
        SafeTensors.save(file, model.stateDict());

        Sequential fresh = mlp(2);
        NDArray input = InteropFixtures.array(expected.get("input"));
        assertThat(run(fresh, input).toArray()).isNotEqualTo(run(model, input).toArray());
        fresh.loadStateDict(SafeTensors.load(file));

        assertThat(SafeTensors.load(file)).isEqualTo(SafeTensors.load(WEIGHTS));
        assertThat(run(fresh, input).toArray()).isEqualTo(run(model, input).toArray());
        NDArray other = NDArray.randn(new SplittableRandom(5), 32, 6);
        assertThat(run(fresh, other).toArray()).isEqualTo(run(model, other).toArray());
    }
}
