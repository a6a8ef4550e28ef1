package dev.grad4j.spark;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.nn.Module;
import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.StateDict;

import java.io.Serializable;
import java.util.Map;

/**
 * What one step broadcasts: the model's state as plain float arrays (never a serialised module),
 * the names and sizes of the parameters whose gradients are wanted, and each partition's shard
 * of the global batch (positions within the partition, in batch order; {@code null} for
 * evaluation and inference).
 */
final class StepPlan implements Serializable {

    private static final long serialVersionUID = 1L;

    final String trainerId;
    final String[] stateNames;
    final boolean[] integer;
    final int[][] stateShapes;
    final float[][] stateValues;
    final String[] paramNames;
    final int[] paramSizes;
    final int[][] shards;

    private StepPlan(String trainerId, StateDict state, Map<String, Tensor> params, int[][] shards) {
        this.trainerId = trainerId;
        int n = state.size();
        stateNames = new String[n];
        integer = new boolean[n];
        stateShapes = new int[n][];
        stateValues = new float[n][];
        int i = 0;
        for (Map.Entry<String, NDArray> e : state.entrySet()) {
            stateNames[i] = e.getKey();
            integer[i] = state.isInteger(e.getKey());
            stateShapes[i] = e.getValue().shape().toArray();
            stateValues[i] = e.getValue().toArray();
            i++;
        }
        paramNames = params.keySet().toArray(new String[0]);
        paramSizes = new int[paramNames.length];
        for (int j = 0; j < paramNames.length; j++) {
            paramSizes[j] = params.get(paramNames[j]).shape().size();
        }
        this.shards = shards;
    }

    /** The plan of a step: {@code model}'s current state and the shards. */
    static StepPlan of(String trainerId, Module model, int[][] shards) {
        return new StepPlan(trainerId, model.stateDict(), model.namedParameters(), shards);
    }

    /** The number of gradient values: the parameters' sizes added up. */
    int gradientLength() {
        int n = 0;
        for (int s : paramSizes) {
            n += s;
        }
        return n;
    }

    /** Bytes of float data broadcast per step (the model state). */
    long stateBytes() {
        long b = 0;
        for (float[] v : stateValues) {
            b += 4L * v.length;
        }
        return b;
    }

    /** Loads the broadcast state into {@code model} (copies; the broadcast arrays stay untouched). */
    void loadInto(Module model) {
        StateDict state = new StateDict();
        for (int i = 0; i < stateNames.length; i++) {
            NDArray v = NDArray.of(stateValues[i], stateShapes[i]);
            if (integer[i]) {
                state.putInteger(stateNames[i], v);
            } else {
                state.put(stateNames[i], v);
            }
        }
        model.loadStateDict(state);
    }
}
