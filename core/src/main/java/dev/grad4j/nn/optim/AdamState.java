package dev.grad4j.nn.optim;

import dev.grad4j.tensor.Backend;
import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.Shape;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-parameter moments of Adam and AdamW (step count, {@code exp_avg}, {@code exp_avg_sq},
 * {@code max_exp_avg_sq} for AMSGrad) and the update that advances them.
 */
final class AdamState {

    private static final String STEP = "step";
    private static final String EXP_AVG = "exp_avg";
    private static final String EXP_AVG_SQ = "exp_avg_sq";
    private static final String MAX_EXP_AVG_SQ = "max_exp_avg_sq";
    /** The largest step a float32 scalar counts exactly. */
    private static final int MAX_STEP = 1 << 24;

    private final Adam.Config config;
    private final boolean decoupled;
    private final int[] steps;
    private final NDArray[] m;
    private final NDArray[] v;
    private final NDArray[] vMax;

    AdamState(Adam.Config config, boolean decoupled, int parameters) {
        this.config = config;
        this.decoupled = decoupled;
        this.steps = new int[parameters];
        this.m = new NDArray[parameters];
        this.v = new NDArray[parameters];
        this.vMax = new NDArray[parameters];
    }

    void update(int i, NDArray p, NDArray g, float lr) {
        if (steps[i] == 0) {
            int[] dims = p.shape().toArray();
            m[i] = NDArray.zeros(dims);
            v[i] = NDArray.zeros(dims);
            vMax[i] = config.amsgrad() ? NDArray.zeros(dims) : null;
        }
        steps[i]++;
        Backend.cpu().adamStep(p, g, m[i], v[i], vMax[i], steps[i], lr, config.beta1(), config.beta2(),
                config.eps(), config.weightDecay(), decoupled);
    }

    Map<String, Shape> shapes(Shape shape) {
        Map<String, Shape> s = new LinkedHashMap<>();
        s.put(STEP, Shape.scalar());
        s.put(EXP_AVG, shape);
        s.put(EXP_AVG_SQ, shape);
        if (config.amsgrad()) {
            s.put(MAX_EXP_AVG_SQ, shape);
        }
        return s;
    }

    Map<String, NDArray> save(int i) {
        Map<String, NDArray> s = new LinkedHashMap<>();
        if (steps[i] > 0) {
            s.put(STEP, NDArray.scalar(steps[i]));
            s.put(EXP_AVG, m[i]);
            s.put(EXP_AVG_SQ, v[i]);
            if (vMax[i] != null) {
                s.put(MAX_EXP_AVG_SQ, vMax[i]);
            }
        }
        return s;
    }

    void check(int i, Map<String, NDArray> state, List<String> problems) {
        float step = state.get(STEP).item();
        if (!(step >= 1f && step <= MAX_STEP && step == Math.rint(step))) {
            problems.add(i + "." + STEP + " must be a whole number in [1, " + MAX_STEP + "]: " + step);
        }
    }

    void restore(int i, Map<String, NDArray> state) {
        if (state.isEmpty()) {
            steps[i] = 0;
            m[i] = null;
            v[i] = null;
            vMax[i] = null;
        } else {
            steps[i] = (int) state.get(STEP).item();
            m[i] = state.get(EXP_AVG);
            v[i] = state.get(EXP_AVG_SQ);
            vMax[i] = state.get(MAX_EXP_AVG_SQ);
        }
    }
}
