package dev.grad4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.grad4j.autograd.Autograd;
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
import dev.grad4j.tensor.NDArray;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training on Spark in local mode: bit-identical across core counts and retries, equal to a
 * single-JVM run up to summation order, resumable bit for bit.
 */
class DataParallelTrainerTest {

    static final int N = 600;
    static final int WIDTH = 12;
    static final int CLASSES = 3;
    static final int PARTITIONS = 5;
    static final int BATCH = 64;
    static final int STEPS = 8;
    static final long SEED = 7;

    /** Separable-ish synthetic examples: the class is the argmax of a fixed random projection. */
    static List<LabeledVector> examples() {
        SplittableRandom r = new SplittableRandom(1);
        float[][] w = new float[CLASSES][WIDTH];
        for (float[] row : w) {
            for (int j = 0; j < WIDTH; j++) {
                row[j] = (float) r.nextGaussian();
            }
        }
        List<LabeledVector> out = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            float[] x = new float[WIDTH];
            for (int j = 0; j < WIDTH; j++) {
                x[j] = (float) r.nextGaussian();
            }
            int best = 0;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < CLASSES; c++) {
                double s = 0;
                for (int j = 0; j < WIDTH; j++) {
                    s += w[c][j] * x[j];
                }
                if (s > bestScore) {
                    bestScore = s;
                    best = c;
                }
            }
            out.add(new LabeledVector(x, best));
        }
        return out;
    }

    static Sequential model(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        return new Sequential(new Linear(WIDTH, 16, r), new ReLU(), new Linear(16, CLASSES, r));
    }

    static final SerializableSupplier<Module> FACTORY = () -> model(0);

    /** A trainer over {@code data} with a fresh model from seed {@link #SEED}. */
    record Run(Sequential model, Optimizer optimizer, DataParallelTrainer trainer) {

        static Run start(DistributedDataset data, ExampleLoss loss, Path checkpoint) {
            Sequential m = DataParallelTrainerTest.model(SEED);
            Optimizer adam = new Adam(m.parameters(), 1e-2f);
            DataParallelTrainer.Builder b = DataParallelTrainer.builder(data, FACTORY, m, adam, BATCH)
                    .shuffle(new SplittableRandom(SEED + 1)).loss(loss);
            if (checkpoint != null) {
                b.checkpoint(checkpoint, 5);
            }
            return new Run(m, adam, b.build());
        }
    }

    static Map<String, float[]> parameters(Module m) {
        Map<String, float[]> out = new LinkedHashMap<>();
        m.stateDict().forEach((k, v) -> out.put(k, v.toArray()));
        return out;
    }

    static void assertBitIdentical(Map<String, float[]> a, Map<String, float[]> b) {
        assertThat(a.keySet()).isEqualTo(b.keySet());
        for (String k : a.keySet()) {
            assertThat(Arrays.equals(a.get(k), b.get(k))).as("parameter %s bit for bit", k).isTrue();
        }
    }

    /** Trains {@link #STEPS} steps on {@code master}; returns the final parameters and the step losses. */
    static Map<String, float[]> train(String master, ExampleLoss loss, List<Float> losses) {
        try (LocalSpark spark = new LocalSpark(master)) {
            DistributedDataset data = DistributedDataset.fromVectors(spark.sc.parallelize(examples(), PARTITIONS), WIDTH);
            assertThat(data.partitionSizes()).containsExactly(120, 120, 120, 120, 120);
            Run run = Run.start(data, loss, null);
            for (int s = 0; s < STEPS; s++) {
                losses.add(run.trainer().step().loss());
            }
            return parameters(run.model());
        }
    }

    /** Fails the first attempt of partition 1's task in every step; Spark retries it. */
    static ExampleLoss failingFirstAttempt() {
        ExampleLoss ce = ExampleLoss.crossEntropy();
        return (model, batch) -> {
            TaskContext t = TaskContext.get();
            if (t != null && t.partitionId() == 1 && t.attemptNumber() == 0) {
                throw new IllegalStateException("injected failure of the first attempt");
            }
            return ce.sum(model, batch);
        };
    }

    @Test
    void oneTwoAndFourCoresWithRetriedTasksGiveBitIdenticalParametersAndMatchOneJvm() {
        List<Float> losses1 = new ArrayList<>();
        Map<String, float[]> p1 = train("local[1]", ExampleLoss.crossEntropy(), losses1);
        List<Float> losses4 = new ArrayList<>();
        Map<String, float[]> p4 = train("local[4]", ExampleLoss.crossEntropy(), losses4);
        // Two cores, up to 3 attempts per task, and partition 1's first attempt fails in every step.
        List<Float> losses2 = new ArrayList<>();
        Map<String, float[]> p2 = train("local[2,3]", failingFirstAttempt(), losses2);

        assertBitIdentical(p1, p2);
        assertBitIdentical(p1, p4);
        assertThat(losses2).isEqualTo(losses1);
        assertThat(losses4).isEqualTo(losses1);

        // One JVM, the same global batches (same DataLoader seed), the mean loss in one piece.
        List<LabeledVector> all = examples();
        float[] x = new float[N * WIDTH];
        int[] y = new int[N];
        for (int i = 0; i < N; i++) {
            System.arraycopy(all.get(i).features(), 0, x, i * WIDTH, WIDTH);
            y[i] = all.get(i).label();
        }
        Sequential m = model(SEED);
        Optimizer adam = new Adam(m.parameters(), 1e-2f);
        DataLoader loader = new DataLoader(new TensorDataset(NDArray.of(x, N, WIDTH), y), BATCH, new SplittableRandom(SEED + 1));
        List<Float> single = new ArrayList<>();
        outer:
        while (true) {
            for (Batch b : loader) {
                Tensor loss = Losses.crossEntropy(m.forward(Tensor.constant(b.features())), b.labels());
                adam.step(loss.backward());
                single.add(loss.item());
                if (single.size() == STEPS) {
                    break outer;
                }
            }
        }
        for (int s = 0; s < STEPS; s++) {
            assertThat(losses1.get(s)).as("loss of step %d", s + 1).isCloseTo(single.get(s), within(1e-4f * Math.max(1f, single.get(s))));
        }
        Map<String, float[]> ps = parameters(m);
        for (String k : ps.keySet()) {
            float[] a = ps.get(k);
            float[] b = p1.get(k);
            for (int i = 0; i < a.length; i++) {
                assertThat(b[i]).as("%s[%d]", k, i).isCloseTo(a[i], within(1e-4f * Math.max(1f, Math.abs(a[i]))));
            }
        }
        assertThat(single.get(STEPS - 1)).isLessThan(0.8f * single.get(0));
    }

    @Test
    void aResumedRunContinuesBitForBitAndEvaluationAndInferenceMatchTheLocalModel(@TempDir Path dir) {
        try (LocalSpark spark = new LocalSpark("local[2]")) {
            JavaRDD<LabeledVector> rdd = spark.sc.parallelize(examples(), PARTITIONS);
            DistributedDataset data = DistributedDataset.fromVectors(rdd, WIDTH);
            Path file = dir.resolve("run.ckpt");

            Run straight = Run.start(data, ExampleLoss.crossEntropy(), file);
            for (int s = 0; s < STEPS; s++) {
                straight.trainer().step();
            }
            // The checkpoint written at step 5 (every 5): a new driver resumes from it.
            Run resumed = Run.start(data, ExampleLoss.crossEntropy(), null);
            resumed.trainer().resume(file);
            assertThat(resumed.trainer().steps()).isEqualTo(5);
            for (int s = 5; s < STEPS; s++) {
                resumed.trainer().step();
            }
            assertBitIdentical(parameters(straight.model()), parameters(resumed.model()));
            assertThat(resumed.trainer().loaderState()).isEqualTo(straight.trainer().loaderState());

            // Evaluation over the distributed set equals the local computation.
            DataParallelTrainer.Evaluation e = straight.trainer().evaluate(data);
            List<LabeledVector> all = examples();
            int correct = 0;
            double lossSum = 0;
            try (var scope = Autograd.noGrad()) {
                for (LabeledVector v : all) {
                    Tensor logits = straight.model().forward(Tensor.constant(NDArray.of(v.features(), 1, WIDTH)));
                    lossSum += Losses.crossEntropy(logits, new int[] {v.label()}).item();
                    correct += Tasks.correct(logits.value(), new int[] {v.label()});
                }
            }
            assertThat(e.examples()).isEqualTo(N);
            assertThat(e.accuracy()).isEqualTo((double) correct / N);
            assertThat(e.loss()).isCloseTo(lossSum / N, within(1e-4));
            assertThat(e.accuracy()).isGreaterThan(0.5);   // chance: 1/3

            // Inference: one output row per input row, in order.
            List<float[]> rows = new ArrayList<>();
            for (LabeledVector v : all) {
                rows.add(v.features());
            }
            List<float[]> out = straight.trainer().predict(spark.sc.parallelize(rows, 3)).collect();
            assertThat(out).hasSize(N);
            try (var scope = Autograd.noGrad()) {
                for (int i = 0; i < N; i += 37) {
                    float[] local = straight.model().forward(Tensor.constant(NDArray.of(rows.get(i), 1, WIDTH))).value().toArray();
                    for (int c = 0; c < CLASSES; c++) {
                        assertThat(out.get(i)[c]).isCloseTo(local[c], within(1e-5f));
                    }
                }
            }

            // A checkpoint of another run shape is refused.
            Sequential m = model(SEED);
            DataParallelTrainer other = DataParallelTrainer.builder(data, FACTORY, m, new Adam(m.parameters(), 1e-2f), 32).build();
            assertThatThrownBy(() -> other.resume(file)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("batches of 64");
        }
    }

    @Test
    void rowsOfTheWrongWidthAndBadTablesAreRejectedClearly() {
        try (LocalSpark spark = new LocalSpark("local[2]")) {
            List<LabeledVector> rows = new ArrayList<>(examples().subList(0, 40));
            rows.set(27, new LabeledVector(new float[WIDTH - 1], 0));
            assertThatThrownBy(() -> DistributedDataset.fromVectors(spark.sc.parallelize(rows, 2), WIDTH))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("DistributedDataset: row 7 of partition 1 has 11 features, expected 12");

            StructType schema = new StructType()
                    .add("pixels", DataTypes.createArrayType(DataTypes.FloatType))
                    .add("label", DataTypes.IntegerType);
            List<Row> good = new ArrayList<>();
            for (LabeledVector v : examples().subList(0, 30)) {
                Float[] boxed = new Float[WIDTH];
                float[] f = v.features();
                for (int j = 0; j < WIDTH; j++) {
                    boxed[j] = f[j];
                }
                good.add(RowFactory.create(Arrays.asList(boxed).toArray(), v.label()));
            }
            Dataset<Row> table = spark.session.createDataFrame(good, schema).repartition(1);
            DistributedDataset fromTable = DistributedDataset.fromRows(table, "pixels", "label", WIDTH);
            assertThat(fromTable.size()).isEqualTo(30);
            assertThat(fromTable.width()).isEqualTo(WIDTH);

            assertThatThrownBy(() -> DistributedDataset.fromRows(table, "pixels", "label", WIDTH + 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has 12 features, expected 13");
            assertThatThrownBy(() -> DistributedDataset.fromRows(table, "image", "label", WIDTH))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no column image");
            assertThatThrownBy(() -> DistributedDataset.fromVectors(spark.sc.parallelize(rows, 2), 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("width must be positive");
            Sequential m = model(SEED);
            assertThatThrownBy(() -> DataParallelTrainer.builder(fromTable, FACTORY, m, new Adam(m.parameters(), 1e-2f), 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batchSize must be positive");
            SerializableSupplier<Module> wrong = () -> new Sequential(new Linear(WIDTH, 3, new SplittableRandom(0)));
            assertThatThrownBy(() -> DataParallelTrainer.builder(fromTable, wrong, m, new Adam(m.parameters(), 1e-2f), 8).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("factory's model has state");
        }
    }
}
