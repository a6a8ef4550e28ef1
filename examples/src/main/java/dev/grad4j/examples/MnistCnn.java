package dev.grad4j.examples;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.data.DataLoader;
import dev.grad4j.data.Dataset;
import dev.grad4j.data.Mnist;
import dev.grad4j.nn.BatchNorm2d;
import dev.grad4j.nn.Conv2d;
import dev.grad4j.nn.Dropout;
import dev.grad4j.nn.Flatten;
import dev.grad4j.nn.Linear;
import dev.grad4j.nn.MaxPool2d;
import dev.grad4j.nn.Module;
import dev.grad4j.nn.ReLU;
import dev.grad4j.nn.Sequential;
import dev.grad4j.nn.optim.Adam;
import dev.grad4j.nn.optim.CosineAnnealingLR;
import dev.grad4j.nn.optim.LrScheduler;
import dev.grad4j.nn.optim.Optimizer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Trains a small convolutional network on the bundled MNIST digits, saves it as safetensors and
 * draws its training curves.
 *
 * <p>Model ({@code [batch, 1, 28, 28]} to 10 logits), with PyTorch's layer names:
 * {@code Conv2d(1, 16, 3, padding 1) BatchNorm2d ReLU MaxPool2d(2) Conv2d(16, 32, 3, padding 1)
 * BatchNorm2d ReLU MaxPool2d(2) Flatten Linear(1568, 128) ReLU Dropout(0.25) Linear(128, 10)}.
 * Adam (lr 2e-3, cosine-annealed over the epochs), batches of 64, every training digit moved by a
 * random shift of up to 2 pixels; after each epoch the model is evaluated on the 2,000 test
 * digits in evaluation mode (batch norm on its running statistics, no dropout).
 *
 * <pre>
 * examples/run mnist-cnn [--epochs N] [--seed S] [--batch B] [--lr LR] [--shift PIXELS] [--data DIR] [--out FILE]
 * </pre>
 *
 * Defaults: 12 epochs, seed 42, batch 64, lr 2e-3, shift 2, output
 * {@code target/mnist-cnn.safetensors}; the curves go beside it as {@code mnist-cnn.svg}.
 */
public final class MnistCnn {

    private MnistCnn() {
    }

    /** Runs the example; see the class comment for the options. */
    public static void main(String[] args) {
        MnistMlp.Options options;
        try {
            options = MnistMlp.Options.parse("mnist-cnn", args, "target/mnist-cnn.safetensors", 12, 2e-3f);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(MnistMlp.Options.usage("mnist-cnn"));
            System.exit(2);
            return;
        }
        Mnist mnist = Mnist.load(options.data());
        System.out.printf(Locale.ROOT, "MNIST from %s: %d training, %d test digits; batch %d, Adam lr %s (cosine),"
                + " shift %d px, seed %d%n", options.data(), mnist.train().size(), mnist.test().size(),
                options.batchSize(), options.lr(), options.shift(), options.seed());
        Sequential model = model(new SplittableRandom(options.seed()));
        System.out.println(model);
        long start = System.nanoTime();
        List<MnistMlp.EpochResult> results = train(model, mnist.train(), mnist.test(), options);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (!results.isEmpty()) {
            MnistMlp.EpochResult last = results.get(results.size() - 1);
            System.out.printf(Locale.ROOT, "final test accuracy %.2f%% after %d epochs; %.1f s (%.2f s/epoch)%n",
                    100 * last.accuracy(), last.epoch(), seconds, seconds / results.size());
        }
        MnistMlp.save(model, options.out());
        Path chart = options.out().resolveSibling(
                options.out().getFileName().toString().replaceFirst("\\.safetensors$", "") + ".svg");
        drawCurves(results, chart);
        System.out.println("saved " + options.out() + " and " + chart);
    }

    /** The untrained network, initialised from {@code random} as PyTorch initialises these layers. */
    static Sequential model(RandomGenerator random) {
        return new Sequential(
                new Conv2d(1, 16, 3, 1, 1, random), new BatchNorm2d(16), new ReLU(), new MaxPool2d(2),
                new Conv2d(16, 32, 3, 1, 1, random), new BatchNorm2d(32), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(32 * 7 * 7, 128, random), new ReLU(), new Dropout(0.25f, random),
                new Linear(128, 10, random));
    }

    /** Trains in training mode, evaluating in evaluation mode after every epoch. */
    static List<MnistMlp.EpochResult> train(Sequential model, Dataset train, Dataset test, MnistMlp.Options options) {
        Module images = x -> model.forward(x.reshape(-1, 1, 28, 28)); // the loader yields [batch, 784]
        Optimizer optimizer = new Adam(model.parameters(), options.lr());
        LrScheduler schedule = new CosineAnnealingLR(optimizer, Math.max(1, options.epochs()), 0f);
        Dataset shifted = options.shift() == 0 ? train
                : new MnistMlp.RandomShift(train, options.shift(), new SplittableRandom(options.seed() + 2));
        DataLoader loader = new DataLoader(shifted, options.batchSize(), new SplittableRandom(options.seed() + 1));
        List<MnistMlp.EpochResult> results = new ArrayList<>();
        for (int epoch = 1; epoch <= options.epochs(); epoch++) {
            String label = String.format(Locale.ROOT, "epoch %d/%d", epoch, options.epochs());
            long t0 = System.nanoTime();
            model.train();
            double loss = MnistMlp.trainEpoch(images, optimizer, loader,
                    new MnistMlp.ProgressBar(System.err, label, loader.batchesPerEpoch()));
            long t1 = System.nanoTime();
            model.eval();
            double accuracy = MnistMlp.accuracy(images, test);
            long t2 = System.nanoTime();
            MnistMlp.EpochResult r = new MnistMlp.EpochResult(epoch, loss, accuracy, (t1 - t0) / 1e9, (t2 - t1) / 1e9);
            results.add(r);
            schedule.step();
            System.out.printf(Locale.ROOT, "%s  loss %.4f  test accuracy %.2f%%  train %.2f s  eval %.2f s%n", label,
                    r.meanLoss(), 100 * r.accuracy(), r.trainSeconds(), r.evalSeconds());
        }
        return results;
    }

    /** Writes the training loss and the test accuracy per epoch as an SVG chart. */
    static void drawCurves(List<MnistMlp.EpochResult> results, Path file) {
        int n = results.size();
        double[] epochs = new double[n];
        double[] loss = new double[n];
        double[] accuracy = new double[n];
        for (int i = 0; i < n; i++) {
            epochs[i] = results.get(i).epoch();
            loss[i] = results.get(i).meanLoss();
            accuracy[i] = 100 * results.get(i).accuracy();
        }
        Chart.write(file, List.of(
                new Chart.Panel("Training loss", "epoch", "mean cross-entropy",
                        List.of(new Chart.Series("train loss", "#1f77b4", epochs, loss))),
                new Chart.Panel("Test accuracy", "epoch", "% of 2,000 test digits",
                        List.of(new Chart.Series("test accuracy", "#d62728", epochs, accuracy)))));
    }
}
