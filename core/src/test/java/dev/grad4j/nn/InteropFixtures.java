package dev.grad4j.nn;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.grad4j.tensor.NDArray;

import java.io.IOException;
import java.nio.file.Path;

/** The PyTorch interop fixtures of src/test/resources/interop: their JSON arrays and their pass rule. */
final class InteropFixtures {

    static final Path DIR = Path.of("src/test/resources/interop");

    private InteropFixtures() {
    }

    /** The {@code NAME.expected.json} of a fixture. */
    static JsonNode expected(String name) throws IOException {
        return new ObjectMapper().readTree(DIR.resolve(name + ".expected.json").toFile());
    }

    /** A float array {@code {"shape":[...], "data":[...]}}. */
    static NDArray array(JsonNode node) {
        JsonNode shape = node.get("shape");
        int[] dims = new int[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = shape.get(i).asInt();
        }
        JsonNode data = node.get("data");
        float[] values = new float[data.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) data.get(i).asDouble();
        }
        return NDArray.of(values, dims);
    }

    /**
     * The fixtures' pass rule: same shape and {@code |actual - expected| <= atol + rtol * |expected|}
     * for every element, with {@code tolerance = {"rtol":..., "atol":...}}.
     */
    static void assertWithin(String what, NDArray actual, NDArray expected, JsonNode tolerance) {
        assertThat(actual.shape()).as("%s shape", what).isEqualTo(expected.shape());
        double rtol = tolerance.get("rtol").asDouble();
        double atol = tolerance.get("atol").asDouble();
        float[] got = actual.toArray();
        float[] ref = expected.toArray();
        for (int i = 0; i < ref.length; i++) {
            assertThat((double) Math.abs(got[i] - ref[i]))
                    .as("%s element %d of %s: got %s, torch %s", what, i, expected.shape(), got[i], ref[i])
                    .isLessThanOrEqualTo(atol + rtol * Math.abs(ref[i]));
        }
    }
}
