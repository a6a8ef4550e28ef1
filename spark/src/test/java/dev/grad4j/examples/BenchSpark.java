package dev.grad4j.examples;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.data.Batch;
import dev.grad4j.data.DataLoader;
import dev.grad4j.data.TensorDataset;
import dev.grad4j.nn.Linear;
import dev.grad4j.nn.Losses;
import dev.grad4j.nn.Module;
import dev.grad4j.nn.ReLU;
import dev.grad4j.nn.Sequential;
import dev.grad4j.nn.optim.Adam;
import dev.grad4j.nn.optim.Optimizer;
import dev.grad4j.spark.DataParallelTrainer;
import dev.grad4j.spark.DistributedDataset;
import dev.grad4j.spark.LabeledVector;
import dev.grad4j.spark.SerializableSupplier;
import dev.grad4j.tensor.NDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Step time of the MLP 784-256-256-10 (Adam, cross-entropy) trained data-parallel on Spark in
 * local mode against the single-JVM step at the same global batch, and the fixed overhead of a
 * Spark step (the step time at a global batch of one example per partition).
 *
 * <pre>
 * examples/run bench-spark [--masters local[1],local[2]] [BATCH...]      (default batches 512 4096)
 * </pre>
 *
 * Prints one JSON line per measurement and a Markdown table. Each figure is the median of 7
 * samples of whole steps after a warm-up of at least 4 s.
 */
public final class BenchSpark {

    private static final int WIDTH = 784;
    private static final int EXAMPLES = 8192;

    private BenchSpark() {
    }

    static Sequential mlp(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        return new Sequential(new Linear(WIDTH, 256, r), new ReLU(), new Linear(256, 256, r), new ReLU(),
                new Linear(256, 10, r));
    }

    /** Runs the benchmark. */
    public static void main(String[] args) {
        List<String> masters = List.of("local[1]", "local[2]");
        List<Integer> batches = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--masters") && i + 1 < args.length) {
                masters = Arrays.asList(args[++i].split(","));
            } else {
                batches.add(Integer.parseInt(args[i]));
            }
        }
        if (batches.isEmpty()) {
            batches = List.of(512, 4096);
        }
        SplittableRandom r = new SplittableRandom(3);
        float[] x = new float[EXAMPLES * WIDTH];
        int[] y = new int[EXAMPLES];
        List<LabeledVector> rows = new ArrayList<>(EXAMPLES);
        for (int i = 0; i < EXAMPLES; i++) {
            float[] row = new float[WIDTH];
            for (int j = 0; j < WIDTH; j++) {
                row[j] = (float) r.nextDouble();
            }
            y[i] = r.nextInt(10);
            System.arraycopy(row, 0, x, i * WIDTH, WIDTH);
            rows.add(new LabeledVector(row, y[i]));
        }
        int threads = Runtime.getRuntime().availableProcessors();
        String kernelThreads = System.getProperty("grad4j.threads", Integer.toString(threads));
        List<String> table = new ArrayList<>();
        double[] single = new double[batches.size()];
        for (int k = 0; k < batches.size(); k++) {
            int batch = batches.get(k);
            Sequential model = mlp(1);
            Optimizer adam = new Adam(model.parameters(), 1e-3f);
            DataLoader loader = new DataLoader(new TensorDataset(NDArray.of(x, EXAMPLES, WIDTH), y), batch,
                    new SplittableRandom(2));
            var cursor = new Object() {
                Iterator<Batch> it = loader.iterator();
            };
            single[k] = medianMs(() -> {
                if (!cursor.it.hasNext()) {
                    cursor.it = loader.iterator();
                }
                Batch b = cursor.it.next();
                Tensor loss = Losses.crossEntropy(model.forward(Tensor.constant(b.features())), b.labels());
                adam.step(loss.backward());
                return loss.item();
            });
            System.out.printf(Locale.ROOT, "{\"bench\":\"spark_step\",\"mode\":\"single-jvm\",\"kernel_threads\":%s,"
                    + "\"batch\":%d,\"ms_per_step\":%.2f}%n", kernelThreads, batch, single[k]);
        }
        for (String master : masters) {
            SparkSession spark = SparkSession.builder().master(master).appName("grad4j bench-spark")
                    .config("spark.ui.enabled", "false")
                    // A step's partition result is the whole gradient (1 MB here): return it in the task's
                    // status message instead of through the block manager (Spark's default limit is 1 MB).
                    .config("spark.task.maxDirectResultSize", "64m").getOrCreate();
            try {
                JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
                int partitions = sc.defaultParallelism();
                DistributedDataset data = DistributedDataset.fromVectors(sc.parallelize(rows, partitions), WIDTH);
                SerializableSupplier<Module> factory = () -> mlp(0);
                double overhead = sparkStep(data, factory, partitions, null);
                System.out.printf(Locale.ROOT, "{\"bench\":\"spark_step\",\"mode\":\"%s\",\"partitions\":%d,\"batch\":%d,"
                        + "\"ms_per_step\":%.2f,\"note\":\"fixed overhead\"}%n", master, partitions, partitions, overhead);
                for (int k = 0; k < batches.size(); k++) {
                    int batch = batches.get(k);
                    long[] bytes = new long[2];
                    double ms = sparkStep(data, factory, batch, bytes);
                    System.out.printf(Locale.ROOT, "{\"bench\":\"spark_step\",\"mode\":\"%s\",\"partitions\":%d,\"batch\":%d,"
                            + "\"ms_per_step\":%.2f,\"broadcast_bytes\":%d,\"aggregate_bytes\":%d}%n", master, partitions,
                            batch, ms, bytes[0], bytes[1]);
                    table.add(String.format(Locale.ROOT, "| %d | %s | %.1f | %.1f | %.2f× | %.1f | %.1f |", batch, master,
                            ms, single[k], ms / single[k], overhead, ms - overhead));
                }
            } finally {
                spark.stop();
            }
        }
        System.out.printf("%n| global batch | Spark master | Spark step ms | single-JVM step ms (%s kernel threads) | ratio"
                + " | fixed overhead ms | step − overhead ms |%n|---|---|---|---|---|---|---|%n", kernelThreads);
        table.forEach(System.out::println);
    }

    private static double sparkStep(DistributedDataset data, SerializableSupplier<Module> factory, int batch, long[] bytes) {
        Sequential model = mlp(1);
        Optimizer adam = new Adam(model.parameters(), 1e-3f);
        DataParallelTrainer trainer = DataParallelTrainer.builder(data, factory, model, adam, batch)
                .shuffle(new SplittableRandom(2)).build();
        double ms = medianMs(() -> trainer.step().loss());
        if (bytes != null) {
            bytes[0] = trainer.lastBroadcastBytes();
            bytes[1] = trainer.lastAggregateBytes();
        }
        return ms;
    }

    /** Median milliseconds per call of {@code step} over 7 samples of at least 0.5 s, after 4 s of warm-up. */
    private static double medianMs(DoubleSupplier step) {
        long warm = System.nanoTime();
        int calls = 0;
        while (System.nanoTime() - warm < 4_000_000_000L || calls < 3) {
            step.getAsDouble();
            calls++;
        }
        double[] samples = new double[7];
        for (int s = 0; s < samples.length; s++) {
            long t0 = System.nanoTime();
            int n = 0;
            do {
                step.getAsDouble();
                n++;
            } while (System.nanoTime() - t0 < 500_000_000L);
            samples[s] = (System.nanoTime() - t0) / 1e6 / n;
        }
        Arrays.sort(samples);
        return samples[samples.length / 2];
    }
}
