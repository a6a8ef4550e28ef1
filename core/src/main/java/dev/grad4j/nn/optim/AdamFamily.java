package dev.grad4j.nn.optim;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.Shape;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link Adam} and {@link AdamW} share: the hyperparameters and an {@link AdamState} that does
 * the update and holds the moment buffers; the two differ only in how the weight decay is applied.
 */
abstract class AdamFamily extends Optimizer {

    private final Adam.Config config;
    private final AdamState state;

    AdamFamily(String name, List<Tensor> parameters, Adam.Config config, boolean decoupledWeightDecay) {
        super(name, parameters, Objects.requireNonNull(config, name + ": config is null").lr());
        this.config = config;
        this.state = new AdamState(config, decoupledWeightDecay, parameters.size());
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
