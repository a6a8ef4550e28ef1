package dev.grad4j.nn.optim;

import dev.grad4j.autograd.Gradients;
import dev.grad4j.autograd.Tensor;
import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.Shape;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Updates a fixed list of parameters in place from their gradients: the base of {@link SGD},
 * {@link Adam} and {@link AdamW}.
 *
 * <p>The parameters (variables, usually {@code model.parameters()}) are given at construction.
 * {@link #step(Gradients)} updates each parameter that has a gradient; one without (it did not
 * influence the loss) is skipped and its state does not advance, as PyTorch skips {@code grad is
 * None}. The learning rate can be changed between steps ({@link LrScheduler}).
 *
 * <p>{@link #stateDict()} holds {@code "lr"} and, per parameter index {@code i} that has stepped,
 * its buffers under PyTorch's names ({@code "i.momentum_buffer"}, {@code "i.step"},
 * {@code "i.exp_avg"}, {@code "i.exp_avg_sq"}, {@code "i.max_exp_avg_sq"}); loading it into an
 * optimizer of the same kind over the same parameters resumes training bit-identically.
 *
 * <pre>{@code
 * Optimizer optimizer = new Adam(model.parameters(), 1e-3f);
 * for (...) {
 *     Tensor loss = Losses.mse(model.forward(x), y);
 *     optimizer.step(loss.backward());
 * }
 * }</pre>
 */
public abstract class Optimizer {

    private static final String LR = "lr";

    private final String name;
    private final List<Tensor> parameters;
    private float learningRate;

    /**
     * Takes the parameters to update and the initial learning rate.
     *
     * @param name the optimizer's name in error messages, such as {@code "Adam"}
     * @throws IllegalArgumentException if the list is empty, holds a non-variable or a tensor twice,
     *     or the learning rate is negative or not finite
     */
    protected Optimizer(String name, List<Tensor> parameters, float learningRate) {
        this.name = Objects.requireNonNull(name, "Optimizer: name is null");
        Objects.requireNonNull(parameters, name + ": parameters is null");
        if (parameters.isEmpty()) {
            throw new IllegalArgumentException(name + ": empty parameter list");
        }
        Map<Tensor, Integer> seen = new IdentityHashMap<>();
        for (int i = 0; i < parameters.size(); i++) {
            Tensor p = Objects.requireNonNull(parameters.get(i), name + ": parameter " + i + " is null");
            if (p.name() == null || !p.requiresGrad()) {
                throw new IllegalArgumentException(name + ": parameter " + i
                        + " is not a variable (Tensor.var): " + p);
            }
            Integer first = seen.putIfAbsent(p, i);
            if (first != null) {
                throw new IllegalArgumentException(name + ": parameter " + i + " is parameter " + first
                        + " again: " + p);
            }
        }
        this.parameters = List.copyOf(parameters);
        this.learningRate = Hyper.learningRate(name, learningRate);
    }

    /**
     * Updates every parameter that has a gradient in {@code gradients}, in place. All gradients are
     * checked before any parameter changes, so a rejected step leaves the model as it was.
     *
     * @throws IllegalArgumentException if a gradient's shape differs from its parameter's
     */
    public final void step(Gradients gradients) {
        Objects.requireNonNull(gradients, name + ".step: gradients is null");
        NDArray[] grads = new NDArray[parameters.size()];
        for (int i = 0; i < grads.length; i++) {
            Tensor p = parameters.get(i);
            Optional<NDArray> g = gradients.find(p);
            if (g.isPresent()) {
                if (!g.get().shape().equals(p.shape())) {
                    throw new IllegalArgumentException(name + ".step: gradient " + g.get().shape()
                            + " differs from parameter " + i + " " + p.shape());
                }
                grads[i] = g.get();
            }
        }
        for (int i = 0; i < grads.length; i++) {
            if (grads[i] != null) {
                update(i, parameters.get(i).value(), grads[i], learningRate);
            }
        }
    }

    /**
     * Applies one update to parameter {@code index} (its array {@code parameter}, updated in place)
     * from {@code gradient} of the same shape, advancing that parameter's state.
     */
    protected abstract void update(int index, NDArray parameter, NDArray gradient, float lr);

    /** The current learning rate. */
    public final float learningRate() {
        return learningRate;
    }

    /**
     * Sets the learning rate used by the following steps.
     *
     * @throws IllegalArgumentException if {@code lr} is negative or not finite
     */
    public final void setLearningRate(float lr) {
        this.learningRate = Hyper.learningRate(name, lr);
    }

    /** The parameters, in the order given at construction (their indices in the state dict). */
    public final List<Tensor> parameters() {
        return parameters;
    }

