package dev.grad4j.spark;

import dev.grad4j.autograd.Gradients;
import dev.grad4j.autograd.Tensor;
import dev.grad4j.data.Batch;
import dev.grad4j.data.DataLoader;
import dev.grad4j.data.Dataset;
import dev.grad4j.nn.Module;
import dev.grad4j.nn.optim.Optimizer;
import dev.grad4j.tensor.NDArray;
import dev.grad4j.train.Checkpoint;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.random.RandomGenerator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Synchronous data-parallel training on Spark with the arithmetic of a single-machine run on the
 * same global batch.
 *
 * <p>The driver holds {@code model} and {@code optimizer}. A {@link DataLoader} on the driver
 * (the same class, seed and batch size a single-machine run would use) picks the global indices
 * of each step's batch; they are cut into one shard per partition by global index (partition
 * offset plus position), so the shards depend on the data's partitioning only. Each step:
 * <ol>
 *   <li>the model's state dict is broadcast as float arrays, with the shards;</li>
 *   <li>each partition loads it into its own model (built once per executor from
 *       {@code factory}) and computes the SUMMED loss of its shard and its gradient;</li>
 *   <li>the partitions' vectors are added by {@code treeAggregate} along a binary tree fixed by
 *       the partition indices, so the rounding never depends on scheduling or core count;</li>
 *   <li>the driver divides the sums by the global batch size {@code B} ({@code B·T} tokens for
 *       token sequences of length {@code T}: the mean loss and its gradient, as a single machine
 *       computes them up to summation order) and calls
 *       {@code optimizer.step}.</li>
 * </ol>
 *
 * <p>Guarantees: with the same partitioning, runs on {@code local[1]}, {@code local[4]} or a
 * cluster give bit-identical parameters; a retried task gives the same result (it is a pure
 * function of the broadcast state and the shard); {@link #resume(Path)} from a checkpoint
 * continues bit for bit. Against a single-JVM run on the same batches the losses agree to
 * float rounding (the sums are associated differently). Modules whose training-mode output
 * depends on the batch as a whole (batch norm statistics, dropout masks) see their shard, not
 * the global batch; their buffers are not gathered back.
 *
 * <pre>{@code
 * DistributedDataset train = DistributedDataset.fromVectors(rdd, 784);
 * Module model = factory.get();
 * Optimizer adam = new Adam(model.parameters(), 1e-3f);
 * DataParallelTrainer trainer = DataParallelTrainer.builder(train, factory, model, adam, 64)
 *         .shuffle(new SplittableRandom(43)).checkpoint(Path.of("run.ckpt"), 100).build();
 * for (int epoch = 0; epoch < 10; epoch++) {
 *     trainer.trainEpoch();
 * }
 * }</pre>
 */
public final class DataParallelTrainer {

    private static final String STEP = "spark.step";
    private static final String EXAMPLES = "spark.examples";
    private static final String BATCH = "spark.batchSize";

    private final String id = UUID.randomUUID().toString();
    private final DistributedDataset data;
    private final SerializableSupplier<? extends Module> factory;
    private final Module model;
    private final Optimizer optimizer;
    private final ExampleLoss loss;
    private final int batchSize;
    private final DataLoader loader;
    private final Path checkpointFile;
    private final int checkpointEvery;
    private final int depth;
    private final JavaSparkContext sc;
    private final Map<String, Tensor> params;

    private Iterator<Batch> epoch;
    private long steps;
    private long lastBroadcastBytes;
    private long lastAggregateBytes;

    private DataParallelTrainer(Builder b) {
        this.data = b.data;
        this.factory = b.factory;
        this.model = b.model;
        this.optimizer = b.optimizer;
        this.loss = b.loss;
        this.batchSize = b.batchSize;
        DataLoader.Builder lb = DataLoader.builder(new Indices(data.size()), batchSize).dropLast(b.dropLast);
        this.loader = (b.random != null ? lb.shuffle(b.random) : lb).build();
        this.checkpointFile = b.checkpointFile;
        this.checkpointEvery = b.checkpointEvery;
        this.depth = b.depth;
        this.sc = JavaSparkContext.fromSparkContext(data.blocks().context());
        this.params = model.namedParameters();
        Module probe = factory.get();
        if (!probe.stateDict().keySet().equals(model.stateDict().keySet())) {
            throw new IllegalArgumentException("DataParallelTrainer: the factory's model has state "
                    + probe.stateDict().keySet() + ", the driver's model " + model.stateDict().keySet());
        }
    }

    /**
     * Starts configuring a trainer.
     *
     * @param data the training set
     * @param factory builds the model on each executor (its initial weights do not matter)
     * @param model the driver's model: the parameters that are trained, same architecture as the factory's
     * @param optimizer the optimizer of {@code model.parameters()}
     * @param batchSize the global batch size (examples per step over all partitions)
     * @return a builder with defaults: cross-entropy (of token sequences if {@code data} holds them), no
     *     shuffling, last partial batch kept, no checkpoints
     * @throws IllegalArgumentException if {@code batchSize <= 0}
     */
    public static Builder builder(DistributedDataset data, SerializableSupplier<? extends Module> factory, Module model,
            Optimizer optimizer, int batchSize) {
        return new Builder(data, factory, model, optimizer, batchSize);
    }

    /** Optional settings of a {@link DataParallelTrainer}. */
    public static final class Builder {

        private final DistributedDataset data;
        private final SerializableSupplier<? extends Module> factory;
        private final Module model;
        private final Optimizer optimizer;
        private final int batchSize;
        private ExampleLoss loss;
        private RandomGenerator random;
        private boolean dropLast;
        private Path checkpointFile;
        private int checkpointEvery;
        private int depth = 2;

        private Builder(DistributedDataset data, SerializableSupplier<? extends Module> factory, Module model,
                Optimizer optimizer, int batchSize) {
            this.data = Objects.requireNonNull(data, "DataParallelTrainer: data is null");
            this.factory = Objects.requireNonNull(factory, "DataParallelTrainer: factory is null");
            this.model = Objects.requireNonNull(model, "DataParallelTrainer: model is null");
            this.optimizer = Objects.requireNonNull(optimizer, "DataParallelTrainer: optimizer is null");
            if (batchSize <= 0) {
                throw new IllegalArgumentException("DataParallelTrainer: batchSize must be positive, got " + batchSize);
            }
            this.batchSize = batchSize;
            this.loss = data.sequences() ? ExampleLoss.sequenceCrossEntropy() : ExampleLoss.crossEntropy();
        }

        /**
         * The summed training loss; default {@link ExampleLoss#crossEntropy()}, or
         * {@link ExampleLoss#sequenceCrossEntropy()} for token sequences.
         */
        public Builder loss(ExampleLoss loss) {
            this.loss = Objects.requireNonNull(loss, "DataParallelTrainer: loss is null");
            return this;
        }

        /** Reshuffles every epoch exactly as {@code DataLoader.builder(...).shuffle(random)} does. */
        public Builder shuffle(RandomGenerator random) {
            this.random = Objects.requireNonNull(random, "DataParallelTrainer: random is null");
            return this;
        }

        /** Drops the last partial batch of each epoch; default false. */
        public Builder dropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return this;
        }

        /**
         * Saves model, optimizer and position to {@code file} with {@link Checkpoint} after every
         * {@code everySteps} steps.
         *
         * @throws IllegalArgumentException if {@code everySteps <= 0}
         */
        public Builder checkpoint(Path file, int everySteps) {
            if (everySteps <= 0) {
                throw new IllegalArgumentException("DataParallelTrainer: checkpoint interval must be positive, got "
                        + everySteps);
            }
            this.checkpointFile = Objects.requireNonNull(file, "DataParallelTrainer: checkpoint file is null");
            this.checkpointEvery = everySteps;
            return this;
        }

        /**
         * The depth of Spark's {@code treeAggregate}; default 2. It changes the traffic, never the
         * result.
         *
         * @throws IllegalArgumentException if {@code depth < 1}
         */
        public Builder aggregationDepth(int depth) {
            if (depth < 1) {
                throw new IllegalArgumentException("DataParallelTrainer: aggregation depth must be >= 1, got " + depth);
            }
            this.depth = depth;
            return this;
        }

        /**
         * Builds the trainer; builds one model from the factory on the driver to check that its
         * state has the driver model's names.
         *
         * @throws IllegalArgumentException if the factory's model has other state names
         */
        public DataParallelTrainer build() {
            return new DataParallelTrainer(this);
        }
    }

    /** The loss of one step: the mean over the global batch (over its tokens for token sequences). */
    public record StepResult(long step, int examples, float loss) {
    }

    /** An epoch's steps and the mean of their losses. */
    public record EpochResult(int steps, double meanLoss) {
    }

    /**
     * The mean loss and the accuracy of the model over a distributed dataset: per example, or per
     * counted token for token sequences; {@code examples} counts examples (sequences).
     */
    public record Evaluation(double loss, double accuracy, long examples) {
    }

    /**
     * Trains on the next global batch, starting the next epoch (reshuffled if enabled) when the
     * current one is finished, and checkpoints if the interval is reached.
     *
     * @return the step number (from 1) and its mean loss
     */
    public StepResult step() {
        if (epoch == null || !epoch.hasNext()) {
            epoch = loader.iterator();
        }
        int[] indices = epoch.next().labels();
        float mean = train(indices);
        steps++;
        if (checkpointEvery > 0 && steps % checkpointEvery == 0) {
            Checkpoint.save(checkpointFile, model, optimizer, loader.state(),
                    Map.of(STEP, Long.toString(steps), EXAMPLES, Integer.toString(data.size()),
                            BATCH, Integer.toString(batchSize)));
        }
        return new StepResult(steps, indices.length, mean);
    }

    /**
     * Trains on the remaining batches of the current epoch, or on a whole new epoch if the current
     * one is finished (after {@link #resume}: the rest of the checkpointed epoch).
     *
     * @return the number of steps and the mean of their losses
     */
    public EpochResult trainEpoch() {
        if (epoch == null || !epoch.hasNext()) {
            epoch = loader.iterator();
        }
        double sum = 0;
        int n = 0;
        while (epoch.hasNext()) {
            sum += step().loss();
            n++;
        }
        return new EpochResult(n, n == 0 ? Double.NaN : sum / n);
    }

    /**
     * Restores model, optimizer, data position and step counter from a checkpoint this trainer's
     * configuration wrote; training then continues bit for bit as if never interrupted.
     *
     * @throws IllegalArgumentException if the file is not such a checkpoint, or was written for
     *     another dataset size or batch size
     */
    public void resume(Path file) {
        Checkpoint c = Checkpoint.load(file);
        String examples = c.extra().get(EXAMPLES);
        String batch = c.extra().get(BATCH);
        if (!Integer.toString(data.size()).equals(examples) || !Integer.toString(batchSize).equals(batch)) {
            throw new IllegalArgumentException("DataParallelTrainer.resume: " + file + " was written for "
                    + examples + " examples in batches of " + batch + ", not " + data.size() + " in batches of "
                    + batchSize);
        }
        c.restoreInto(model, optimizer);
        loader.restore(c.loaderState());
        steps = Long.parseLong(c.extra().get(STEP));
        epoch = null;
    }

    /** The number of steps trained so far (restored by {@link #resume}). */
    public long steps() {
        return steps;
    }

    /** The number of steps in an epoch. */
    public int batchesPerEpoch() {
        return loader.batchesPerEpoch();
    }

    /** The data position, as a {@link Checkpoint} saves it. */
    public DataLoader.State loaderState() {
        return loader.state();
    }

    /** Bytes the last training step broadcast: the model state as float32 plus 4 bytes per example of the shards. */
    public long lastBroadcastBytes() {
        return lastBroadcastBytes;
    }

    /** Bytes of float vectors the partitions of the last training step sent into the aggregation. */
    public long lastAggregateBytes() {
        return lastAggregateBytes;
    }

    /**
     * The mean loss and the accuracy (highest logit, first on ties) of the current model over
     * {@code test}, computed in the executors without recording and summed like gradients.
     *
     * <p>For token sequences the loss and the accuracy are per token (the highest logit at each
     * position against its target; targets of {@code ignore_index} are not counted).
     *
     * @param test examples of the training set's width and kind
     * @return mean loss, accuracy and example count
     * @throws IllegalArgumentException if {@code test} holds sequences and the training set feature
     *     vectors, or the other way round
     */
    public Evaluation evaluate(DistributedDataset test) {
        Objects.requireNonNull(test, "DataParallelTrainer.evaluate: test is null");
        if (test.sequences() != data.sequences()) {
            throw new IllegalArgumentException("DataParallelTrainer.evaluate: " + test + " for a model trained on "
                    + data);
        }
        float[] total = run(test, StepPlan.of(id, model, null), false);
        long n = test.size();
        return total == null ? new Evaluation(Double.NaN, Double.NaN, 0)
                : new Evaluation((double) total[0] / total[2], (double) total[1] / total[2], n);
    }

    /**
     * The current model's outputs for each row of {@code rows} (lazy: a {@code mapPartitions} that
     * loads the model once per partition and runs it on chunks of rows under no-grad). The model
     * state is captured now; later training does not change the result.
     *
     * @param rows feature vectors, one width per partition
     * @return one output row per input row, in order
     */
    public JavaRDD<float[]> predict(JavaRDD<float[]> rows) {
        Objects.requireNonNull(rows, "DataParallelTrainer.predict: rows is null");
        Broadcast<StepPlan> b = sc.broadcast(StepPlan.of(id, model, null));
        SerializableSupplier<? extends Module> f = factory;
        return rows.mapPartitions(it -> Tasks.predict(it, b, f));
    }

    /**
     * One step on the global batch {@code indices}; returns its mean loss. The shards' summed
     * losses and gradients are divided by their summed {@link ExampleLoss#terms} (exact in float up
     * to 2^24 terms per global batch).
     */
    private float train(int[] indices) {
        StepPlan plan = StepPlan.of(id, model, data.shard(indices));
        float[] total = run(data, plan, true);
        int length = plan.gradientLength();
        // The global batch's number of terms: B examples, or the B·T (counted) tokens of B sequences.
        float b = total[length + plan.paramNames.length + 1];
        Tensor surrogate = null;
        int offset = 0;
        for (int i = 0; i < plan.paramNames.length; i++) {
            int size = plan.paramSizes[i];
            if (total[length + i] > 0f) {
                Tensor p = params.get(plan.paramNames[i]);
                float[] g = new float[size];
                for (int j = 0; j < size; j++) {
                    g[j] = total[offset + j] / b;
                }
                // d/dp sum(g * p) = g exactly: hands the mean gradient to the optimizer as Gradients.
                Tensor term = Tensor.constant(NDArray.wrap(g, p.shape().toArray())).mul(p).sum();
                surrogate = surrogate == null ? term : surrogate.add(term);
            }
            offset += size;
        }
        if (surrogate != null) {
            Gradients grads = surrogate.backward();
            optimizer.step(grads);
        }
        return total[length + plan.paramNames.length] / b;
    }

    /** Runs the gradient or evaluation job over {@code set} and returns the ordered sum. */
    private float[] run(DistributedDataset set, StepPlan plan, boolean gradient) {
        Broadcast<StepPlan> b = sc.broadcast(plan);
        SerializableSupplier<? extends Module> f = factory;
        ExampleLoss l = loss;
        try {
            JavaRDD<OrderedSum> leaves = gradient
                    ? set.blocks().mapPartitionsWithIndex((p, it) -> Tasks.gradient(p, it, b, f, l), true)
                    : set.blocks().mapPartitionsWithIndex((p, it) -> Tasks.evaluate(p, it, b, f, l), true);
            OrderedSum sum = DistributedDataset.SparkJobs.run(() -> leaves.treeAggregate(new OrderedSum(),
                    OrderedSum::merge, OrderedSum::merge, depth));
            if (sum.leaves() != set.partitions()) {
                throw new IllegalStateException("DataParallelTrainer: " + sum.leaves() + " partition results for "
                        + set.partitions() + " partitions");
            }
            if (gradient) {
                lastBroadcastBytes = plan.stateBytes() + 4L * indicesOf(plan.shards);
                lastAggregateBytes = 4L * nonEmpty(plan.shards) * (plan.gradientLength() + plan.paramNames.length + 2);
            }
            float[] total = sum.total();
            if (total == null && gradient) {
                throw new IllegalStateException("DataParallelTrainer: empty global batch");
            }
            return total;
        } finally {
            b.destroy();
        }
    }

    private static int indicesOf(int[][] shards) {
        int n = 0;
        for (int[] s : shards) {
            n += s.length;
        }
        return n;
    }

    private static int nonEmpty(int[][] shards) {
        int n = 0;
        for (int[] s : shards) {
            n += s.length > 0 ? 1 : 0;
        }
        return n;
    }

    /** A dataset of indices only: the driver's DataLoader draws batches of global indices from it. */
    private static final class Indices implements Dataset {

        private final int size;

        Indices(int size) {
            this.size = size;
        }

        @Override
        public int size() {
            return size;
        }

        /** The indices travel as the batch's labels; the features are a placeholder column. */
        @Override
        public Batch batch(int[] indices) {
            return new Batch(NDArray.zeros(indices.length, 1), indices);
        }
    }

    @Override
    public String toString() {
        return "DataParallelTrainer[" + data + ", batch " + batchSize + ", step " + steps + "]";
    }

    List<String> parameterNames() {
        return List.copyOf(params.keySet());
    }
}
