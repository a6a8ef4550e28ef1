package dev.grad4j.nn.optim;

/**
 * Anneals the learning rate along a cosine from the base value to {@code etaMin} over
 * {@code tMax} epochs, as PyTorch's {@code CosineAnnealingLR}:
 * {@code lr(e) = etaMin + (base - etaMin) (1 + cos(π e / tMax)) / 2} (periodic beyond {@code tMax}).
 *
 * <pre>{@code
 * LrScheduler schedule = new CosineAnnealingLR(optimizer, 100, 0f);
 * }</pre>
 */
public final class CosineAnnealingLR extends LrScheduler {

    /**
     * Schedules {@code optimizer} over {@code tMax} epochs down to {@code etaMin}.
     *
     * @throws IllegalArgumentException if {@code tMax < 1} or {@code etaMin} is negative or not finite
     */
    public CosineAnnealingLR(Optimizer optimizer, int tMax, float etaMin) {
        super(optimizer, formula(tMax, etaMin));
    }

    private static Formula formula(int tMax, float etaMin) {
        Hyper.positive("CosineAnnealingLR", "tMax", tMax);
        Hyper.nonNegative("CosineAnnealingLR", "etaMin", etaMin);
        return (base, epoch) -> etaMin + (base - etaMin) * (1 + Math.cos(Math.PI * epoch / tMax)) / 2;
    }
}
