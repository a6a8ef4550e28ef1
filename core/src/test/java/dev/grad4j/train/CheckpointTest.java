package dev.grad4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.data.Batch;
import dev.grad4j.data.DataLoader;
import dev.grad4j.data.TensorDataset;
import dev.grad4j.io.SafeTensors;
import dev.grad4j.nn.Linear;
import dev.grad4j.nn.Losses;
import dev.grad4j.nn.Module;
import dev.grad4j.nn.ReLU;
import dev.grad4j.nn.Sequential;
import dev.grad4j.nn.optim.Adam;
import dev.grad4j.nn.optim.AdamW;
import dev.grad4j.nn.optim.Optimizer;
import dev.grad4j.nn.optim.SGD;
import dev.grad4j.tensor.NDArray;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Stopping a run, checkpointing, and resuming in fresh objects reproduces the uninterrupted run bit for bit. */
class CheckpointTest {

    /** 100 examples in batches of 8: 13 batches per epoch, the last one of 4. */
    private static final int EXAMPLES = 100;
    private static final int BATCH = 8;
    private static final int TOTAL_STEPS = 45;
    private static final TensorDataset DATA = syntheticData();

    @TempDir
    Path dir;

    static Stream<Arguments> optimizers() {
        Function<List<Tensor>, Optimizer> adam = p -> new Adam(p, 1e-2f);
        Function<List<Tensor>, Optimizer> amsgradW = p -> new AdamW(p,
                AdamW.configBuilder().lr(1e-2f).amsgrad(true).build());
        Function<List<Tensor>, Optimizer> momentum = p -> new SGD(p,
                SGD.Config.builder(0.05f).momentum(0.9f).build());
        Function<List<Tensor>, Optimizer> nesterov = p -> new SGD(p,
                SGD.Config.builder(0.05f).momentum(0.9f).nesterov(true).weightDecay(1e-3f).build());
        return Stream.of(
                // k = 17: epoch 2, batch 4 of 13 (mid-epoch); k = 26: exactly at the end of epoch 2.
                Arguments.of("Adam", adam, 17),
                Arguments.of("Adam", adam, 26),
                Arguments.of("AdamW amsgrad", amsgradW, 30),
                Arguments.of("SGD momentum", momentum, 17),
                Arguments.of("SGD nesterov", nesterov, 5));
    }

    @ParameterizedTest(name = "{0}, stop after {2} steps")
    @MethodSource("optimizers")
    void resumedRunEqualsUninterruptedRunBitForBit(String name, Function<List<Tensor>, Optimizer> optimizer,
            int stopAt) {
        Run straight = new Run(optimizer, 1);
        straight.trainUntil(TOTAL_STEPS);

        Run first = new Run(optimizer, 1);
        first.trainUntil(stopAt);
        assertThat(first.loader.state().nextBatch()).as("stop point").isBetween(1, 13);
        Path file = dir.resolve("run.safetensors");
        Checkpoint.save(file, first.model, first.optimizer, first.loader.state(),
                Map.of("step", Integer.toString(first.step)));

        // Different seeds everywhere: all that matters must come from the checkpoint.
        Run resumed = new Run(optimizer, 99);
        Checkpoint checkpoint = Checkpoint.load(file);
        checkpoint.restoreInto(resumed.model, resumed.optimizer);
        resumed.loader.restore(checkpoint.loaderState());
        resumed.step = Integer.parseInt(checkpoint.extra().get("step"));
        assertThat(resumed.step).isEqualTo(stopAt);
        resumed.trainUntil(TOTAL_STEPS);

        assertThat(resumed.loader.state()).isEqualTo(straight.loader.state());
        Map<String, Tensor> want = straight.model.namedParameters();
        Map<String, Tensor> got = resumed.model.namedParameters();
        assertThat(got.keySet()).containsExactlyElementsOf(want.keySet());
        for (String key : want.keySet()) {
            assertThat(got.get(key).value().toArray()).as(key).isEqualTo(want.get(key).value().toArray());
        }
        Map<String, NDArray> wantState = straight.optimizer.stateDict();
        Map<String, NDArray> gotState = resumed.optimizer.stateDict();
        assertThat(gotState.keySet()).containsExactlyElementsOf(wantState.keySet());
        for (String key : wantState.keySet()) {
            assertThat(gotState.get(key).toArray()).as(key).isEqualTo(wantState.get(key).toArray());
        }
    }

