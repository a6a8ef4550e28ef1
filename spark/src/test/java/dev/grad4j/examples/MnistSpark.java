package dev.grad4j.examples;

import dev.grad4j.data.Batch;
import dev.grad4j.data.DataLoader;
import dev.grad4j.data.Dataset;
import dev.grad4j.data.Mnist;
import dev.grad4j.nn.Module;
import dev.grad4j.nn.Sequential;
import dev.grad4j.nn.optim.Adam;
import dev.grad4j.nn.optim.CosineAnnealingLR;
import dev.grad4j.nn.optim.LrScheduler;
import dev.grad4j.nn.optim.Optimizer;
import dev.grad4j.spark.DataParallelTrainer;
import dev.grad4j.spark.DistributedDataset;
import dev.grad4j.spark.LabeledVector;
import dev.grad4j.spark.SerializableSupplier;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * The MNIST MLP of {@link MnistMlp}, trained data-parallel on Spark: same model, seed, Adam with
 * the cosine schedule, same global batches (the driver's DataLoader has the same seed), so the
 * result is the single-machine run's up to float summation order.
 *
 * <pre>
 * examples/run mnist-spark [--master local[2]] [--partitions 2] [--epochs N] [--seed S] [--batch B] [--lr LR] [--out FILE]
 * </pre>
 *
 * Compare with {@code examples/run mnist --shift 0}: the random shifts of {@link MnistMlp.RandomShift}
 * draw from one sequential generator in batch order, which a data-parallel run does not
 * reproduce, so this example trains on the unshifted digits ({@code --shift} must be 0).
 */
public final class MnistSpark {

    private MnistSpark() {
    }

    /** Runs the example. */
    public static void main(String[] args) {
        String master = "local[2]";
        int partitions = 2;
        List<String> rest = new ArrayList<>(List.of("--shift", "0"));
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--master") && i + 1 < args.length) {
                master = args[++i];
            } else if (args[i].equals("--partitions") && i + 1 < args.length) {
                partitions = Integer.parseInt(args[++i]);
            } else {
                rest.add(args[i]);
            }
        }
        MnistMlp.Options options = MnistMlp.Options.parse("mnist-spark", rest.toArray(new String[0]),
                "target/mnist-spark.safetensors", 15, 1e-3f);
        if (options.shift() != 0) {
            System.err.println("mnist-spark: --shift must be 0 (see the class comment)");
            System.exit(2);
        }
        Mnist mnist = Mnist.load(options.data());
        SparkSession spark = SparkSession.builder().master(master).appName("grad4j mnist-spark")
                .config("spark.ui.enabled", "false")
                    // A step's partition result is the whole gradient (1 MB here): return it in the task's
                    // status message instead of through the block manager (Spark's default limit is 1 MB).
                    .config("spark.task.maxDirectResultSize", "64m").getOrCreate();
        try {
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            DistributedDataset train = DistributedDataset.fromVectors(sc.parallelize(vectors(mnist.train()), partitions), 784);
            DistributedDataset test = DistributedDataset.fromVectors(sc.parallelize(vectors(mnist.test()), partitions), 784);
            System.out.printf(Locale.ROOT, "MNIST on Spark %s (%s): %s; batch %d, Adam lr %s (cosine), seed %d%n",
                    spark.version(), master, train, options.batchSize(), options.lr(), options.seed());

            long seed = options.seed();
            Sequential model = MnistMlp.model(new SplittableRandom(seed));
            SerializableSupplier<Module> factory = () -> MnistMlp.model(new SplittableRandom(0));
            Optimizer optimizer = new Adam(model.parameters(), options.lr());
            LrScheduler schedule = new CosineAnnealingLR(optimizer, Math.max(1, options.epochs()), 0f);
            DataParallelTrainer trainer = DataParallelTrainer.builder(train, factory, model, optimizer, options.batchSize())
                    .shuffle(new SplittableRandom(seed + 1)).build();
            double total = 0;
            double accuracy = Double.NaN;
            for (int epoch = 1; epoch <= options.epochs(); epoch++) {
                long t0 = System.nanoTime();
                DataParallelTrainer.EpochResult r = trainer.trainEpoch();
                long t1 = System.nanoTime();
                DataParallelTrainer.Evaluation e = trainer.evaluate(test);
                long t2 = System.nanoTime();
                schedule.step();
                total += (t1 - t0) / 1e9;
                accuracy = e.accuracy();
                System.out.printf(Locale.ROOT, "epoch %d/%d  loss %.4f  test accuracy %.2f%% (test loss %.4f)  train %.2f s"
                        + " (%.1f ms/step, %d steps)  eval %.2f s%n", epoch, options.epochs(), r.meanLoss(),
                        100 * e.accuracy(), e.loss(), (t1 - t0) / 1e9, (t1 - t0) / 1e6 / r.steps(), r.steps(),
                        (t2 - t1) / 1e9);
            }
            System.out.printf(Locale.ROOT, "final test accuracy %.2f%% after %d epochs (local check: %.2f%%); training %.1f s;"
                    + " per step: broadcast %d bytes, aggregated %d bytes%n", 100 * accuracy, options.epochs(),
                    100 * MnistMlp.accuracy(model, mnist.test()), total, trainer.lastBroadcastBytes(),
                    trainer.lastAggregateBytes());
            MnistMlp.save(model, options.out());
            System.out.println("saved " + options.out());
        } finally {
            spark.stop();
        }
    }

    /** The examples of {@code d} as labelled vectors, in index order. */
    static List<LabeledVector> vectors(Dataset d) {
        List<LabeledVector> out = new ArrayList<>(d.size());
        for (Batch b : new DataLoader(d, 1000)) {
            float[] x = b.features().toArray();
            int width = x.length / b.size();
            int[] y = b.labels();
            for (int i = 0; i < y.length; i++) {
                float[] row = new float[width];
                System.arraycopy(x, i * width, row, 0, width);
                out.add(new LabeledVector(row, y[i]));
            }
        }
        return out;
    }
}
