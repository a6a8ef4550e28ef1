package dev.grad4j.spark;

import dev.grad4j.autograd.Autograd;
import dev.grad4j.autograd.Gradients;
import dev.grad4j.autograd.Tensor;
import dev.grad4j.data.Batch;
import dev.grad4j.nn.Module;
import dev.grad4j.tensor.NDArray;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.broadcast.Broadcast;

/**
 * What runs in the executors. Every result is a pure function of the broadcast plan and the
 * partition's block, so a retried or speculative task returns exactly what the first attempt
 * would have.
 */
final class Tasks {

    /** Rows per forward pass in evaluation and inference. */
    static final int CHUNK = 512;

    private Tasks() {
    }

    /**
     * The summed loss and gradient of partition {@code p}'s shard, as a leaf vector:
     * {@code [gradients in parameter order..., count of shards with a gradient per parameter...,
     * loss sum, terms]} (terms: {@link ExampleLoss#terms}, the examples or the counted tokens);
     * {@code null} (zeros) for an empty shard.
     */
    static Iterator<OrderedSum> gradient(int p, Iterator<Block> blocks, Broadcast<StepPlan> broadcast,
            SerializableSupplier<? extends Module> factory, ExampleLoss loss) {
        Block block = blocks.next();
        StepPlan plan = broadcast.value();
        int[] positions = plan.shards[p];
        if (positions.length == 0) {
            return Collections.singletonList(OrderedSum.leaf(p, null)).iterator();
        }
        int params = plan.paramNames.length;
        int length = plan.gradientLength();
        float[] out = new float[length + params + 2];
        Module model = WorkerModels.borrow(plan.trainerId, factory);
        try {
            plan.loadInto(model);
            model.train();
            Batch batch = block.gather(positions);
            Tensor sum = loss.sum(model, batch);
            Gradients g = sum.backward();
            Map<String, Tensor> named = model.namedParameters();
            int offset = 0;
            for (int i = 0; i < params; i++) {
                Optional<NDArray> gi = g.find(named.get(plan.paramNames[i]));
                if (gi.isPresent()) {
                    float[] v = gi.get().toArray();
                    System.arraycopy(v, 0, out, offset, v.length);
                    out[length + i] = 1f;
                }
                offset += plan.paramSizes[i];
            }
            out[length + params] = sum.item();
            out[length + params + 1] = loss.terms(batch);
        } finally {
            WorkerModels.release(plan.trainerId, model);
        }
        return Collections.singletonList(OrderedSum.leaf(p, out)).iterator();
    }

    /**
     * {@code [loss sum, correct, terms]} of partition {@code p}'s whole block, without recording
     * (for token sequences, correct and terms count tokens).
     */
    static Iterator<OrderedSum> evaluate(int p, Iterator<Block> blocks, Broadcast<StepPlan> broadcast,
            SerializableSupplier<? extends Module> factory, ExampleLoss loss) {
        Block block = blocks.next();
        StepPlan plan = broadcast.value();
        if (block.size() == 0) {
            return Collections.singletonList(OrderedSum.leaf(p, null)).iterator();
        }
        float lossSum = 0f;
        int correct = 0;
        long terms = 0;
        Module model = WorkerModels.borrow(plan.trainerId, factory);
        try (var scope = Autograd.noGrad()) {
            plan.loadInto(model);
            model.eval();
            for (int from = 0; from < block.size(); from += CHUNK) {
                Batch b = block.slice(from, Math.min(block.size(), from + CHUNK));
                lossSum += loss.sum(model, b).item();
                correct += correct(loss.logits(model, b).value(), b.labelArray().toArray());
                terms += loss.terms(b);
            }
        } finally {
            WorkerModels.release(plan.trainerId, model);
        }
        return Collections.singletonList(OrderedSum.leaf(p, new float[] {lossSum, correct, terms})).iterator();
    }

    /** The model's outputs for each row, the model loaded once for the partition. */
    static Iterator<float[]> predict(Iterator<float[]> rows, Broadcast<StepPlan> broadcast,
            SerializableSupplier<? extends Module> factory) {
        StepPlan plan = broadcast.value();
        List<float[]> out = new ArrayList<>();
        Module model = WorkerModels.borrow(plan.trainerId, factory);
        try (var scope = Autograd.noGrad()) {
            plan.loadInto(model);
            model.eval();
            List<float[]> chunk = new ArrayList<>(CHUNK);
            while (rows.hasNext()) {
                chunk.add(rows.next());
                if (chunk.size() == CHUNK || !rows.hasNext()) {
                    out.addAll(forward(model, chunk));
                    chunk.clear();
                }
            }
        } finally {
            WorkerModels.release(plan.trainerId, model);
        }
        return out.iterator();
    }

    private static List<float[]> forward(Module model, List<float[]> rows) {
        int width = rows.get(0).length;
        float[] x = new float[rows.size() * width];
        for (int i = 0; i < rows.size(); i++) {
            float[] r = rows.get(i);
            if (r.length != width) {
                throw new IllegalArgumentException("DataParallelTrainer.predict: rows of " + width + " and "
                        + r.length + " features in one partition");
            }
            System.arraycopy(r, 0, x, i * width, width);
        }
        NDArray y = model.forward(Tensor.constant(NDArray.wrap(x, rows.size(), width))).value();
        int outWidth = y.shape().size() / rows.size();
        float[] all = y.toArray();
        List<float[]> result = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            float[] r = new float[outWidth];
            System.arraycopy(all, i * outWidth, r, 0, outWidth);
            result.add(r);
        }
        return result;
    }

    /**
     * The number of rows of {@code logits} {@code [..., classes]} (one per label, in order) whose
     * highest logit (the first on ties) is the label.
     */
    static int correct(NDArray logits, int[] labels) {
        int classes = logits.shape().dim(logits.shape().rank() - 1);
        if (logits.shape().size() != (long) labels.length * classes) {
            throw new IllegalArgumentException("DataParallelTrainer.evaluate: logits " + logits.shape() + " for "
                    + labels.length + " labels");
        }
        float[] z = logits.toArray();
        int correct = 0;
        for (int n = 0; n < labels.length; n++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (z[n * classes + c] > z[n * classes + best]) {
                    best = c;
                }
            }
            correct += best == labels[n] ? 1 : 0;
        }
        return correct;
    }
}
