package dev.grad4j.nn.optim;

import dev.grad4j.autograd.Tensor;

import java.util.List;

/**
 * SGD with (heavy-ball or Nesterov) momentum: {@code buf = momentum buf + g} ({@code buf = g} on the
 * first step), {@code p -= lr buf} (Nesterov: {@code p -= lr (g + momentum buf)}); exactly
 * {@code torch.optim.SGD(params, lr, momentum)} without dampening or weight decay. For those, use
 * {@link SGD} with a {@link SGD.Config}.
 *
 * <pre>{@code
 * Optimizer optimizer = new Momentum(model.parameters(), 0.01f, 0.9f);
 * }</pre>
 */
public final class Momentum extends SGD {

    /**
     * Heavy-ball momentum.
     *
     * @throws IllegalArgumentException if {@code lr} is negative or not finite, or {@code momentum}
     *     is not a finite value {@code > 0}
     */
    public Momentum(List<Tensor> parameters, float lr, float momentum) {
        this(parameters, lr, momentum, false);
    }

    /**
     * Heavy-ball or, with {@code nesterov}, Nesterov momentum.
     *
     * @throws IllegalArgumentException if {@code lr} is negative or not finite, or {@code momentum}
     *     is not a finite value {@code > 0}
     */
    public Momentum(List<Tensor> parameters, float lr, float momentum, boolean nesterov) {
        super("Momentum", parameters, config(lr, momentum, nesterov));
    }

    private static Config config(float lr, float momentum, boolean nesterov) {
        if (!(momentum > 0f) || Float.isInfinite(momentum)) {
            throw new IllegalArgumentException("Momentum: momentum must be finite and > 0: " + momentum);
        }
        return Config.builder(lr).momentum(momentum).nesterov(nesterov).build();
    }
}
