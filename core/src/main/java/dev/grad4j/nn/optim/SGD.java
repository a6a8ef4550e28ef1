package dev.grad4j.nn.optim;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.tensor.Backend;
import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.Shape;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2 weight
 * decay: exactly {@code torch.optim.SGD} (1.13).
 *
 * <p>Per step, with gradient {@code g} of parameter {@code p}: {@code d = g + wd p}; with momentum,
 * {@code buf = d} on the first step, else {@code buf = momentum buf + (1 - dampening) d}, and
 * {@code d = nesterov ? d + momentum buf : buf}; then {@code p -= lr d}. Defaults (as PyTorch):
 * momentum 0, dampening 0, nesterov false, weight decay 0. State: {@code momentum_buffer} per
 * parameter (only with momentum).
 *
 * <pre>{@code
 * Optimizer plain = new SGD(model.parameters(), 0.1f);
 * Optimizer nesterov = new SGD(model.parameters(),
 *         SGD.Config.builder(0.1f).momentum(0.9f).nesterov(true).build());
 * }</pre>
 */
public class SGD extends Optimizer {

    /**
     * SGD's hyperparameters, validated on construction.
     *
     * @param lr learning rate, finite and {@code >= 0}
     * @param momentum momentum factor, finite and {@code >= 0} (0: none)
     * @param dampening dampening of the momentum, finite and {@code >= 0}
     * @param nesterov Nesterov momentum; needs momentum {@code > 0} and dampening 0
     * @param weightDecay L2 penalty added to the gradient, finite and {@code >= 0}
     */
    public record Config(float lr, float momentum, float dampening, boolean nesterov, float weightDecay) {

        /**
         * Validates the values.
         *
         * @throws IllegalArgumentException naming the first invalid value
         */
        public Config {
            String op = "SGD";
            Hyper.learningRate(op, lr);
            Hyper.nonNegative(op, "momentum", momentum);
            Hyper.nonNegative(op, "dampening", dampening);
            Hyper.nonNegative(op, "weight decay", weightDecay);
            if (nesterov && (momentum <= 0f || dampening != 0f)) {
                throw new IllegalArgumentException("SGD: nesterov needs momentum > 0 and dampening 0: momentum "
                        + momentum + ", dampening " + dampening);
            }
        }

        /** A builder with learning rate {@code lr} and PyTorch's defaults for the rest. */
        public static Builder builder(float lr) {
            return new Builder(lr);
        }

        /** Builds a {@link Config}; the defaults are PyTorch's. */
        public static final class Builder {
            private final float lr;
            private float momentum = 0f;
            private float dampening = 0f;
            private boolean nesterov = false;
            private float weightDecay = 0f;

            private Builder(float lr) {
                this.lr = lr;
            }

            /** Momentum factor (default 0: no momentum). */
            public Builder momentum(float momentum) {
                this.momentum = momentum;
                return this;
            }

            /** Dampening of the momentum (default 0). */
            public Builder dampening(float dampening) {
                this.dampening = dampening;
                return this;
            }

            /** Nesterov momentum (default false). */
            public Builder nesterov(boolean nesterov) {
                this.nesterov = nesterov;
                return this;
            }

            /** L2 weight decay (default 0). */
            public Builder weightDecay(float weightDecay) {
                this.weightDecay = weightDecay;
                return this;
            }

            /**
             * Returns the validated configuration.
             *
             * @throws IllegalArgumentException naming the first invalid value
             */
            public Config build() {
                return new Config(lr, momentum, dampening, nesterov, weightDecay);
            }
        }
    }

    private final Config config;
    private final NDArray[] buffers;

    /**
     * Plain SGD {@code p -= lr g}.
     *
     * @throws IllegalArgumentException if {@code lr} is negative or not finite, or the parameters are
     *     invalid (see {@link Optimizer})
     */
    public SGD(List<Tensor> parameters, float lr) {
        this(parameters, Config.builder(lr).build());
    }

    /**
     * SGD with the given hyperparameters.
     *
     * @throws IllegalArgumentException if the parameters are invalid (see {@link Optimizer})
     */
    public SGD(List<Tensor> parameters, Config config) {
        this("SGD", parameters, config);
    }

    SGD(String name, List<Tensor> parameters, Config config) {
        super(name, parameters, Objects.requireNonNull(config, name + ": config is null").lr());
        this.config = config;
        this.buffers = new NDArray[parameters.size()];
    }

    /** The hyperparameters given at construction; the current learning rate is {@link #learningRate()}. */
    public final Config config() {
        return config;
    }

    @Override
    protected final void update(int index, NDArray parameter, NDArray gradient, float lr) {
        boolean first = false;
        if (config.momentum() != 0f && buffers[index] == null) {
            buffers[index] = NDArray.zeros(parameter.shape().toArray());
            first = true;
        }
        Backend.cpu().sgdStep(parameter, gradient, buffers[index], first, lr, config.momentum(),
                config.dampening(), config.nesterov(), config.weightDecay());
    }

    @Override
    protected final Map<String, Shape> stateShapes(int index, Shape shape) {
        return config.momentum() != 0f ? Map.of("momentum_buffer", shape) : Map.of();
    }

    @Override
    protected final Map<String, NDArray> saveState(int index) {
        return buffers[index] == null ? Map.of() : Map.of("momentum_buffer", buffers[index]);
    }

    @Override
    protected final void restoreState(int index, Map<String, NDArray> state) {
        buffers[index] = state.get("momentum_buffer");
    }
}
