package dev.grad4j.data;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Cuts a {@link Dataset} into {@link Batch}es of a fixed size, one epoch per call to
 * {@link #iterator()}, optionally in a seeded shuffled order.
 *
 * <p>Shuffling is deterministic: the loader draws one {@code long} base seed from the
 * {@link RandomGenerator} it is built with, and epoch {@code e} (counted from 0) visits the examples
 * in a Fisher-Yates permutation drawn from {@code new SplittableRandom(baseSeed ^ (e * 0x9E3779B97F4A7C15L))}.
 * Two loaders built from equally seeded generators therefore yield identical batches, and the
 * position can be saved with {@link #state()} and restored exactly with {@link #restore(State)}.
 *
 * <p>Defaults: no shuffling (examples in index order), and the last partial batch is kept
 * ({@code dropLast = false}). A loader is not thread-safe.
 *
 * <pre>{@code
 * DataLoader loader = DataLoader.builder(dataset, 64).shuffle(new SplittableRandom(42)).dropLast(true).build();
 * for (int epoch = 0; epoch < 10; epoch++) {
 *     for (Batch batch : loader) { ... }
 * }
 * }</pre>
 */
public final class DataLoader implements Iterable<Batch> {

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private final Dataset dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final boolean dropLast;
    private final int examples;
    private final int batchesPerEpoch;

    private long baseSeed;
    private int epoch;
    private int nextBatch;
    private boolean resumePending;
    private EpochIterator current;

    /**
     * The position of a loader, enough to resume it exactly.
     *
     * @param baseSeed the seed drawn at construction (0 for a loader that does not shuffle)
     * @param epoch the number of epochs started so far
     * @param nextBatch the number of batches already delivered in the most recently started epoch
     */
    public record State(long baseSeed, int epoch, int nextBatch) {

        /**
         * Validates the counters.
         *
         * @throws IllegalArgumentException if {@code epoch} or {@code nextBatch} is negative, or
         *     {@code nextBatch > 0} before any epoch has started
         */
        public State {
            if (epoch < 0 || nextBatch < 0 || (epoch == 0 && nextBatch > 0)) {
                throw new IllegalArgumentException("DataLoader.State: invalid position: epoch " + epoch
                        + ", nextBatch " + nextBatch);
            }
        }
    }

    /**
     * Creates a loader that visits the examples in index order and keeps the last partial batch.
     *
     * @throws IllegalArgumentException if {@code batchSize <= 0}
     */
    public DataLoader(Dataset dataset, int batchSize) {
        this(builder(dataset, batchSize));
    }

    /**
     * Creates a loader that reshuffles every epoch with a base seed drawn from {@code random} and keeps
     * the last partial batch.
     *
     * @throws IllegalArgumentException if {@code batchSize <= 0}
     */
    public DataLoader(Dataset dataset, int batchSize, RandomGenerator random) {
        this(builder(dataset, batchSize).shuffle(random));
    }

    private DataLoader(Builder b) {
        this.dataset = b.dataset;
        this.batchSize = b.batchSize;
        this.shuffle = b.random != null;
        this.dropLast = b.dropLast;
        this.baseSeed = shuffle ? b.random.nextLong() : 0L;
        this.examples = dataset.size();
        if (examples < 0) {
            throw new IllegalArgumentException("DataLoader: dataset size is negative: " + examples);
        }
        this.batchesPerEpoch = dropLast ? examples / batchSize : (int) (((long) examples + batchSize - 1) / batchSize);
    }

    /**
     * Starts building a loader over {@code dataset} with batches of {@code batchSize} examples.
     *
     * @throws IllegalArgumentException if {@code batchSize <= 0}
     */
    public static Builder builder(Dataset dataset, int batchSize) {
        return new Builder(dataset, batchSize);
    }

    /** Optional settings of a {@link DataLoader}; defaults: no shuffling, keep the last partial batch. */
    public static final class Builder {

        private final Dataset dataset;
        private final int batchSize;
        private RandomGenerator random;
        private boolean dropLast;

        private Builder(Dataset dataset, int batchSize) {
            this.dataset = Objects.requireNonNull(dataset, "DataLoader: dataset is null");
            if (batchSize <= 0) {
                throw new IllegalArgumentException("DataLoader: batch size must be > 0, got " + batchSize);
            }
            this.batchSize = batchSize;
        }

        /** Reshuffles every epoch; the base seed is drawn from {@code random} once, in {@link #build()}. */
        public Builder shuffle(RandomGenerator random) {
            this.random = Objects.requireNonNull(random, "DataLoader: random is null");
            return this;
        }

        /** Drops the last batch of an epoch if it has fewer than batch-size examples. */
        public Builder dropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return this;
        }

        /** Builds the loader, drawing its base seed if it shuffles. */
        public DataLoader build() {
            return new DataLoader(this);
        }
    }

    /** Number of examples per batch (the last batch of an epoch may be smaller unless dropLast). */
    public int batchSize() {
        return batchSize;
    }

    /** Number of batches each epoch yields: {@code n / batchSize}, rounded up unless dropLast. */
    public int batchesPerEpoch() {
        return batchesPerEpoch;
    }

    /** Number of epochs started so far (calls to {@link #iterator()}, or as restored). */
    public int epoch() {
        return epoch;
    }

    /** Returns the current position: base seed, epochs started, batches delivered in the latest epoch. */
    public State state() {
        return new State(baseSeed, epoch, nextBatch);
    }

    /**
     * Moves this loader to a saved position; the loader must have been built like the saved one (same
     * dataset, batch size, shuffling and dropLast), as the state holds only the position and base
     * seed. If the state is in the middle of an epoch, the next
     * {@link #iterator()} yields exactly the remaining batches of that epoch; later calls continue with
     * the following epochs exactly as the saved loader would have.
     *
     * @throws IllegalArgumentException if {@code state.nextBatch()} exceeds {@link #batchesPerEpoch()}
     */
    public void restore(State state) {
        Objects.requireNonNull(state, "DataLoader.restore: state is null");
        if (state.nextBatch() > batchesPerEpoch) {
            throw new IllegalArgumentException("DataLoader.restore: state is at batch " + state.nextBatch()
                    + " but an epoch has only " + batchesPerEpoch + " batches");
        }
        this.baseSeed = state.baseSeed();
        this.epoch = state.epoch();
        this.nextBatch = state.nextBatch();
        this.resumePending = state.epoch() > 0 && state.nextBatch() < batchesPerEpoch;
        this.current = null;
    }

    /**
     * Starts the next epoch (reshuffling if enabled) and returns its batches; right after
     * {@link #restore(State)} in mid-epoch, returns the remaining batches of that epoch instead.
     * Only the most recently returned iterator advances {@link #state()}.
     *
     * @throws IllegalStateException if {@code Integer.MAX_VALUE} epochs have been started (the loader
     *     is left unchanged, so its {@link #state()} can still be saved)
     */
    @Override
    public Iterator<Batch> iterator() {
        if (!resumePending && epoch == Integer.MAX_VALUE) {
            throw new IllegalStateException("DataLoader: epoch count overflows: " + epoch + " epochs started");
        }
        int start = 0;
        if (resumePending) {
            resumePending = false;
            start = nextBatch;
        } else {
            epoch++;
            nextBatch = 0;
        }
        current = new EpochIterator(order(epoch - 1), start);
        return current;
    }

    /** The order in which epoch {@code e} (from 0) visits the examples. */
    private int[] order(int e) {
        int[] order = new int[examples];
        for (int i = 0; i < examples; i++) {
            order[i] = i;
        }
        if (shuffle) {
            SplittableRandom r = new SplittableRandom(baseSeed ^ (e * GOLDEN_GAMMA));
            for (int i = examples - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        return order;
    }

    private final class EpochIterator implements Iterator<Batch> {

        private final int[] order;
        private int batch;

        EpochIterator(int[] order, int start) {
            this.order = order;
            this.batch = start;
        }

        @Override
        public boolean hasNext() {
            return batch < batchesPerEpoch;
        }

        @Override
        public Batch next() {
            if (!hasNext()) {
                throw new NoSuchElementException("DataLoader: epoch finished after " + batchesPerEpoch + " batches");
            }
            int from = batch * batchSize;
            int to = Math.min(from + batchSize, examples);
            Batch b = dataset.batch(Arrays.copyOfRange(order, from, to));
            batch++;
            if (current == this) {
                nextBatch = batch;
            }
            return b;
        }
    }

    /** Returns the settings and position, e.g. {@code DataLoader[batchSize 64, shuffle, epoch 3, batch 10/125]}. */
    @Override
    public String toString() {
        return "DataLoader[batchSize " + batchSize + (shuffle ? ", shuffle" : "") + (dropLast ? ", dropLast" : "")
                + ", epoch " + epoch + ", batch " + nextBatch + "/" + batchesPerEpoch + "]";
    }
}
