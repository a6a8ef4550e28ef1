package dev.grad4j.nn;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.tensor.NDArray;

import java.util.List;
import java.util.Map;

/**
 * A layer or a whole model: a function {@code y = forward(x)} with named, trainable parameters.
 *
 * <p>Parameters are {@link Tensor#var variables}; an optimizer receives them through
 * {@link #parameters()} and updates their arrays in place. {@link #namedParameters()} names them
 * as PyTorch does: {@code weight} and {@code bias} inside a {@link Linear}, {@code 0.weight},
 * {@code 2.bias} inside a {@link Sequential}, nested modules joined with {@code .}. A module
 * without parameters (an activation) only implements {@link #forward}, so a lambda is a module:
 *
 * <pre>{@code
 * Module model = new Sequential(new Linear(2, 8, random), new ReLU(), new Linear(8, 1, random));
 * Map<String, NDArray> checkpoint = model.stateDict();   // {0.weight, 0.bias, 2.weight, 2.bias}
 * model.loadStateDict(checkpoint);
 * Module square = x -> x.mul(x);
 * }</pre>
 */
@FunctionalInterface
public interface Module {

    /**
     * Applies the module to {@code x}.
     *
     * @throws IllegalArgumentException if {@code x} has a shape the module cannot take
     */
    Tensor forward(Tensor x);

    /**
     * The parameters by PyTorch-style name, in registration order; each tensor appears once
     * (under its first name) even if the module shares it. Default: none.
     */
    default Map<String, Tensor> namedParameters() {
        return Map.of();
    }

    /** The parameters in the order of {@link #namedParameters()}: what an optimizer is given. */
    default List<Tensor> parameters() {
        return List.copyOf(namedParameters().values());
    }

    /** Returns a copy of every parameter's value by name; later training does not change it. */
    default Map<String, NDArray> stateDict() {
        return StateDicts.copy(namedParameters());
    }

    /**
     * Copies the values of {@code state} into the parameters in place, so the parameter tensors
     * (held by optimizers) keep their identity. Every name and shape is checked first; on any
     * problem nothing is changed.
     *
     * @throws IllegalArgumentException listing every missing, unexpected or mis-shaped entry
     */
    default void loadStateDict(Map<String, NDArray> state) {
        StateDicts.load(getClass().getSimpleName(), namedParameters(), state);
    }
}
