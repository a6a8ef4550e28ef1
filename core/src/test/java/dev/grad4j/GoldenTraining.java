package dev.grad4j;

import com.fasterxml.jackson.databind.JsonNode;
import dev.grad4j.autograd.Tensor;
import dev.grad4j.nn.Init;
import dev.grad4j.nn.Linear;
import dev.grad4j.nn.Module;
import dev.grad4j.nn.ReLU;
import dev.grad4j.nn.Sequential;
import dev.grad4j.nn.Sigmoid;
import dev.grad4j.nn.Tanh;
import dev.grad4j.nn.optim.Optimizer;
import dev.grad4j.tensor.IntArray;
import dev.grad4j.tensor.NDArray;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.fail;

/**
 * Runs one whole training-run case: {@code Linear(in,h) -> act -> Linear(h,out)} from the recorded
 * initial parameters, full batch, the recorded optimizer for the recorded steps; compares each
 * step's loss (before the update) and the final parameters.
 */
final class GoldenTraining {

    static final double LOSS_ATOL = 1e-5;
    static final double LOSS_RTOL = 1e-3;
    static final double PARAM_RTOL = 1e-3;
    static final double PARAM_ATOL = 1e-5;

    private GoldenTraining() {
    }

    static void run(JsonNode c) {
        JsonNode model = c.get("model");
        int[] sizes = GoldenJson.ints(model.get("sizes"));
        Module net = new Sequential(
                new Linear(sizes[0], sizes[1], Init.zeros(), new SplittableRandom(0)),
                activation(model.get("activation").asText()),
                new Linear(sizes[1], sizes[2], Init.zeros(), new SplittableRandom(0)));
        net.loadStateDict(params(c.get("params")));
        Optimizer optimizer = GoldenOptim.optimizer(c.get("optimizer").asText(), c.get("hyper"), net.parameters());

        Tensor x = Tensor.constant(GoldenJson.tensor(c.get("X")));
        JsonNode yNode = c.get("Y");
        List<IntArray> labels = new ArrayList<>();
        Tensor y = null;
        if (GoldenJson.isIntTensor(yNode)) {
            labels.add(GoldenJson.intTensor(yNode));
        } else {
            y = Tensor.constant(GoldenJson.tensor(yNode));
        }
        String loss = c.get("loss").asText();
        JsonNode losses = c.get("losses");
        int steps = c.get("steps").asInt();
        for (int step = 0; step < steps; step++) {
            Tensor l = GoldenLosses.apply(loss, List.of(net.forward(x), y == null ? x : y), labels, null);
            double expected = losses.get(step).asDouble();
            double bound = LOSS_ATOL + LOSS_RTOL * Math.abs(expected);
            if (!(Math.abs(l.item() - expected) <= bound)) {
                fail("loss at step %d: %s, expected %s (bound %g)", step, l.item(), expected, bound);
            }
            optimizer.step(l.backward());
        }
        Map<String, NDArray> actual = net.stateDict();
        params(c.get("final_params")).forEach((name, expected) ->
                GoldenJson.check("final " + name, actual.get(name), expected, PARAM_RTOL, PARAM_ATOL));
    }

    private static Module activation(String name) {
        switch (name) {
            case "relu": return new ReLU();
            case "tanh": return new Tanh();
            case "sigmoid": return new Sigmoid();
            default:
                fail("unknown activation '%s'", name);
                return null;
        }
    }

    /** The golden parameters {@code l1.weight, l2.bias, ...} under the Sequential's names {@code 0.weight, 2.bias, ...}. */
    private static Map<String, NDArray> params(JsonNode node) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            if (!key.matches("l[1-9][0-9]*\\..+")) {
                fail("unexpected parameter name '%s'", key);
            }
            int dot = key.indexOf('.');
            int layer = Integer.parseInt(key.substring(1, dot));
            out.put(2 * (layer - 1) + key.substring(dot), GoldenJson.tensor(e.getValue()));
        }
        return out;
    }
}