    @Test
    void fileIsSafetensorsWithPrefixedTensorsAndMetadata() {
        Run run = new Run(p -> new Adam(p, 1e-2f), 1);
        run.trainUntil(3);
        Path file = dir.resolve("c.safetensors");
        Checkpoint.save(file, run.model, run.optimizer, run.loader.state(), Map.of("best loss", "0.25"));

        Map<String, NDArray> tensors = SafeTensors.load(file);
        assertThat(tensors).containsKeys("model.0.weight", "model.2.bias", "optim.lr", "optim.0.step",
                "optim.0.exp_avg", "optim.3.exp_avg_sq");
        assertThat(tensors.get("model.0.weight")).isEqualTo(run.model.stateDict().get("0.weight"));
        assertThat(SafeTensors.metadata(file))
                .containsEntry("format", "grad4j.checkpoint")
                .containsEntry("version", "1")
                .containsEntry("optimizer", "Adam")
                .containsEntry("loader.baseSeed", Long.toString(run.loader.state().baseSeed()))
                .containsEntry("loader.epoch", "1")
                .containsEntry("loader.nextBatch", "3")
                .containsEntry("extra.best loss", "0.25");

        Checkpoint c = Checkpoint.load(file);
        assertThat(c.optimizer()).isEqualTo("Adam");
        assertThat(c.loaderState()).isEqualTo(run.loader.state());
        assertThat(c.extra()).containsExactly(Map.entry("best loss", "0.25"));
        assertThat(c.modelState().keySet()).containsExactly("0.weight", "0.bias", "2.weight", "2.bias");
        assertThat(c.optimizerState()).containsKey("lr");
    }

    @Test
    void missingModelTensorIsReported() {
        Path file = savedAfter(5);
        rewriteWithout(file, "model.2.bias");
        Run fresh = new Run(p -> new Adam(p, 1e-2f), 7);
        Checkpoint checkpoint = Checkpoint.load(file);
        assertThatThrownBy(() -> checkpoint.restoreInto(fresh.model, fresh.optimizer))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Checkpoint.restoreInto")
                .hasMessageContaining("model")
                .hasMessageContaining("missing [2.bias]");
    }

    @Test
    void missingOptimizerTensorIsReportedAndNothingChanges() {
        Path file = savedAfter(5);
        rewriteWithout(file, "optim.1.exp_avg_sq");
        Run fresh = new Run(p -> new Adam(p, 1e-2f), 7);
        Map<String, NDArray> before = fresh.model.stateDict();
        Checkpoint checkpoint = Checkpoint.load(file);
        assertThatThrownBy(() -> checkpoint.restoreInto(fresh.model, fresh.optimizer))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("optimizer")
                .hasMessageContaining("missing 1.exp_avg_sq");
        assertThat(fresh.model.stateDict()).isEqualTo(before);
        assertThat(fresh.optimizer.stateDict().keySet()).containsExactly("lr");
    }

