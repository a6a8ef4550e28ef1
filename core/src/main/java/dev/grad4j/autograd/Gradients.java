package dev.grad4j.autograd;

import dev.grad4j.tensor.NDArray;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of {@link Tensor#backward()}: the gradient of the output with respect to each
 * variable that influenced it, each with its variable's shape. Immutable.
 */
public final class Gradients {

    private final Map<Tensor, NDArray> byVariable;
    private final List<Tensor> order;

    Gradients(Map<Tensor, NDArray> byVariable, List<Tensor> order) {
        this.byVariable = byVariable;
        this.order = Collections.unmodifiableList(order);
    }

    /**
     * Returns the gradient of the output with respect to {@code variable}, shaped like it.
     *
     * @throws IllegalArgumentException if the variable did not influence the output
     */
    public NDArray wrt(Tensor variable) {
        Objects.requireNonNull(variable, "gradients: variable is null");
        NDArray g = byVariable.get(variable);
        if (g == null) {
            throw new IllegalArgumentException("gradients: no gradient for " + describe(variable)
                    + ": it did not influence the output");
        }
        return g;
    }

    /** Returns the gradient with respect to {@code variable}, or empty if it did not influence the output. */
    public Optional<NDArray> find(Tensor variable) {
        Objects.requireNonNull(variable, "gradients: variable is null");
        return Optional.ofNullable(byVariable.get(variable));
    }

    /** The variables that have a gradient, in the deterministic order backward reached them. */
    public List<Tensor> variables() {
        return order;
    }

    /**
     * Returns a copy in which every gradient is multiplied by {@code factor}.
     *
     * @throws IllegalArgumentException if {@code factor} is NaN or infinite
     */
    public Gradients scale(float factor) {
        if (!Float.isFinite(factor)) {
            throw new IllegalArgumentException("gradients.scale: factor must be finite, got " + factor);
        }
        Map<Tensor, NDArray> scaled = new IdentityHashMap<>();
        for (Tensor v : order) {
            scaled.put(v, Tensor.BACKEND.scale(byVariable.get(v), factor));
        }
        return new Gradients(scaled, new ArrayList<>(order));
    }

    private static String describe(Tensor t) {
        return t.name() != null ? "variable '" + t.name() + "' " + t.shape() : "tensor " + t;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Gradients[");
        for (int i = 0; i < order.size(); i++) {
            Tensor v = order.get(i);
            sb.append(i == 0 ? "" : ", ").append(v.name()).append(v.shape());
        }
        return sb.append(']').toString();
    }
}
