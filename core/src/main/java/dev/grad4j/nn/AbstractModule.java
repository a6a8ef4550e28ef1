package dev.grad4j.nn;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.StateDict;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The base of grad4j's layers and of user models: registers parameters, buffers and child modules
 * by name and keeps the training mode, so that names, state dicts and {@link #train()} /
 * {@link #eval()} work for the whole tree without hand-written bookkeeping.
 *
 * <p>A subclass registers its parts in its constructor (or in field initialisers); the names are
 * PyTorch's attribute names, so a PyTorch state dict of the same architecture loads by its keys:
 *
 * <pre>{@code
 * final class ResidualBlock extends AbstractModule {
 *     private final Conv2d conv1 = registerModule("conv1", new Conv2d(16, 16, 3, 1, 1, random));
 *     private final BatchNorm2d bn1 = registerModule("bn1", new BatchNorm2d(16));
 *     ...
 *     public Tensor forward(Tensor x) {
 *         return bn1.forward(conv1.forward(x)).relu().add(x);
 *     }
 * }
 * // names: conv1.weight, conv1.bias, bn1.weight, bn1.bias, bn1.running_mean, ...
 * }</pre>
 *
 * <p>New modules start in training mode. Names must be non-empty, contain no {@code .} and be
 * unique within the module across parameters, buffers and children.
 */
public abstract class AbstractModule implements Module {

    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final StateDict buffers = new StateDict();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** Creates a module with no parameters, buffers or children, in training mode. */
    protected AbstractModule() {
    }

    /**
     * Registers a parameter: a new variable named {@code name} holding {@code value} (not copied).
     *
     * @return the variable, to keep in a field
     * @throws IllegalArgumentException if the name is empty, contains a dot or is taken
     */
    protected final Tensor registerParameter(String name, NDArray value) {
        Objects.requireNonNull(value, "registerParameter: value is null");
        checkName("registerParameter", name);
        Tensor p = Tensor.var(name, value);
        parameters.put(name, p);
        return p;
    }

    /**
     * Registers a float buffer: state saved in the state dict but never optimised (running
     * statistics). The array itself is kept, and may be updated in place by the module.
     *
     * @return {@code value}
     * @throws IllegalArgumentException if the name is empty, contains a dot or is taken
     */
    protected final NDArray registerBuffer(String name, NDArray value) {
        Objects.requireNonNull(value, "registerBuffer: value is null");
        checkName("registerBuffer", name);
        buffers.put(name, value);
        return value;
    }

    /**
     * Registers an integer-valued buffer such as a step counter ({@code num_batches_tracked}),
     * held in a float array (exact up to 2^24) and saved as int64.
     *
     * @return {@code value}
     * @throws IllegalArgumentException if the name is empty, contains a dot or is taken, or a value is not an integer
     */
    protected final NDArray registerIntegerBuffer(String name, NDArray value) {
        Objects.requireNonNull(value, "registerIntegerBuffer: value is null");
        checkName("registerIntegerBuffer", name);
        buffers.putInteger(name, value);
        return value;
    }

    /**
     * Registers a child module under {@code name}; its parameters and buffers appear as
     * {@code name.<child's name>} and it follows this module's mode.
     *
     * @return {@code module}, to keep in a field
     * @throws IllegalArgumentException if the name is empty, contains a dot or is taken
     */
    protected final <M extends Module> M registerModule(String name, M module) {
        Objects.requireNonNull(module, "registerModule: module is null");
        checkName("registerModule", name);
        if (module == this) {
            throw new IllegalArgumentException("registerModule: a module cannot be its own child: " + name);
        }
        children.put(name, module);
        return module;
    }

    private void checkName(String op, String name) {
        Objects.requireNonNull(name, op + ": name is null");
        if (name.isEmpty() || name.indexOf('.') >= 0) {
            throw new IllegalArgumentException(op + ": name must be non-empty and contain no '.': \"" + name + "\"");
        }
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(op + ": name \"" + name + "\" is already registered in "
                    + getClass().getSimpleName());
        }
    }

    /** The registered children, in registration order (unmodifiable). */
    @Override
    public final Map<String, Module> namedChildren() {
        return Collections.unmodifiableMap(children);
    }

    /** The registered parameters, in registration order (unmodifiable). */
    @Override
    public final Map<String, Tensor> localParameters() {
        return Collections.unmodifiableMap(parameters);
    }

    /** The registered buffers (the live arrays), in registration order; a new map each call. */
    @Override
    public final StateDict localBuffers() {
        return new StateDict(buffers);
    }

    /** Sets the mode of this module and of every registered descendant. */
    @Override
    public void setTraining(boolean training) {
        this.training = training;
        for (Module child : children.values()) {
            child.setTraining(training);
        }
    }

    /** Whether this module is in training mode (the default for a new module). */
    @Override
    public final boolean isTraining() {
        return training;
    }
}
