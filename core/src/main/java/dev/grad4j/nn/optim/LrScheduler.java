package dev.grad4j.nn.optim;

import java.util.Objects;

/**
 * Sets an optimizer's learning rate from a closed-form schedule of the epoch (or step) count, as
 * PyTorch's {@code lr_scheduler}s do: the base learning rate is the optimizer's at construction,
 * the schedule's epoch-0 value is applied at construction, and each {@link #step()} advances one
 * epoch and applies the next value.
 *
 * <pre>{@code
 * LrScheduler schedule = new CosineAnnealingLR(optimizer, epochs, 0f);
 * for (int epoch = 0; epoch < epochs; epoch++) {
 *     trainOneEpoch(model, optimizer);
 *     schedule.step();
 * }
 * }</pre>
 */
public abstract class LrScheduler {

    /** A schedule: the learning rate at {@code epoch} given the base learning rate. */
    @FunctionalInterface
    protected interface Formula {
        /** Returns the learning rate at {@code epoch >= 0}. */
        double learningRate(double baseLr, int epoch);
    }

    private final Optimizer optimizer;
    private final Formula formula;
    private final float baseLr;
    private int epoch;

    /**
     * Schedules {@code optimizer}'s learning rate by {@code formula} and applies epoch 0.
     *
     * @throws IllegalArgumentException if the schedule's epoch-0 rate is negative or not finite
     */
    protected LrScheduler(Optimizer optimizer, Formula formula) {
        this.optimizer = Objects.requireNonNull(optimizer, "LrScheduler: optimizer is null");
        this.formula = Objects.requireNonNull(formula, "LrScheduler: formula is null");
        this.baseLr = optimizer.learningRate();
        optimizer.setLearningRate(checkedRate(0));
    }

    /**
     * Advances one epoch and sets the optimizer's learning rate to the schedule's value. The new
     * rate is computed and checked first: if it is invalid, neither the epoch nor the rate changes.
     *
     * @throws IllegalArgumentException naming the schedule if the next rate is negative or not finite,
     *     or the epoch count would overflow
     */
    public final void step() {
        if (epoch == Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name() + ".step: epoch count overflows: " + epoch);
        }
        float next = checkedRate(epoch + 1);
        optimizer.setLearningRate(next);
        epoch++;
    }

    /** The number of {@link #step()} calls so far. */
    public final int epoch() {
        return epoch;
    }

    /** The optimizer's learning rate when the scheduler was created. */
    public final float baseLearningRate() {
        return baseLr;
    }

    /**
     * The schedule's learning rate at {@code epoch}, without changing anything.
     *
     * @throws IllegalArgumentException if {@code epoch} is negative
     */
    public final float learningRateAt(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException(name() + ".learningRateAt: epoch must be >= 0: " + epoch);
        }
        return (float) formula.learningRate(baseLr, epoch);
    }

    private float checkedRate(int epoch) {
        float lr = learningRateAt(epoch);
        if (!(lr >= 0f) || Float.isInfinite(lr)) {
            throw new IllegalArgumentException(name() + ": learning rate at epoch " + epoch
                    + " must be finite and >= 0: " + lr + " (base " + baseLr + ")");
        }
        return lr;
    }

    private String name() {
        return getClass().getSimpleName();
    }
}
