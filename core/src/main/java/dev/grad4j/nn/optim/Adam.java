package dev.grad4j.nn.optim;

import dev.grad4j.autograd.Tensor;

import java.util.List;

/**
 * Adam with bias correction, optional L2 weight decay and AMSGrad: exactly {@code torch.optim.Adam}
 * (1.13).
 *
 * <p>Per step {@code t} (from 1), with gradient {@code g} of parameter {@code p}:
 * {@code g += wd p}; {@code m = β1 m + (1 - β1) g}; {@code v = β2 v + (1 - β2) g²};
 * AMSGrad: {@code v̂ = max(v̂, v)}, else {@code v̂ = v};
 * {@code p -= lr / (1 - β1^t) · m / (sqrt(v̂) / sqrt(1 - β2^t) + eps)}.
 * Defaults (as PyTorch): lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 0, amsgrad false.
 * For decoupled weight decay use {@link AdamW}.
 *
 * <pre>{@code
 * Optimizer adam = new Adam(model.parameters(), 1e-3f);
 * Optimizer ams = new Adam(model.parameters(), Adam.Config.builder().lr(1e-2f).amsgrad(true).build());
 * }</pre>
 */
public final class Adam extends AdamFamily {

    /** PyTorch's default learning rate for Adam and AdamW. */
    public static final float DEFAULT_LR = 1e-3f;

    /**
     * The hyperparameters of Adam and AdamW, validated on construction.
     *
     * @param lr learning rate, finite and {@code >= 0}
     * @param beta1 decay of the first moment, in {@code [0, 1)}
     * @param beta2 decay of the second moment, in {@code [0, 1)}
     * @param eps added to the denominator, finite and {@code > 0} (PyTorch admits 0, which gives 0/0 = NaN
         *     wherever a gradient is 0)
     * @param weightDecay weight decay (L2 for Adam, decoupled for AdamW), finite and {@code >= 0}
     * @param amsgrad use the maximum of past second moments (AMSGrad)
     */
    public record Config(float lr, float beta1, float beta2, float eps, float weightDecay, boolean amsgrad) {

        /**
         * Validates the values.
         *
         * @throws IllegalArgumentException naming the first invalid value
         */
        public Config {
            String op = "Adam";
            Hyper.learningRate(op, lr);
            Hyper.unitInterval(op, "beta1", beta1);
            Hyper.unitInterval(op, "beta2", beta2);
            Hyper.positive(op, "eps", eps);
            Hyper.nonNegative(op, "weight decay", weightDecay);
        }

        /** A builder with PyTorch's Adam defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, wd 0, no AMSGrad. */
        public static Builder builder() {
            return new Builder();
        }

        /** Builds a {@link Config}; the defaults are PyTorch's Adam defaults. */
        public static final class Builder {
            private float lr = DEFAULT_LR;
            private float beta1 = 0.9f;
            private float beta2 = 0.999f;
            private float eps = 1e-8f;
            private float weightDecay = 0f;
            private boolean amsgrad = false;

            private Builder() {
            }

            /** Learning rate (default 1e-3). */
            public Builder lr(float lr) {
                this.lr = lr;
                return this;
            }

            /** Decay rates of the first and second moments (default 0.9, 0.999). */
            public Builder betas(float beta1, float beta2) {
                this.beta1 = beta1;
                this.beta2 = beta2;
                return this;
            }

            /** Term added to the denominator for stability (default 1e-8). */
            public Builder eps(float eps) {
                this.eps = eps;
                return this;
            }

            /** Weight decay (default 0 for Adam; {@link AdamW#configBuilder()} starts at 0.01). */
            public Builder weightDecay(float weightDecay) {
                this.weightDecay = weightDecay;
                return this;
            }

            /** AMSGrad (default false). */
            public Builder amsgrad(boolean amsgrad) {
                this.amsgrad = amsgrad;
                return this;
            }

            /**
             * Returns the validated configuration.
             *
             * @throws IllegalArgumentException naming the first invalid value
             */
            public Config build() {
                return new Config(lr, beta1, beta2, eps, weightDecay, amsgrad);
            }
        }
    }

    /**
     * Adam with learning rate {@code lr} and PyTorch's other defaults.
     *
     * @throws IllegalArgumentException if {@code lr} is negative or not finite, or the parameters are
     *     invalid (see {@link Optimizer})
     */
    public Adam(List<Tensor> parameters, float lr) {
        this(parameters, Config.builder().lr(lr).build());
    }

    /**
     * Adam with the given hyperparameters; the weight decay is an L2 term added to the gradient.
     *
     * @throws IllegalArgumentException if the parameters are invalid (see {@link Optimizer})
     */
    public Adam(List<Tensor> parameters, Config config) {
        super("Adam", parameters, config, false);
    }
}
