package dev.grad4j.autograd;

/**
 * Per-thread switches of the autograd engine, each opened as a scope and restored when the scope
 * is closed. Scopes nest, and affect only the thread that opened them.
 *
 * <p>Inside {@link #noGrad()} ops compute values only and record nothing, as for inference or
 * evaluation:
 *
 * <pre>{@code
 * try (var scope = Autograd.noGrad()) {
 *     Tensor prediction = model.forward(x);
 * }
 * }</pre>
 *
 * <p>Inside {@link #detectAnomaly()} every op checks its output, and {@link Tensor#backward()}
 * checks every backward rule's result, for NaN and infinity, and throws an
 * {@link ArithmeticException} naming the first op that produced one and its input shapes (as
 * PyTorch's {@code torch.autograd.detect_anomaly}):
 *
 * <pre>{@code
 * try (var scope = Autograd.detectAnomaly()) {
 *     optimizer.step(Losses.mse(model.forward(x), y).backward());
 * }   // ArithmeticException: detectAnomaly: forward of op 'log' produced NaN at index 3 of its output [8]; ...
 * }</pre>
 *
 * <p>Anomaly detection is off by default and then costs one read of a per-thread flag per op
 * (the same read that checks recording); when on, it scans each output once.
 */
public final class Autograd {

    /** Index of the recording flag in the per-thread flags. */
    static final int RECORDING = 0;
    /** Index of the anomaly-detection flag in the per-thread flags. */
    static final int ANOMALY = 1;

    private static final ThreadLocal<boolean[]> FLAGS = ThreadLocal.withInitial(() -> new boolean[] {true, false});

    private Autograd() {
    }

    /** Returns whether ops on this thread are recorded for backward (true unless inside {@link #noGrad()}). */
    public static boolean isRecording() {
        return FLAGS.get()[RECORDING];
    }

    /** Returns whether this thread is inside {@link #detectAnomaly()}. */
    public static boolean isDetectingAnomaly() {
        return FLAGS.get()[ANOMALY];
    }

    /** Turns recording off on this thread until the returned scope is closed; scopes nest. */
    public static Scope noGrad() {
        return open(RECORDING, false);
    }

    /**
     * Turns anomaly detection on for this thread until the returned scope is closed; scopes nest.
     * While it is on, an op whose output holds a NaN or an infinity, and a backward rule (run by
     * {@link Tensor#backward()} on this thread) whose gradient holds one, throw an
     * {@link ArithmeticException} whose message names the op, the position of the first such
     * value and the shapes of the op's inputs, and says which inputs were already non-finite.
     */
    public static Scope detectAnomaly() {
        return open(ANOMALY, true);
    }

    /** The flags of the calling thread, indexed by {@link #RECORDING} and {@link #ANOMALY}; one lookup. */
    static boolean[] flags() {
        return FLAGS.get();
    }

    private static Scope open(int index, boolean value) {
        boolean[] flags = FLAGS.get();
        boolean previous = flags[index];
        flags[index] = value;
        return new Scope(flags, index, previous);
    }

    /** A region with one switch changed; closing it restores the previous state. */
    public static final class Scope implements AutoCloseable {
        private final boolean[] flags;
        private final int index;
        private final boolean previous;
        private boolean closed;

        private Scope(boolean[] flags, int index, boolean previous) {
            this.flags = flags;
            this.index = index;
            this.previous = previous;
        }

        /** Restores the state from before this scope was opened; closing twice does nothing. */
        @Override
        public void close() {
            if (!closed) {
                closed = true;
                flags[index] = previous;
            }
        }
    }
}
