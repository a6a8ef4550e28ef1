package dev.grad4j.nn;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.grad4j.autograd.Autograd;
import dev.grad4j.autograd.Tensor;
import dev.grad4j.io.SafeTensors;
import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.StateDict;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PyTorch CNN with batch norm ({@code torch_cnn_bn_1x12x12_eval}): its state dict, int64
 * {@code num_batches_tracked} included, loads by torch names into the same {@link Sequential} of
 * grad4j modules and reproduces PyTorch's evaluation output; the model's own state dict is written
 * with that buffer as {@code I64} and loads back.
 */
class CnnInteropTest {

    private static final Path WEIGHTS = InteropFixtures.DIR.resolve("torch_cnn_bn_1x12x12_eval.safetensors");

    private static JsonNode expected;

    @TempDir
    Path tmp;

    @BeforeAll
    static void readExpected() throws IOException {
        expected = InteropFixtures.expected("torch_cnn_bn_1x12x12_eval");
    }

    /** The fixture's architecture, randomly initialised from {@code seed}. */
    private static Sequential cnn(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        return new Sequential(
                new Conv2d(1, 4, 3, 1, 1, r),
                new BatchNorm2d(4),
                new ReLU(),
                new MaxPool2d(2),
                new Conv2d(4, 8, 3, 2, 1, r),
                new ReLU(),
                new AdaptiveAvgPool2d(1),
                new Flatten(),
                new Linear(8, 5, Init.torchDefault(), r));
    }

    @SuppressWarnings("try") // the scope is used only for its effect
    private static NDArray run(Module model, NDArray input) {
        try (var scope = Autograd.noGrad()) {
            return model.forward(Tensor.constant(input)).value();
        }
    }

    @Test
    void torchStateDictLoadsByNameAndReproducesTheEvaluationOutput() {
        Sequential model = cnn(1);
        List<String> names = new ArrayList<>();
        expected.get("parameter_names").forEach(n -> names.add(n.asText()));
        assertThat(model.stateDict().keySet()).containsExactlyElementsOf(names);

        StateDict torch = SafeTensors.load(WEIGHTS);
        assertThat(torch.keySet()).containsExactlyElementsOf(names);
        assertThat(torch.integerNames()).containsExactly("1.num_batches_tracked");
        model.loadStateDict(torch);
        assertThat(model.namedBuffers().get("1.num_batches_tracked").toArray()).containsExactly(5f);
        model.eval();

        NDArray input = InteropFixtures.array(expected.get("input"));
        NDArray y = run(model, input);
        NDArray want = InteropFixtures.array(expected.get("output"));
        assertThat(want.shape().toArray()).containsExactly(3, 5);
        InteropFixtures.assertWithin("output", y, want, expected.get("tolerance"));
        float[] got = y.toArray();

        // training mode uses the batch statistics (another output) and counts the batch
        model.train();
        assertThat(run(model, input).toArray()).isNotEqualTo(got);
        assertThat(model.namedBuffers().get("1.num_batches_tracked").toArray()).containsExactly(6f);
    }

    @Test
    void savedStateDictMarksNumBatchesTrackedAsI64AndLoadsBack() throws IOException {
        Sequential model = cnn(1);
        model.loadStateDict(SafeTensors.load(WEIGHTS));
        model.eval();
        Path file = tmp.resolve("cnn.safetensors");
        SafeTensors.save(file, model.stateDict());

        JsonNode header = header(file);
        assertThat(header.at("/1.num_batches_tracked/dtype").asText()).isEqualTo("I64");
        assertThat(header.at("/1.num_batches_tracked/shape").size()).isZero();
        JsonNode offsets = header.at("/1.num_batches_tracked/data_offsets");
        assertThat(offsets.get(1).asLong() - offsets.get(0).asLong()).isEqualTo(8);
        assertThat(int64At(file, offsets.get(0).asLong())).isEqualTo(5L);
        for (String name : List.of("0.weight", "1.running_mean", "1.running_var", "8.bias")) {
            assertThat(header.at("/" + name + "/dtype").asText()).as(name).isEqualTo("F32");
        }
        // the torch file marks the same entry the same way
        assertThat(header(WEIGHTS).at("/1.num_batches_tracked/dtype").asText()).isEqualTo("I64");

        StateDict back = SafeTensors.load(file);
        assertThat(back).isEqualTo(SafeTensors.load(WEIGHTS));
        assertThat(back.integerNames()).containsExactly("1.num_batches_tracked");
        Sequential fresh = cnn(2);
        NDArray input = InteropFixtures.array(expected.get("input"));
        fresh.loadStateDict(back);
        fresh.eval();
        assertThat(run(fresh, input).toArray()).isEqualTo(run(model, input).toArray());
        assertThat(fresh.stateDict()).isEqualTo(model.stateDict());
    }

    private static JsonNode header(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return new ObjectMapper().readTree(new String(bytes, 8, (int) n, StandardCharsets.UTF_8));
    }

    /** The int64 at data offset {@code offset} (relative to the end of the header). */
    private static long int64At(Path file, long offset) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong((int) (8 + n + offset));
    }

}
