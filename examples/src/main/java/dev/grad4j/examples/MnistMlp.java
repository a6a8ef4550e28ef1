package dev.grad4j.examples;

import dev.grad4j.autograd.Autograd;
import dev.grad4j.autograd.Tensor;
import dev.grad4j.data.Batch;
import dev.grad4j.data.DataLoader;
import dev.grad4j.data.Dataset;
import dev.grad4j.data.Mnist;
import dev.grad4j.io.SafeTensors;
import dev.grad4j.nn.Linear;
import dev.grad4j.nn.Losses;
import dev.grad4j.nn.Module;
import dev.grad4j.nn.ReLU;
import dev.grad4j.nn.Sequential;
import dev.grad4j.nn.optim.Adam;
import dev.grad4j.nn.optim.CosineAnnealingLR;
import dev.grad4j.nn.optim.LrScheduler;
import dev.grad4j.nn.optim.Optimizer;
import dev.grad4j.tensor.NDArray;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Trains a multilayer perceptron on the bundled MNIST digits and saves it as safetensors.
 *
 * <p>Model: {@code Sequential(Linear(784, 256), ReLU, Linear(256, 128), ReLU, Linear(128, 10))},
 * Kaiming-uniform initialised; loss: {@link Losses#crossEntropy}; optimizer: {@link Adam} with
 * learning rate 1e-3, annealed to 0 along a cosine over the epochs ({@link CosineAnnealingLR});
 * shuffled batches of 64 from a seeded {@link DataLoader}, each digit moved by a random shift of up
 * to 2 pixels ({@link RandomShift}; with only 8,000 training digits this is worth about one point
 * of test accuracy). After each epoch the model is evaluated on the test digits under
 * {@link Autograd#noGrad()}; a progress bar on stderr shows the running loss. The trained
 * parameters are written with PyTorch's names ({@code 0.weight}, ..., {@code 4.bias}), so
 * {@code safetensors.torch.load_file} reads them into the same {@code nn.Sequential}.
 *
 * <pre>
 * examples/run mnist [--epochs N] [--seed S] [--batch B] [--lr LR] [--shift PIXELS] [--data DIR] [--out FILE]
 * </pre>
 *
 * Defaults: 15 epochs, seed 42, batch 64, lr 1e-3, shift 2, data {@code examples/data/mnist10k}
 * (8,000 training and 2,000 test digits), output {@code target/mnist-mlp.safetensors}. Paths are
 * relative to the working directory, which {@code examples/run} sets to the project root.
 */
public final class MnistMlp {

    /**
     * The settings of a run.
     *
     * @param data directory of the four MNIST IDX files
     * @param out file the trained model is saved to
     * @param epochs number of passes over the training set
     * @param seed seed of the initialisation, the shuffling and the shifts
     * @param batchSize examples per training step
     * @param lr Adam's initial learning rate
     * @param shift largest random shift of a training digit, in pixels (0: none)
     */
    record Options(Path data, Path out, int epochs, long seed, int batchSize, float lr, int shift) {

        static final String USAGE = usage("mnist");

        private static final Map<String, String> DEFAULTS = defaults("target/mnist-mlp.safetensors", 15, 1e-3f);

        static String usage(String program) {
            return "usage: examples/run " + program + " [--epochs N] [--seed S] [--batch B] [--lr LR]"
                    + " [--shift PIXELS] [--data DIR] [--out FILE]";
        }

        private static Map<String, String> defaults(String out, int epochs, float lr) {
            Map<String, String> d = new LinkedHashMap<>();
            d.put("--data", "examples/data/mnist10k");
            d.put("--out", out);
            d.put("--epochs", Integer.toString(epochs));
            d.put("--seed", "42");
            d.put("--batch", "64");
            d.put("--lr", Float.toString(lr));
            d.put("--shift", "2");
            return Collections.unmodifiableMap(d);
        }

        /**
         * Validates the values.
         *
         * @throws IllegalArgumentException if a count is out of range or the learning rate is not finite and positive
         */
        Options {
            if (epochs < 0 || batchSize <= 0 || !(lr > 0f) || Float.isInfinite(lr) || shift < 0 || shift > 27) {
                throw new IllegalArgumentException("mnist: need epochs >= 0, batch > 0, a finite lr > 0 and shift in"
                        + " [0, 27]: epochs " + epochs + ", batch " + batchSize + ", lr " + lr + ", shift " + shift);
            }
        }

        /**
         * Reads {@code --name value} pairs; options not given take their defaults.
         *
         * @throws IllegalArgumentException on an unknown option, a missing value or a malformed number
         */
        static Options parse(String... args) {
            return parse("mnist", args, DEFAULTS);
        }

        /** As {@link #parse(String...)} for another program with its own output file, epochs and learning rate. */
        static Options parse(String program, String[] args, String out, int epochs, float lr) {
            return parse(program, args, defaults(out, epochs, lr));
        }

        private static Options parse(String program, String[] args, Map<String, String> defaults) {
            Map<String, String> v = new LinkedHashMap<>(defaults);
            for (int i = 0; i < args.length; i += 2) {
                if (!defaults.containsKey(args[i])) {
                    throw new IllegalArgumentException(program + ": unknown option " + args[i]);
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(program + ": " + args[i] + " needs a value");
                }
                v.put(args[i], args[i + 1]);
            }
            String name = "";
            try {
                name = "--epochs";
                int epochs = Integer.parseInt(v.get(name));
                name = "--seed";
                long seed = Long.parseLong(v.get(name));
                name = "--batch";
                int batch = Integer.parseInt(v.get(name));
                name = "--lr";
                float lr = Float.parseFloat(v.get(name));
                name = "--shift";
                int shift = Integer.parseInt(v.get(name));
                return new Options(Path.of(v.get("--data")), Path.of(v.get("--out")), epochs, seed, batch, lr, shift);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(program + ": " + name + " needs a number, got " + v.get(name), e);
            }
        }
    }

    /**
     * What one epoch achieved.
     *
     * @param epoch the epoch, from 1
     * @param meanLoss mean training loss over the epoch's batches
     * @param accuracy fraction of test digits classified correctly after the epoch
     * @param trainSeconds wall time of the training steps
     * @param evalSeconds wall time of the evaluation
     */
    record EpochResult(int epoch, double meanLoss, double accuracy, double trainSeconds, double evalSeconds) {
    }

    private MnistMlp() {
    }

    /** Runs the example; see the class comment for the options. */
    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        Mnist mnist = Mnist.load(options.data());
        System.out.printf(Locale.ROOT, "MNIST from %s: %d training, %d test digits; batch %d, Adam lr %s (cosine),"
                + " shift %d px, seed %d%n", options.data(), mnist.train().size(), mnist.test().size(),
                options.batchSize(), options.lr(), options.shift(), options.seed());
        Sequential model = model(new SplittableRandom(options.seed()));
        System.out.println(model);
        List<EpochResult> results = train(model, mnist.train(), mnist.test(), options, System.err, System.out);
        double trainTotal = results.stream().mapToDouble(EpochResult::trainSeconds).sum();
        if (!results.isEmpty()) {
            EpochResult last = results.get(results.size() - 1);
            System.out.printf(Locale.ROOT, "final test accuracy %.2f%% after %d epochs; training %.1f s (%.2f s/epoch)%n",
                    100 * last.accuracy(), last.epoch(), trainTotal, trainTotal / results.size());
        }
        save(model, options.out());
        System.out.println("saved " + options.out());
    }

    /** The untrained network, initialised from {@code random}. */
    static Sequential model(RandomGenerator random) {
        return new Sequential(new Linear(784, 256, random), new ReLU(), new Linear(256, 128, random), new ReLU(),
                new Linear(128, 10, random));
    }

    /**
     * Trains {@code model} for {@code options.epochs()} epochs on {@code train} (randomly shifted),
     * evaluating on {@code test} after each one; shuffling and shifts are seeded from
     * {@code options.seed()}.
     *
     * @param progress where the progress bar is drawn (stderr, or a null stream)
     * @param log where one summary line per epoch is printed
     */
    static List<EpochResult> train(Module model, Dataset train, Dataset test, Options options, PrintStream progress,
            PrintStream log) {
        Optimizer optimizer = new Adam(model.parameters(), options.lr());
        LrScheduler schedule = new CosineAnnealingLR(optimizer, Math.max(1, options.epochs()), 0f);
        Dataset shifted = options.shift() == 0 ? train
                : new RandomShift(train, options.shift(), new SplittableRandom(options.seed() + 2));
        DataLoader loader = new DataLoader(shifted, options.batchSize(), new SplittableRandom(options.seed() + 1));
        List<EpochResult> results = new ArrayList<>();
        for (int epoch = 1; epoch <= options.epochs(); epoch++) {
            String label = String.format(Locale.ROOT, "epoch %d/%d", epoch, options.epochs());
            long t0 = System.nanoTime();
            double loss = trainEpoch(model, optimizer, loader, new ProgressBar(progress, label, loader.batchesPerEpoch()));
            long t1 = System.nanoTime();
            double accuracy = accuracy(model, test);
            long t2 = System.nanoTime();
            EpochResult r = new EpochResult(epoch, loss, accuracy, (t1 - t0) / 1e9, (t2 - t1) / 1e9);
            results.add(r);
            schedule.step();
            log.printf(Locale.ROOT, "%s  loss %.4f  test accuracy %.2f%%  train %.2f s  eval %.2f s%n", label,
                    r.meanLoss(), 100 * r.accuracy(), r.trainSeconds(), r.evalSeconds());
        }
        return results;
    }

    /** One pass over {@code loader}: a cross-entropy step per batch. Returns the mean batch loss. */
    static double trainEpoch(Module model, Optimizer optimizer, DataLoader loader, ProgressBar bar) {
        double sum = 0;
        int steps = 0;
        for (Batch batch : loader) {
            Tensor loss = Losses.crossEntropy(model.forward(Tensor.constant(batch.features())), batch.labelArray());
            optimizer.step(loss.backward());
            sum += loss.item();
            steps++;
            bar.update(steps, sum / steps);
        }
        bar.finish();
        return steps == 0 ? Double.NaN : sum / steps;
    }

    /** Fraction of {@code test} whose highest logit is the label, computed without recording. */
    static double accuracy(Module model, Dataset test) {
        int correct = 0;
        try (var scope = Autograd.noGrad()) {
            for (Batch batch : new DataLoader(test, 500)) {
                NDArray logits = model.forward(Tensor.constant(batch.features())).value();
                int classes = logits.shape().dim(1);
                float[] z = logits.toArray();
                int[] labels = batch.labels();
                for (int n = 0; n < labels.length; n++) {
                    int best = 0;
                    for (int c = 1; c < classes; c++) {
                        if (z[n * classes + c] > z[n * classes + best]) {
                            best = c;
                        }
                    }
                    correct += best == labels[n] ? 1 : 0;
                }
            }
        }
        return test.size() == 0 ? Double.NaN : (double) correct / test.size();
    }

    /**
     * Training digits moved by a random offset {@code (dx, dy)}, each uniform in
     * {@code [-max, max]} pixels, drawn afresh for every example of every batch; pixels moved in
     * from outside the image are 0 (background). The offsets come from the generator given at
     * construction, in batch order, so a run is reproducible.
     */
    static final class RandomShift implements Dataset {

        private static final int SIDE = 28;

        private final Dataset digits;
        private final int max;
        private final RandomGenerator random;

        /** Shifts the {@code [n, 784]} digits of {@code digits} by up to {@code max} pixels. */
        RandomShift(Dataset digits, int max, RandomGenerator random) {
            this.digits = digits;
            this.max = max;
            this.random = random;
        }

        @Override
        public int size() {
            return digits.size();
        }

        @Override
        public Batch batch(int[] indices) {
            Batch b = digits.batch(indices);
            float[] x = b.features().toArray();
            float[] y = new float[x.length];
            for (int n = 0; n < indices.length; n++) {
                int dx = random.nextInt(2 * max + 1) - max;
                int dy = random.nextInt(2 * max + 1) - max;
                int image = n * SIDE * SIDE;
                for (int row = Math.max(0, dy); row < Math.min(SIDE, SIDE + dy); row++) {
                    int from = image + (row - dy) * SIDE;
                    int to = image + row * SIDE;
                    int col0 = Math.max(0, dx);
                    System.arraycopy(x, from + col0 - dx, y, to + col0, SIDE - Math.abs(dx));
                }
            }
            return new Batch(NDArray.wrap(y, indices.length, SIDE * SIDE), b.labelArray());
        }
    }

    /** Writes the parameters of {@code model} to {@code file}, creating its directory if needed. */
    static void save(Module model, Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("mnist: cannot create the directory of " + file, e);
        }
        SafeTensors.save(file, model.stateDict(), Map.of("format", "pt", "grad4j.model", model.toString()));
    }

    /**
     * A one-line text progress bar, {@code epoch 3/10 [=========>          ] 63/125 loss 0.2345},
     * redrawn in place with {@code \r} at most every 50 ms (and always for the last step).
     */
    static final class ProgressBar {

        private static final long MIN_REDRAW_NANOS = 50_000_000L;
        private static final int WIDTH = 30;

        private final PrintStream out;
        private final String label;
        private final int total;
        private long lastDraw;
        private boolean drawn;

        ProgressBar(PrintStream out, String label, int total) {
            this.out = out;
            this.label = label;
            this.total = total;
        }

        /** Shows that {@code done} of the steps are finished, with the running loss, if it is time to redraw. */
        void update(int done, double loss) {
            long now = System.nanoTime();
            if (drawn && done < total && now - lastDraw < MIN_REDRAW_NANOS) {
                return;
            }
            drawn = true;
            lastDraw = now;
            int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
            StringBuilder bar = new StringBuilder(WIDTH);
            for (int i = 0; i < WIDTH; i++) {
                bar.append(i < filled ? '=' : i == filled ? '>' : ' ');
            }
            out.printf(Locale.ROOT, "\r%s [%s] %d/%d loss %.4f", label, bar, done, total, loss);
            out.flush();
        }

        /** Ends the bar's line, so the next output starts on a fresh one. */
        void finish() {
            if (drawn) {
                out.println();
                out.flush();
            }
        }
    }
}
