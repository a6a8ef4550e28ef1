package dev.grad4j.nn.optim;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.Shape;

import java.util.List;
import java.util.Map;
import java.util.Objects;

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
public final class AdamW extends Optimizer {

    /** PyTorch's default weight decay for AdamW. */
    public static final float DEFAULT_WEIGHT_DECAY = 0.01f;

    private final Adam.Config config;
    private final AdamState state;

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
        super("AdamW", parameters, Objects.requireNonNull(config, "AdamW: config is null").lr());
        this.config = config;
        this.state = new AdamState(config, true, parameters.size());
    }

    /** A builder with PyTorch's AdamW defaults: Adam's, with weight decay 0.01. */
    public static Adam.Config.Builder configBuilder() {
        return Adam.Config.builder().weightDecay(DEFAULT_WEIGHT_DECAY);
    }

    /** The hyperparameters given at construction; the current learning rate is {@link #learningRate()}. */
    public Adam.Config config() {
        return config;
    }

    @Override
    protected void update(int index, NDArray parameter, NDArray gradient, float lr) {
        state.update(index, parameter, gradient, lr);
    }

    @Override
    protected Map<String, Shape> stateShapes(int index, Shape shape) {
        return state.shapes(shape);
    }

    @Override
    protected Map<String, NDArray> saveState(int index) {
        return state.save(index);
    }

    @Override
    protected void checkState(int index, Map<String, NDArray> buffers, List<String> problems) {
        state.check(index, buffers, problems);
    }

    @Override
    protected void restoreState(int index, Map<String, NDArray> buffers) {
        state.restore(index, buffers);
    }
}
