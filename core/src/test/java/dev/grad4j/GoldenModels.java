package dev.grad4j;

import com.fasterxml.jackson.databind.JsonNode;
import dev.grad4j.autograd.Autograd;
import dev.grad4j.autograd.Tensor;
import dev.grad4j.nn.AdaptiveAvgPool2d;
import dev.grad4j.nn.BatchNorm2d;
import dev.grad4j.nn.Conv2d;
import dev.grad4j.nn.Flatten;
import dev.grad4j.nn.Linear;
import dev.grad4j.nn.Losses;
import dev.grad4j.nn.MaxPool2d;
import dev.grad4j.nn.Module;
import dev.grad4j.nn.ReLU;
import dev.grad4j.nn.Sequential;
import dev.grad4j.nn.TestGpt;
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
 * Runs one case of models.json: builds the model from its spec, loads the parameters and buffers
 * by their PyTorch names, trains in training mode for the recorded steps (loss before each update,
 * then the final parameters and buffers), then evaluates in evaluation mode without recording.
 */
final class GoldenModels {

    static final double LOSS_RTOL = 1e-3;
    static final double LOSS_ATOL = 1e-5;
    static final double PARAM_RTOL = 1e-3;
    static final double PARAM_ATOL = 1e-5;
    static final double EVAL_RTOL = 1e-3;
    static final double EVAL_ATOL = 1e-4;

    private GoldenModels() {
    }

    static void run(JsonNode c) {
        JsonNode spec = c.get("model");
        String kind = spec.get("kind").asText();
        Module model;
        switch (kind) {
            case "cnn": model = cnn(spec.get("layers")); break;
            case "gpt":
                model = new TestGpt(spec.get("vocab").asInt(), spec.get("block").asInt(), spec.get("embed").asInt(),
                        spec.get("heads").asInt(), spec.get("layers").asInt(), new SplittableRandom(0));
                break;
            default:
                fail("unknown model kind '%s'", kind);
                return;
        }
        Map<String, NDArray> state = new LinkedHashMap<>(tensors(c.get("params")));
        state.putAll(tensors(c.get("buffers")));
        model.loadStateDict(state);
        model.train();
        Optimizer optimizer = GoldenOptim.optimizer(c.get("optimizer").asText(), c.get("hyper"), model.parameters());
        boolean ids = kind.equals("gpt");
        Tensor x = ids ? null : Tensor.constant(GoldenJson.tensor(c.get("X")));
        IntArray xIds = ids ? GoldenJson.intTensor(c.get("X")) : null;
        IntArray y = GoldenJson.intTensor(c.get("Y"));
        JsonNode losses = c.get("losses");
        int steps = c.get("steps").asInt();
        for (int step = 0; step < steps; step++) {
            Tensor loss = loss(model, ids ? ((TestGpt) model).forward(xIds, null) : model.forward(x), y);
            double expected = losses.get(step).asDouble();
            double bound = LOSS_ATOL + LOSS_RTOL * Math.abs(expected);
            if (!(Math.abs(loss.item() - expected) <= bound)) {
                fail("loss at step %d: %s, expected %s (bound %g)", step, loss.item(), expected, bound);
            }
            optimizer.step(loss.backward());
        }
        Map<String, NDArray> actual = model.stateDict();
        tensors(c.get("final_params")).forEach((name, expected) ->
                GoldenJson.check("final " + name, actual.get(name), expected, PARAM_RTOL, PARAM_ATOL));
        tensors(c.get("final_buffers")).forEach((name, expected) -> {
            if (name.endsWith("num_batches_tracked")) {
                if (actual.get(name).item() != expected.item()) {
                    fail("final %s: %s, expected %s", name, actual.get(name).item(), expected.item());
                }
            } else {
                GoldenJson.check("final " + name, actual.get(name), expected, PARAM_RTOL, PARAM_ATOL);
            }
        });
        model.eval();
        NDArray out;
        try (var scope = Autograd.noGrad()) {
            out = ids ? ((TestGpt) model).forward(GoldenJson.intTensor(c.get("X_eval")), null).value()
                    : model.forward(Tensor.constant(GoldenJson.tensor(c.get("X_eval")))).value();
        }
        GoldenJson.check("eval_output", out, GoldenJson.tensor(c.get("eval_output")), EVAL_RTOL, EVAL_ATOL);
    }

    /** Mean cross-entropy; logits {@code [B, T, V]} and labels {@code [B, T]} are flattened. */
    private static Tensor loss(Module model, Tensor logits, IntArray labels) {
        if (logits.shape().rank() == 3) {
            int v = logits.shape().dim(2);
            return Losses.crossEntropy(logits.reshape(-1, v), labels.reshape(-1));
        }
        return Losses.crossEntropy(logits, labels);
    }

    /** The PyTorch {@code nn.Sequential} of a cnn spec; layers without parameters keep their index. */
    static Sequential cnn(JsonNode layers) {
        List<Module> modules = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(0); // every value is replaced by the loaded state
        for (JsonNode l : layers) {
            String type = l.get("type").asText();
            switch (type) {
                case "conv2d":
                    modules.add(new Conv2d(l.get("in").asInt(), l.get("out").asInt(), GoldenJson.ints(l.get("kernel")),
                            GoldenJson.ints(l.get("stride")), GoldenJson.ints(l.get("padding")), new int[] {1, 1}, 1,
                            l.get("bias").asBoolean(), random));
                    break;
                case "batch_norm2d":
                    modules.add(new BatchNorm2d(l.get("features").asInt(), (float) l.get("eps").asDouble(),
                            (float) l.get("momentum").asDouble()));
                    break;
                case "relu": modules.add(new ReLU()); break;
                case "max_pool2d":
                    modules.add(new MaxPool2d(GoldenJson.ints(l.get("kernel")), GoldenJson.ints(l.get("stride")),
                            GoldenJson.ints(l.get("padding"))));
                    break;
                case "adaptive_avg_pool2d": {
                    int[] size = GoldenJson.ints(l.get("output_size"));
                    modules.add(new AdaptiveAvgPool2d(size[0], size[1]));
                    break;
                }
                case "flatten": modules.add(new Flatten()); break;
                case "linear": modules.add(new Linear(l.get("in").asInt(), l.get("out").asInt(), random)); break;
                default:
                    fail("unknown cnn layer type '%s'", type);
            }
        }
        return new Sequential(modules.toArray(new Module[0]));
    }

    /** Float tensors by name; integer ones (num_batches_tracked) as integral float arrays. */
    static Map<String, NDArray> tensors(JsonNode node) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), GoldenJson.isIntTensor(e.getValue())
                    ? GoldenJson.intTensor(e.getValue()).toFloat() : GoldenJson.tensor(e.getValue()));
        }
        return out;
    }
}
