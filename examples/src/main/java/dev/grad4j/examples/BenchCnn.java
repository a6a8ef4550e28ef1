package dev.grad4j.examples;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.nn.BatchNorm2d;
import dev.grad4j.nn.Conv2d;
import dev.grad4j.nn.Flatten;
import dev.grad4j.nn.Linear;
import dev.grad4j.nn.Losses;
import dev.grad4j.nn.MaxPool2d;
import dev.grad4j.nn.ReLU;
import dev.grad4j.nn.Sequential;
import dev.grad4j.nn.optim.Adam;
import dev.grad4j.tensor.IntArray;
import dev.grad4j.tensor.NDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Training throughput of two MNIST CNNs, mirroring {@code shared/bench/cnn_train.py}: cross-entropy,
 * Adam(1e-3), a full step (forward, loss, backward, update) in training mode on a pool of 8 random
 * batches {@code [B, 1, 28, 28]}, after warm-up; the median of 7 samples of at least 0.5 s.
 *
 * <pre>
 * examples/run bench-cnn MODEL [BATCH...] [--threads N]      MODEL: lenet5 | convnet   (default batches 1 32 128)
 * </pre>
 *
 * <ul>
 *   <li>{@code lenet5}: Conv2d(1,6,5,p2) ReLU MaxPool2d(2) Conv2d(6,16,5) ReLU MaxPool2d(2) Flatten
 *       Linear(400,120) ReLU Linear(120,84) ReLU Linear(84,10)</li>
 *   <li>{@code convnet}: Conv2d(1,32,3,p1) BatchNorm2d(32) ReLU MaxPool2d(2) Conv2d(32,64,3,p1)
 *       BatchNorm2d(64) ReLU MaxPool2d(2) Flatten Linear(3136,128) ReLU Linear(128,10)</li>
 * </ul>
 */
public final class BenchCnn {

    private BenchCnn() {
    }

    /** Runs the benchmark; see the class comment for the arguments. */
    public static void main(String[] args) {
        String[] rest = BenchArgs.applyThreads(args);
        if (rest.length == 0 || !(rest[0].equals("lenet5") || rest[0].equals("convnet"))) {
            System.err.println("usage: examples/run bench-cnn lenet5|convnet [BATCH...] [--threads N]");
            System.exit(2);
            return;
        }
        List<Integer> batches = new ArrayList<>();
        for (int i = 1; i < rest.length; i++) {
            batches.add(Integer.parseInt(rest[i]));
        }
        if (batches.isEmpty()) {
            batches = List.of(1, 32, 128);
        }
        for (int batch : batches) {
            run(rest[0], batch);
        }
    }

    static Sequential model(String name, RandomGenerator random) {
        if (name.equals("lenet5")) {
            return new Sequential(
                    new Conv2d(1, 6, 5, 1, 2, random), new ReLU(), new MaxPool2d(2),
                    new Conv2d(6, 16, 5, random), new ReLU(), new MaxPool2d(2), new Flatten(),
                    new Linear(400, 120, random), new ReLU(), new Linear(120, 84, random), new ReLU(),
                    new Linear(84, 10, random));
        }
        return new Sequential(
                new Conv2d(1, 32, 3, 1, 1, random), new BatchNorm2d(32), new ReLU(), new MaxPool2d(2),
                new Conv2d(32, 64, 3, 1, 1, random), new BatchNorm2d(64), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(3136, 128, random), new ReLU(), new Linear(128, 10, random));
    }

    private static void run(String name, int batch) {
        SplittableRandom random = new SplittableRandom(0);
        Sequential model = model(name, random);
        model.train();
        Adam optimizer = new Adam(model.parameters(), 1e-3f);
        Tensor[] xs = new Tensor[8];
        IntArray[] ys = new IntArray[8];
        for (int i = 0; i < 8; i++) {
            xs[i] = Tensor.constant(NDArray.randn(random, batch, 1, 28, 28));
            ys[i] = IntArray.wrap(random.ints(batch, 0, 10).toArray(), batch);
        }
        int[] it = {0};
        float[] last = new float[1];
        Runnable step = () -> {
            int i = it[0]++ & 7;
            Tensor loss = Losses.crossEntropy(model.forward(xs[i]), ys[i]);
            optimizer.step(loss.backward());
            last[0] = loss.item();
        };
        Throughput.Result r = Throughput.measure(step, batch, 10, 3);
        System.out.println(String.format(Locale.ROOT,
                "{\"bench\":\"cnn_train\",\"lib\":\"grad4j\",\"model\":\"%s\",\"kernels\":\"%s\",\"threads\":%d,"
                        + "\"batch\":%d,\"samples_per_s_median\":%.1f,\"min\":%.1f,\"max\":%.1f,"
                        + "\"ms_per_step_median\":%.4f,\"steps_per_sample\":%d,\"final_loss\":%.4f}",
                name, BenchArgs.kernels(), BenchArgs.threads(), batch, r.median(), r.min(), r.max(),
                1000.0 * batch / r.median(), r.stepsPerSample(), last[0]));
    }
}
