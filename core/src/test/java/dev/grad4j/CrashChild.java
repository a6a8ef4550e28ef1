package dev.grad4j;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.data.DataLoader;
import dev.grad4j.io.SafeTensors;
import dev.grad4j.nn.Linear;
import dev.grad4j.nn.Losses;
import dev.grad4j.nn.optim.Adam;
import dev.grad4j.tensor.NDArray;
import dev.grad4j.train.Checkpoint;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The child JVM of {@link CrashConsistencyTest}: trains a small model one step at a time and after
 * every step saves a checkpoint and a 1 MB safetensors file whose metadata holds a checksum of its
 * data, until it is killed. Prints {@code saved} once the first save is on disk.
 */
final class CrashChild {

    static final NDArray X = NDArray.randn(new SplittableRandom(3), 16, 4);
    static final NDArray Y = NDArray.randn(new SplittableRandom(4), 16, 2);

    /** A deterministic training run, step by step. */
    static final class Run {
        final Linear model = new Linear(4, 2, new SplittableRandom(5));
        final Adam optimizer = new Adam(model.parameters(), 1e-2f);
        int step;

        void step() {
            Tensor loss = Losses.mse(model.forward(Tensor.constant(X)), Tensor.constant(Y));
            optimizer.step(loss.backward());
            step++;
        }

        void save(Path file) {
            Checkpoint.save(file, model, optimizer, new DataLoader.State(step, step, 0),
                    Map.of("step", Integer.toString(step)));
        }

        static Run resume(Path file) {
            Run run = new Run();
            Checkpoint c = Checkpoint.load(file);
            c.restoreInto(run.model, run.optimizer);
            run.step = Integer.parseInt(c.extra().get("step"));
            return run;
        }
    }

    /** The big file of step {@code k}: 256k floats derived from k, with their checksum in the metadata. */
    static void saveBig(Path file, int k) {
        float[] data = new float[1 << 18];
        for (int i = 0; i < data.length; i++) {
            data[i] = k * 31 + i;
        }
        SafeTensors.save(file, Map.of("big", NDArray.wrap(data, data.length)),
                Map.of("step", Integer.toString(k), "checksum", Integer.toString(Arrays.hashCode(data))));
    }

    private CrashChild() {
    }

    /** Arguments: the directory; runs until killed. */
    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        Run run = new Run();
        boolean announced = false;
        while (true) {
            run.step();
            run.save(dir.resolve("run.ckpt"));
            saveBig(dir.resolve("big.safetensors"), run.step);
            if (!announced) {
                System.out.println("saved");
                System.out.flush();
                announced = true;
            }
        }
    }
}
