package dev.grad4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.grad4j.autograd.Autograd;
import dev.grad4j.autograd.Tensor;
import dev.grad4j.data.Batch;
import dev.grad4j.data.DataLoader;
import dev.grad4j.data.TensorDataset;
import dev.grad4j.nn.Embedding;
import dev.grad4j.nn.Linear;
import dev.grad4j.nn.Losses;
import dev.grad4j.nn.Module;
import dev.grad4j.nn.Sequential;
import dev.grad4j.nn.TestGpt;
import dev.grad4j.nn.optim.Adam;
import dev.grad4j.nn.optim.Optimizer;
import dev.grad4j.tensor.IntArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Training sequence models on Spark in local mode: token sequences give bit-identical parameters
 * across core counts and retried tasks, and the per-token mean of a single-JVM run.
 */
class SequenceTrainingTest {

    static final int N = 240;
    static final int T = 8;
    static final int VOCAB = 11;
    static final int PARTITIONS = 4;
    static final int BATCH = 32;
    static final int STEPS = 6;
    static final long SEED = 7;
    static final int IGNORE = -100;
    static final int EMBED = 8;
    static final float LR = 1e-2f;

    /**
     * Mostly-predictable token windows of {@code T + 1} ids: the next id is {@code (3 t + 1) mod V}
     * four times in five, else random.
     */
    static List<int[]> windows() {
        SplittableRandom r = new SplittableRandom(3);
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            int[] w = new int[T + 1];
            w[0] = r.nextInt(VOCAB);
            for (int t = 1; t <= T; t++) {
                w[t] = r.nextInt(5) < 4 ? (3 * w[t - 1] + 1) % VOCAB : r.nextInt(VOCAB);
            }
            out.add(w);
        }
        return out;
    }

    /** The windows as next-token examples; every seventh sequence's first target is ignored. */
    static List<TokenSequence> sequences() {
        List<TokenSequence> out = new ArrayList<>();
        List<int[]> ws = windows();
        for (int i = 0; i < ws.size(); i++) {
            int[] w = ws.get(i);
            int[] y = Arrays.copyOfRange(w, 1, T + 1);
            if (i % 7 == 0) {
                y[0] = IGNORE;
            }
            out.add(new TokenSequence(Arrays.copyOfRange(w, 0, T), y));
        }
        return out;
    }

    /** A one-block GPT from core's tests. */
    static TestGpt gpt(long seed) {
        return new TestGpt(VOCAB, T, EMBED, 2, 1, new SplittableRandom(seed));
    }

    static final SerializableSupplier<Module> GPT_FACTORY = () -> gpt(0);
    static final ExampleLoss.TokenForward GPT_FORWARD = (model, ids) -> ((TestGpt) model).forward(ids, null);

    /** The GPT's loss, with the first attempt of partition 1's task failing in every step. */
    static ExampleLoss failingFirstAttempt() {
        ExampleLoss ce = ExampleLoss.sequenceCrossEntropy(GPT_FORWARD);
        return new ExampleLoss() {
            @Override
            public Tensor sum(Module model, Batch batch) {
                TaskContext t = TaskContext.get();
                if (t != null && t.partitionId() == 1 && t.attemptNumber() == 0) {
                    throw new IllegalStateException("injected failure of the first attempt");
                }
                return ce.sum(model, batch);
            }

            @Override
            public long terms(Batch batch) {
                return ce.terms(batch);
            }
        };
    }

    /** Trains the GPT {@link #STEPS} steps on {@code master}; returns its parameters and the step losses. */
    static Map<String, float[]> train(String master, ExampleLoss loss, List<Float> losses) {
        try (LocalSpark spark = new LocalSpark(master)) {
            DistributedDataset data = DistributedDataset.fromSequences(spark.sc.parallelize(sequences(), PARTITIONS), T);
            assertThat(data.sequences()).isTrue();
            assertThat(data.partitionSizes()).containsExactly(60, 60, 60, 60);
            TestGpt m = gpt(SEED);
            Optimizer adam = new Adam(m.parameters(), LR);
            DataParallelTrainer trainer = DataParallelTrainer.builder(data, GPT_FACTORY, m, adam, BATCH)
                    .shuffle(new SplittableRandom(SEED + 1)).loss(loss).build();
            for (int s = 0; s < STEPS; s++) {
                DataParallelTrainer.StepResult r = trainer.step();
                assertThat(r.examples()).isEqualTo(BATCH);
                losses.add(r.loss());
            }
            return DataParallelTrainerTest.parameters(m);
        }
    }

    @Test
    void tokenSequencesOnOneAndTwoCoresWithRetriedTasksGiveBitIdenticalParametersAndMatchOneJvm() {
        List<Float> losses1 = new ArrayList<>();
        Map<String, float[]> p1 = train("local[1]", ExampleLoss.sequenceCrossEntropy(GPT_FORWARD), losses1);
        List<Float> losses2 = new ArrayList<>();
        Map<String, float[]> p2 = train("local[2,3]", failingFirstAttempt(), losses2);
        DataParallelTrainerTest.assertBitIdentical(p1, p2);
        assertThat(losses2).isEqualTo(losses1);

        // One JVM, the same global batches: PyTorch's mean over the batch's counted tokens.
        List<TokenSequence> all = sequences();
        int[] x = new int[N * T];
        int[] y = new int[N * T];
        for (int i = 0; i < N; i++) {
            System.arraycopy(all.get(i).inputs(), 0, x, i * T, T);
            System.arraycopy(all.get(i).targets(), 0, y, i * T, T);
        }
        TestGpt m = gpt(SEED);
        Optimizer adam = new Adam(m.parameters(), LR);
        DataLoader loader = new DataLoader(new TensorDataset(IntArray.of(x, N, T), IntArray.of(y, N, T)), BATCH,
                new SplittableRandom(SEED + 1));
        List<Float> single = new ArrayList<>();
        for (Batch b : loader) {
            Tensor logits = m.forward(b.intFeatures(), null);
            Tensor loss = Losses.crossEntropy(logits.reshape(-1, VOCAB), b.labelArray().reshape(-1));
            adam.step(loss.backward());
            single.add(loss.item());
            if (single.size() == STEPS) {
                break;
            }
        }
        for (int s = 0; s < STEPS; s++) {
            assertThat(losses1.get(s)).as("loss of step %d", s + 1)
                    .isCloseTo(single.get(s), within(1e-4f * Math.max(1f, single.get(s))));
        }
        Map<String, float[]> ps = DataParallelTrainerTest.parameters(m);
        assertThat(p1.keySet()).isEqualTo(ps.keySet());
        for (String k : ps.keySet()) {
            float[] a = ps.get(k);
            float[] b = p1.get(k);
            for (int i = 0; i < a.length; i++) {
                if (k.endsWith("attn.in_proj_bias") && i >= EMBED && i < 2 * EMBED) {
                    // The key bias adds the same number to every score of a query, which softmax
                    // ignores: its gradient is 0 up to rounding, and Adam scales that rounding noise
                    // to full steps of size ~lr, which differ between any two summation orders.
                    assertThat(Math.abs(b[i] - a[i])).as("%s[%d]", k, i).isLessThanOrEqualTo(2 * STEPS * LR);
                    continue;
                }
                assertThat(b[i]).as("%s[%d]", k, i).isCloseTo(a[i], within(1e-4f * Math.max(1f, Math.abs(a[i]))));
            }
        }
        assertThat(single.get(STEPS - 1)).isLessThan(single.get(0));
    }

    /** An embedding and a linear head: a bigram model whose {@code forward} takes the ids as floats. */
    static Sequential bigram(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        return new Sequential(new Embedding(VOCAB, 6, null, r), new Linear(6, VOCAB, r));
    }

    @Test
    void tokenWindowsAndTablesAreReadTrainedAndEvaluatedPerTokenAndBadLengthsAreRejected() {
        try (LocalSpark spark = new LocalSpark("local[2]")) {
            // A table of windows as array<long>, the default loss (a Sequential takes float ids).
            StructType schema = new StructType().add("tokens", DataTypes.createArrayType(DataTypes.LongType));
            List<Row> rows = new ArrayList<>();
            for (int[] w : windows()) {
                Long[] boxed = new Long[w.length];
                for (int t = 0; t < w.length; t++) {
                    boxed[t] = (long) w[t];
                }
                rows.add(RowFactory.create((Object) boxed));
            }
            Dataset<Row> table = spark.session.createDataFrame(rows, schema).repartition(3);
            DistributedDataset text = DistributedDataset.fromTokenRows(table, "tokens", T);
            assertThat(text.size()).isEqualTo(N);
            assertThat(text.width()).isEqualTo(T);
            assertThat(text.toString()).contains(N + " sequences, length " + T);

            Sequential m = bigram(SEED);
            SerializableSupplier<Module> factory = () -> bigram(0);
            DataParallelTrainer trainer = DataParallelTrainer.builder(text, factory, m, new Adam(m.parameters(), 1e-2f),
                    BATCH).build();
            float first = trainer.step().loss();
            for (int s = 1; s < STEPS; s++) {
                trainer.step();
            }
            DataParallelTrainer.Evaluation e = trainer.evaluate(DistributedDataset.fromTokens(
                    spark.sc.parallelize(windows(), 2), T));
            // The same per-token loss and accuracy, computed locally.
            double lossSum = 0;
            int correct = 0;
            try (var scope = Autograd.noGrad()) {
                for (int[] w : windows()) {
                    IntArray ids = IntArray.of(Arrays.copyOfRange(w, 0, T), 1, T);
                    Tensor logits = m.forward(Tensor.constant(ids.toFloat()));
                    int[] next = Arrays.copyOfRange(w, 1, T + 1);
                    lossSum += Losses.crossEntropy(logits.reshape(-1, VOCAB), IntArray.vector(next)).item() * T;
                    correct += Tasks.correct(logits.value(), next);
                }
            }
            assertThat(e.examples()).isEqualTo(N);
            assertThat(e.accuracy()).isEqualTo((double) correct / (N * T));
            assertThat(e.loss()).isCloseTo(lossSum / (N * T), within(1e-4));
            assertThat(e.loss()).isLessThan(first);

            // Rows of the wrong length, named by row and partition.
            List<int[]> bad = new ArrayList<>(windows().subList(0, 40));
            bad.set(27, new int[T - 3]);
            assertThatThrownBy(() -> DistributedDataset.fromTokens(spark.sc.parallelize(bad, 2), T))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("DistributedDataset: row 7 of partition 1 has 5 tokens, expected 9");
            List<TokenSequence> badSeq = new ArrayList<>(sequences().subList(0, 40));
            badSeq.set(3, TokenSequence.window(new int[T + 2]));
            assertThatThrownBy(() -> DistributedDataset.fromSequences(spark.sc.parallelize(badSeq, 2), T))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("DistributedDataset: row 3 of partition 0 has 9 tokens, expected 8");
            assertThatThrownBy(() -> DistributedDataset.fromTokenRows(table, "tokens", T + 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has 9 tokens, expected 10");
            assertThatThrownBy(() -> DistributedDataset.fromTokenRows(table, "ids", T))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no column ids");
            assertThatThrownBy(() -> DistributedDataset.fromTokens(spark.sc.parallelize(bad, 2), 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("length must be positive");
            assertThatThrownBy(() -> new TokenSequence(new int[3], new int[4]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 inputs but 4 targets");

            // Vectors and sequences do not mix.
            DistributedDataset vectors = DistributedDataset.fromVectors(
                    spark.sc.parallelize(DataParallelTrainerTest.examples().subList(0, 20), 2), DataParallelTrainerTest.WIDTH);
            assertThatThrownBy(() -> trainer.evaluate(vectors))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("for a model trained on");
            assertThatThrownBy(() -> ExampleLoss.crossEntropy().sum(m, new Batch(IntArray.of(new int[T], 1, T),
                    IntArray.of(new int[T], 1, T))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sequenceCrossEntropy");
        }
    }
}
