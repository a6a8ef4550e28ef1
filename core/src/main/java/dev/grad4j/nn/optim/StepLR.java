package dev.grad4j.nn.optim;

/**
 * Decays the learning rate by {@code gamma} every {@code stepSize} epochs, as PyTorch's
 * {@code StepLR}: {@code lr(e) = base · gamma^floor(e / stepSize)}.
 *
 * <pre>{@code
 * LrScheduler schedule = new StepLR(optimizer, 30, 0.1f);   // ×0.1 at epochs 30, 60, ...
 * }</pre>
 */
public final class StepLR extends LrScheduler {

    /**
     * Schedules {@code optimizer} with the given period and factor.
     *
     * @throws IllegalArgumentException if {@code stepSize < 1} or {@code gamma} is negative or not finite
     */
    public StepLR(Optimizer optimizer, int stepSize, float gamma) {
        super(optimizer, formula(stepSize, gamma));
    }

    private static Formula formula(int stepSize, float gamma) {
        Hyper.positive("StepLR", "stepSize", stepSize);
        Hyper.nonNegative("StepLR", "gamma", gamma);
        return (base, epoch) -> base * Math.pow(gamma, epoch / stepSize);
    }
}
