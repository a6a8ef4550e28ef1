package dev.grad4j.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.data.DataLoader;
import dev.grad4j.nn.Linear;
import dev.grad4j.nn.optim.SGD;
import dev.grad4j.tensor.Backend;
import dev.grad4j.tensor.NDArray;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint loaded while another thread saves to the same file is exactly one of the saves. */
class CheckpointSnapshotTest {

    @TempDir
    Path dir;

    @Test
    void aLoadSeesExactlyOneSave() throws Exception {
        Path file = dir.resolve("run.ckpt");
        Linear model = new Linear(64, 64, new SplittableRandom(1));
        SGD optimizer = new SGD(model.parameters(), 0.1f);
        NDArray weight = model.parameters().get(0).value();
        Backend b = Backend.cpu();
        Checkpoint.save(file, model, optimizer, new DataLoader.State(0, 0, 0), Map.of("step", "0"));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> saverFailure = new AtomicReference<>();
        Thread saver = new Thread(() -> {
            try {
                for (int k = 1; !stop.get(); k++) {
                    b.assign(weight, NDArray.full(k, 64, 64));
                    Checkpoint.save(file, model, optimizer, new DataLoader.State(k, k, 0), Map.of("step", "" + k));
                }
            } catch (Throwable t) {
                saverFailure.set(t);
            }
        });
        saver.start();
        int loads = 0;
        try {
            long end = System.nanoTime() + 1_000_000_000L;
            while (System.nanoTime() < end || loads < 20) {
                Checkpoint c = Checkpoint.load(file);
                int step = Integer.parseInt(c.extra().get("step"));
                assertThat(c.loaderState().baseSeed()).isEqualTo(step);
                if (step > 0) {
                    assertThat(c.modelState().get("weight").toArray()).containsOnly((float) step);
                }
                loads++;
            }
        } finally {
            stop.set(true);
            saver.join();
        }
        assertThat(saverFailure.get()).isNull();
        assertThat(loads).isGreaterThanOrEqualTo(20);
    }
}
