package dev.grad4j.nn.optim;

import dev.grad4j.autograd.Tensor;

import java.util.List;

/**
 * Adam with decoupled weight decay: exactly {@code torch.optim.AdamW} (1.13).
 *
 * <p>Per step, first {@code p *= 1 - lr wd}, then the {@link Adam} update without an L2 term.
 * Defaults (as PyTorch): lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 0.01, amsgrad false.
 *
 * <pre>{@code
 * Optimizer adamw = new AdamW(model.parameters(), 1e-3f);
 * Optimizer custom = new AdamW(model.parameters(), AdamW.configBuilder().weightDecay(0.1f).build());
 * }</pre>
 */
public final class AdamW extends AdamFamily {

    /** PyTorch's default weight decay for AdamW. */
    public static final float DEFAULT_WEIGHT_DECAY = 0.01f;

    /**
     * AdamW with learning rate {@code lr} and PyTorch's other defaults (weight decay 0.01).
     *
     * @throws IllegalArgumentException if {@code lr} is negative or not finite, or the parameters are
     *     invalid (see {@link Optimizer})
     */
    public AdamW(List<Tensor> parameters, float lr) {
        this(parameters, configBuilder().lr(lr).build());
    }

    /**
     * AdamW with the given hyperparameters; the weight decay is decoupled.
     *
     * @throws IllegalArgumentException if the parameters are invalid (see {@link Optimizer})
     */
    public AdamW(List<Tensor> parameters, Adam.Config config) {
        super("AdamW", parameters, config, true);
    }

    /** A builder with PyTorch's AdamW defaults: Adam's, with weight decay 0.01. */
    public static Adam.Config.Builder configBuilder() {
        return Adam.Config.builder().weightDecay(DEFAULT_WEIGHT_DECAY);
    }
}
