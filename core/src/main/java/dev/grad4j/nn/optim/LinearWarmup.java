package dev.grad4j.nn.optim;

/**
 * Raises the learning rate linearly from {@code startFactor · base} to {@code base} over
 * {@code warmupSteps} steps, then holds it, as PyTorch's {@code LinearLR(start_factor,
 * end_factor=1, total_iters)}: {@code lr(e) = base (s + (1 - s) min(e, warmupSteps) / warmupSteps)}.
 * Default start factor (PyTorch's): 1/3.
 *
 * <pre>{@code
 * LrScheduler warmup = new LinearWarmup(optimizer, 0.01f, 500);   // call warmup.step() every batch
 * }</pre>
 */
public final class LinearWarmup extends LrScheduler {

    /** PyTorch's default start factor of {@code LinearLR}. */
    public static final float DEFAULT_START_FACTOR = 1f / 3f;

    /**
     * Warms up from a third of the base learning rate.
     *
     * @throws IllegalArgumentException if {@code warmupSteps < 1}
     */
    public LinearWarmup(Optimizer optimizer, int warmupSteps) {
        this(optimizer, DEFAULT_START_FACTOR, warmupSteps);
    }

    /**
     * Warms up from {@code startFactor} times the base learning rate.
     *
     * @throws IllegalArgumentException if {@code startFactor} is not in {@code (0, 1]} or {@code warmupSteps < 1}
     */
    public LinearWarmup(Optimizer optimizer, float startFactor, int warmupSteps) {
        super(optimizer, formula(startFactor, warmupSteps));
    }

    private static Formula formula(float startFactor, int warmupSteps) {
        if (!(startFactor > 0f && startFactor <= 1f)) {
            throw new IllegalArgumentException("LinearWarmup: startFactor must be in (0, 1]: " + startFactor);
        }
        Hyper.positive("LinearWarmup", "warmupSteps", warmupSteps);
        return (base, epoch) -> base * (startFactor
                + (1.0 - startFactor) * Math.min(epoch, warmupSteps) / warmupSteps);
    }
}
