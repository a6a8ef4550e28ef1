package dev.grad4j.nn;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.StateDict;

import java.util.List;
import java.util.Map;

/**
 * A layer or a whole model: a function {@code y = forward(x)} with named parameters, buffers and
 * child modules, forming a tree as PyTorch's {@code nn.Module}.
 *
 * <p>Parameters are {@link Tensor#var variables}; an optimizer receives them through
 * {@link #parameters()} and updates their arrays in place. Buffers are state that is saved and
 * loaded but never optimised (batch norm's running statistics). Every name, the state dict and the
 * training mode derive from one walk over the tree: each module's {@link #localParameters()} and
 * {@link #localBuffers()} plus its {@link #namedChildren()}, joined with {@code .} as in PyTorch
 * ({@code 0.weight}, {@code blocks.1.attn.in_proj_weight}). Layers and user models extend
 * {@link AbstractModule}, which does this bookkeeping; a module without state is just its
 * {@link #forward}, so a lambda is a module:
 *
 * <pre>{@code
 * Module model = new Sequential(new Linear(2, 8, random), new ReLU(), new Linear(8, 1, random));
 * Map<String, NDArray> checkpoint = model.stateDict();   // {0.weight, 0.bias, 2.weight, 2.bias}
 * model.loadStateDict(checkpoint);
 * model.eval();                                          // evaluation mode for every layer
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

    /** The direct children by name, in registration order. Default: none. */
    default Map<String, Module> namedChildren() {
        return Map.of();
    }

    /** The parameters this module holds itself (not its children's), by local name. Default: none. */
    default Map<String, Tensor> localParameters() {
        return Map.of();
    }

    /**
     * The buffers this module holds itself (not its children's), by local name; the arrays are the
     * live buffers, integer-valued ones marked. Default: none.
     */
    default StateDict localBuffers() {
        return new StateDict();
    }

    /**
     * Every parameter of the tree by PyTorch-style name: this module's own first, then each child's
     * under its name, in registration order; each tensor appears once (under its first name) even if
     * the module shares it.
     */
    default Map<String, Tensor> namedParameters() {
        return ModuleTree.parameters(this);
    }

    /** The parameters in the order of {@link #namedParameters()}: what an optimizer is given. */
    default List<Tensor> parameters() {
        return List.copyOf(namedParameters().values());
    }

    /** Every buffer of the tree by PyTorch-style name (the live arrays), in the order of {@link #stateDict()}. */
    default StateDict namedBuffers() {
        return ModuleTree.buffers(this);
    }

    /**
     * Returns a copy of every parameter and buffer by name, in PyTorch's {@code state_dict()} order
     * (each module's parameters, then its buffers, then its children); later training does not
     * change it. Integer buffers are marked, so {@code SafeTensors.save} writes them as int64.
     */
    default StateDict stateDict() {
        return ModuleTree.stateDict(this);
    }

    /**
     * Copies the values of {@code state} into the parameters and buffers in place, so the parameter
     * tensors (held by optimizers) keep their identity. Every name and shape is checked first; on
     * any problem nothing is changed.
     *
     * @throws IllegalArgumentException listing every missing, unexpected or mis-shaped entry
     */
    default void loadStateDict(Map<String, NDArray> state) {
        ModuleTree.load(this, state);
    }

    /**
     * Sets training ({@code true}) or evaluation mode on this module and every descendant. Only
     * modules whose computation depends on it (dropout, batch norm) read the mode. The default
     * passes the mode on to the children; a module without a mode of its own ignores it.
     */
    default void setTraining(boolean training) {
        for (Module child : namedChildren().values()) {
            child.setTraining(training);
        }
    }

    /** Switches this module and its descendants to training mode; returns this module. */
    default Module train() {
        setTraining(true);
        return this;
    }

    /** Switches this module and its descendants to evaluation mode; returns this module. */
    default Module eval() {
        setTraining(false);
        return this;
    }

    /**
     * Whether this module is in training mode. {@link AbstractModule} keeps a flag (new modules
     * start in training mode, as in PyTorch); a module without one, such as a lambda, behaves the
     * same in both modes and always answers {@code true}.
     */
    default boolean isTraining() {
        return true;
    }
}