    /**
     * Returns a copy of the optimizer's state: {@code "lr"} (a scalar) and the buffers of each
     * parameter that has state, keyed {@code "index.buffer"}; {@code "index.step"} is a scalar.
     */
    public final Map<String, NDArray> stateDict() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        out.put(LR, NDArray.scalar(learningRate));
        for (int i = 0; i < parameters.size(); i++) {
            for (Map.Entry<String, NDArray> e : saveState(i).entrySet()) {
                out.put(i + "." + e.getKey(), e.getValue().copy());
            }
        }
        return out;
    }

    /**
     * Replaces the optimizer's state with a copy of {@code state}, as written by {@link #stateDict()}
     * of an optimizer of the same kind and configuration over parameters of the same shapes. A
     * parameter with no entries starts afresh. Everything is checked before anything changes.
     *
     * @throws IllegalArgumentException listing every missing, unexpected, mis-shaped or invalid entry
     */
    public final void loadStateDict(Map<String, NDArray> state) {
        Objects.requireNonNull(state, name + ".loadStateDict: state is null");
        List<String> problems = new ArrayList<>();
        NDArray lr = state.get(LR);
        if (lr == null) {
            problems.add("missing " + LR);
        } else if (lr.shape().rank() != 0 || !(lr.item() >= 0f) || Float.isInfinite(lr.item())) {
            problems.add(LR + " must be a finite scalar >= 0: " + lr);
        }
        Map<Integer, Map<String, NDArray>> byParameter = new TreeMap<>();
        for (Map.Entry<String, NDArray> e : state.entrySet()) {
            String key = e.getKey();
            if (key == null) {
                problems.add("unexpected null key");
                continue;
            }
            if (LR.equals(key)) {
                continue;
            }
            int index = parameterIndex(key);
            String field = index < 0 ? null : key.substring(key.indexOf('.') + 1);
            if (index < 0 || !stateShapes(index, parameters.get(index).shape()).containsKey(field)) {
                problems.add("unexpected " + key);
            } else {
                byParameter.computeIfAbsent(index, k -> new LinkedHashMap<>()).put(field, e.getValue());
            }
        }
        byParameter.forEach((index, fields) -> {
            Map<String, Shape> expected = stateShapes(index, parameters.get(index).shape());
            expected.forEach((field, shape) -> {
                NDArray v = fields.get(field);
                if (v == null) {
                    problems.add((fields.containsKey(field) ? "null " : "missing ") + index + "." + field);
                } else if (!v.shape().equals(shape)) {
                    problems.add("wrong shape " + index + "." + field + " " + v.shape() + " (expected " + shape + ")");
                }
            });
            if (fields.size() == expected.size() && !fields.containsValue(null)) {
                checkState(index, fields, problems);
            }
        });
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(name + ".loadStateDict: state does not match: "
                    + String.join("; ", problems));
        }
        learningRate = lr.item();
        for (int i = 0; i < parameters.size(); i++) {
            Map<String, NDArray> fields = byParameter.getOrDefault(i, Map.of());
            Map<String, NDArray> copies = new LinkedHashMap<>();
            fields.forEach((field, v) -> copies.put(field, v.copy()));
            restoreState(i, Collections.unmodifiableMap(copies));
        }
    }

    /**
     * The buffers a parameter of shape {@code shape} has once it has stepped, by name and shape
     * (empty for a stateless optimizer).
     */
    protected abstract Map<String, Shape> stateShapes(int index, Shape shape);

    /** The current buffers of parameter {@code index} (not copied), or an empty map if it has none yet. */
    protected abstract Map<String, NDArray> saveState(int index);

    /**
     * Adds to {@code problems} what is wrong with the values of a complete, well-shaped set of
     * buffers for parameter {@code index}. Default: nothing.
     */
    protected void checkState(int index, Map<String, NDArray> buffers, List<String> problems) {
    }

    /**
     * Replaces the state of parameter {@code index} by {@code buffers} (checked, owned by the
     * optimizer from now on); an empty map resets the parameter to no state.
     */
    protected abstract void restoreState(int index, Map<String, NDArray> buffers);

    /** The name given at construction, for error messages. */
    protected final String name() {
        return name;
    }

    private int parameterIndex(String key) {
        int dot = key.indexOf('.');
        if (dot <= 0) {
            return -1;
        }
        String head = key.substring(0, dot);
        for (int k = 0; k < head.length(); k++) {
            if (!Character.isDigit(head.charAt(k))) {
                return -1;
            }
        }
        try {
            int i = Integer.parseInt(head);
            return i < parameters.size() ? i : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public String toString() {
        return name + "(lr=" + learningRate + ", " + parameters.size() + " parameters)";
    }
}
