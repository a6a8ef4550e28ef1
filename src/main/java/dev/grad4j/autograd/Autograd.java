package dev.grad4j.autograd;

/**
 * Per-thread control of recording. Inside {@link #noGrad()} ops compute values only and record
 * nothing, as for inference or evaluation:
 *
 * <pre>{@code
 * try (var scope = Autograd.noGrad()) {
 *     Tensor prediction = model.forward(x);
 * }
 * }</pre>
 */
public final class Autograd {

    private static final ThreadLocal<boolean[]> RECORDING = ThreadLocal.withInitial(() -> new boolean[] {true});

    private Autograd() {
    }

    /** Returns whether ops on this thread are recorded for backward (true unless inside {@link #noGrad()}). */
    public static boolean isRecording() {
        return RECORDING.get()[0];
    }

    /** Turns recording off on this thread until the returned scope is closed; scopes nest. */
    public static Scope noGrad() {
        boolean[] flag = RECORDING.get();
        boolean previous = flag[0];
        flag[0] = false;
        return new Scope(flag, previous);
    }

    /** A region with recording switched off; closing it restores the previous state. */
    public static final class Scope implements AutoCloseable {
        private final boolean[] flag;
        private final boolean previous;
        private boolean closed;

        private Scope(boolean[] flag, boolean previous) {
            this.flag = flag;
            this.previous = previous;
        }

        /** Restores the recording state from before this scope was opened; closing twice does nothing. */
        @Override
        public void close() {
            if (!closed) {
                closed = true;
                flag[0] = previous;
            }
        }
    }
}
