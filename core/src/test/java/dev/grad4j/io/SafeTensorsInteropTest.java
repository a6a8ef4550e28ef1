package dev.grad4j.io;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Loads a state dict written by PyTorch and reproduces the model's output with plain loops. */
class SafeTensorsInteropTest {

    private static final Path DIR = Path.of("src/test/resources/interop");

    @Test
    void loadsTorchMlpAndReproducesItsOutput() throws IOException {
        Map<String, NDArray> w = SafeTensors.load(DIR.resolve("torch_mlp_6_16_16_4.safetensors"));
        JsonNode expected = new ObjectMapper().readTree(DIR.resolve("torch_mlp_6_16_16_4.expected.json").toFile());

        assertThat(w.keySet()).containsExactly("0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias");
        assertThat(w.get("0.weight").shape()).isEqualTo(Shape.of(16, 6));
        assertThat(w.get("0.bias").shape()).isEqualTo(Shape.of(16));
        assertThat(w.get("2.weight").shape()).isEqualTo(Shape.of(16, 16));
        assertThat(w.get("2.bias").shape()).isEqualTo(Shape.of(16));
        assertThat(w.get("4.weight").shape()).isEqualTo(Shape.of(4, 16));
        assertThat(w.get("4.bias").shape()).isEqualTo(Shape.of(4));
        assertThat(SafeTensors.metadata(DIR.resolve("torch_mlp_6_16_16_4.safetensors"))).containsEntry("format", "pt");

        int rows = expected.at("/input/shape/0").asInt();
        double[][] x = matrix(expected.at("/input/data"), rows, expected.at("/input/shape/1").asInt());
        double[][] h1 = linear(x, w.get("0.weight"), w.get("0.bias"));
        for (double[] row : h1) {
            for (int j = 0; j < row.length; j++) {
                row[j] = Math.max(0, row[j]);
            }
        }
        double[][] h2 = linear(h1, w.get("2.weight"), w.get("2.bias"));
        for (double[] row : h2) {
            for (int j = 0; j < row.length; j++) {
                row[j] = Math.tanh(row[j]);
            }
        }
        double[][] y = linear(h2, w.get("4.weight"), w.get("4.bias"));

        double rtol = expected.at("/tolerance/rtol").asDouble();
        double atol = expected.at("/tolerance/atol").asDouble();
        int outCols = expected.at("/output/shape/1").asInt();
        double[][] want = matrix(expected.at("/output/data"), rows, outCols);
        assertThat(y[0]).hasSize(outCols);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < outCols; j++) {
                assertThat(Math.abs(y[i][j] - want[i][j]))
                        .as("output[%d][%d]", i, j)
                        .isLessThanOrEqualTo(atol + rtol * Math.abs(want[i][j]));
            }
        }
    }

    private static double[][] matrix(JsonNode data, int rows, int cols) {
        assertThat(data.size()).isEqualTo(rows * cols);
        double[][] m = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                m[i][j] = data.get(i * cols + j).asDouble();
            }
        }
        return m;
    }

    /** {@code y = x Wᵀ + b} with {@code W [out, in]}, in double. */
    private static double[][] linear(double[][] x, NDArray weight, NDArray bias) {
        int out = weight.shape().dim(0);
        int in = weight.shape().dim(1);
        float[] wv = weight.toArray();
        float[] bv = bias.toArray();
        double[][] y = new double[x.length][out];
        for (int r = 0; r < x.length; r++) {
            assertThat(x[r]).hasSize(in);
            for (int o = 0; o < out; o++) {
                double s = bv[o];
                for (int i = 0; i < in; i++) {
                    s += (double) wv[o * in + i] * x[r][i];
                }
                y[r][o] = s;
            }
        }
        return y;
    }
}