    @Test
    void mismatchedArchitectureIsReported() {
        Path file = savedAfter(5);
        SplittableRandom r = new SplittableRandom(3);
        Module wider = new Sequential(new Linear(20, 32, r), new ReLU(), new Linear(32, 3, r));
        Checkpoint checkpoint = Checkpoint.load(file);
        assertThatThrownBy(() -> checkpoint.restoreInto(wider, new Adam(wider.parameters(), 1e-2f)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model does not match")
                .hasMessageContaining("wrong shape")
                .hasMessageContaining("0.weight [16, 20] (expected [32, 20])");

        Module deeper = new Sequential(new Linear(20, 16, r), new ReLU(), new Linear(16, 16, r), new ReLU(),
                new Linear(16, 3, r));
        assertThatThrownBy(() -> checkpoint.restoreInto(deeper, new Adam(deeper.parameters(), 1e-2f)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing [4.weight, 4.bias]");
    }

    @Test
    void otherOptimizerKindIsReported() {
        Path file = savedAfter(5);
        Run fresh = new Run(p -> new SGD(p, 0.1f), 7);
        Map<String, NDArray> before = fresh.model.stateDict();
        Checkpoint checkpoint = Checkpoint.load(file);
        assertThatThrownBy(() -> checkpoint.restoreInto(fresh.model, fresh.optimizer))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds the state of Adam but the optimizer is SGD");
        assertThat(fresh.model.stateDict()).isEqualTo(before);
    }

    @Test
    void plainSafetensorsFileIsNotACheckpoint() {
        Path file = dir.resolve("weights.safetensors");
        SafeTensors.save(file, Map.of("0.weight", NDArray.zeros(2, 2)));
        assertThatThrownBy(() -> Checkpoint.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Checkpoint.load: not a grad4j checkpoint")
                .hasMessageContaining(file.toString());
    }

    @Test
    void badMetadataAndStrayTensorsAreReported() {
        Path file = savedAfter(5);
        Map<String, NDArray> tensors = SafeTensors.load(file);
        Map<String, String> meta = SafeTensors.metadata(file);

        Map<String, String> noEpoch = new LinkedHashMap<>(meta);
        noEpoch.remove("loader.epoch");
        SafeTensors.save(file, tensors, noEpoch);
        assertThatThrownBy(() -> Checkpoint.load(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lacks \"loader.epoch\"");

        Map<String, String> garbled = new LinkedHashMap<>(meta);
        garbled.put("loader.nextBatch", "four");
        SafeTensors.save(file, tensors, garbled);
        assertThatThrownBy(() -> Checkpoint.load(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"loader.nextBatch\" is not an integer: \"four\"");

        Map<String, String> future = new LinkedHashMap<>(meta);
        future.put("version", "2");
        SafeTensors.save(file, tensors, future);
        assertThatThrownBy(() -> Checkpoint.load(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unsupported checkpoint version \"2\"");

        Map<String, NDArray> stray = new LinkedHashMap<>(tensors);
        stray.put("ema.0.weight", NDArray.zeros(16, 20));
        SafeTensors.save(file, stray, meta);
        assertThatThrownBy(() -> Checkpoint.load(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tensors outside").hasMessageContaining("[ema.0.weight]");
    }

    @Test
    void nullsAreRejected() {
        Run run = new Run(p -> new Adam(p, 1e-2f), 1);
        Path file = dir.resolve("n.safetensors");
        assertThatThrownBy(() -> Checkpoint.save(file, run.model, run.optimizer, null, Map.of()))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("loaderState");
        Map<String, String> nullValue = new LinkedHashMap<>();
        nullValue.put("step", null);
        assertThatThrownBy(() -> Checkpoint.save(file, run.model, run.optimizer, run.loader.state(), nullValue))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("step");
        assertThat(Files.exists(file)).isFalse();
    }

    /** A file saved from an Adam run after {@code steps} steps. */
    private Path savedAfter(int steps) {
        Run run = new Run(p -> new Adam(p, 1e-2f), 1);
        run.trainUntil(steps);
        Path file = dir.resolve("saved.safetensors");
        Checkpoint.save(file, run.model, run.optimizer, run.loader.state(), Map.of());
        return file;
    }

    private static void rewriteWithout(Path file, String tensor) {
        Map<String, NDArray> tensors = SafeTensors.load(file);
        assertThat(tensors.remove(tensor)).as(tensor).isNotNull();
        SafeTensors.save(file, tensors, SafeTensors.metadata(file));
    }

    /** 20 features, labels from a fixed random linear map: learnable, seeded. */
    private static TensorDataset syntheticData() {
        SplittableRandom r = new SplittableRandom(2024);
        NDArray x = NDArray.randn(r, EXAMPLES, 20);
        float[] xv = x.toArray();
        float[] w = NDArray.randn(r, 3, 20).toArray();
        int[] labels = new int[EXAMPLES];
        for (int n = 0; n < EXAMPLES; n++) {
            double best = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < 3; c++) {
                double s = 0;
                for (int i = 0; i < 20; i++) {
                    s += w[c * 20 + i] * xv[n * 20 + i];
                }
                if (s > best) {
                    best = s;
                    labels[n] = c;
                }
            }
        }
        return new TensorDataset(x, labels);
    }

    /** A 20-16-3 MLP, its optimizer and a shuffled loader, all seeded from {@code seed}. */
    private static final class Run {
        final Sequential model;
        final Optimizer optimizer;
        final DataLoader loader;
        int step;

        Run(Function<List<Tensor>, Optimizer> optimizer, long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            this.model = new Sequential(new Linear(20, 16, r), new ReLU(), new Linear(16, 3, r));
            this.optimizer = optimizer.apply(model.parameters());
            this.loader = new DataLoader(DATA, BATCH, r);
        }

        /** Trains one batch per step until {@code step == steps}, leaving the loader right after that batch. */
        void trainUntil(int steps) {
            while (step < steps) {
                for (Batch b : loader) {
                    Tensor loss = Losses.crossEntropy(model.forward(Tensor.constant(b.features())), b.labels());
                    optimizer.step(loss.backward());
                    if (++step == steps) {
                        return;
                    }
                }
            }
        }
    }
}
