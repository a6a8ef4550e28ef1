package dev.grad4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.grad4j.data.Mnist;
import dev.grad4j.io.SafeTensors;
import dev.grad4j.nn.Sequential;
import dev.grad4j.tensor.StateDict;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CNN example's own training code, four epochs on the bundled digits, its model file and chart. */
class MnistCnnTest {

    @Test
    void fourEpochsReachNinetySevenAndAHalfPercentAndTheModelAndChartAreWritten(@TempDir Path dir) throws Exception {
        Path root = Path.of(System.getProperty("grad4j.root", "."));
        MnistMlp.Options options = MnistMlp.Options.parse("mnist-cnn",
                new String[] {"--epochs", "4", "--data", root.resolve("examples/data/mnist10k").toString()},
                dir.resolve("cnn.safetensors").toString(), 12, 2e-3f);
        Mnist mnist = Mnist.load(options.data());
        Sequential model = MnistCnn.model(new SplittableRandom(options.seed()));

        List<MnistMlp.EpochResult> results = MnistCnn.train(model, mnist.train(), mnist.test(), options);

        assertThat(results).hasSize(4);
        assertThat(results.get(3).meanLoss()).isLessThan(results.get(0).meanLoss());
        assertThat(results.get(3).accuracy()).isGreaterThanOrEqualTo(0.975);
        assertThat(model.isTraining()).as("evaluated in evaluation mode").isFalse();

        MnistMlp.save(model, options.out());
        StateDict saved = SafeTensors.load(options.out());
        assertThat(saved.keySet()).contains("0.weight", "1.running_mean", "1.num_batches_tracked", "12.bias");
        assertThat(saved.integerNames()).containsExactly("1.num_batches_tracked", "5.num_batches_tracked");
        assertThat(saved.get("1.num_batches_tracked").item()).isEqualTo(4 * 125f);

        Path chart = dir.resolve("cnn.svg");
        MnistCnn.drawCurves(results, chart);
        String svg = Files.readString(chart, StandardCharsets.UTF_8);
        assertThat(svg).startsWith("<svg").contains("Test accuracy").contains("<polyline");
    }
}
