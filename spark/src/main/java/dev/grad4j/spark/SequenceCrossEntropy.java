package dev.grad4j.spark;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.data.Batch;
import dev.grad4j.nn.Losses;
import dev.grad4j.nn.Module;
import dev.grad4j.tensor.IntArray;

/**
 * {@link ExampleLoss#sequenceCrossEntropy(ExampleLoss.TokenForward)}: a class, to carry
 * {@link ExampleLoss#terms} and {@link ExampleLoss#logits}.
 */
final class SequenceCrossEntropy implements ExampleLoss {

    private static final long serialVersionUID = 1L;

    private final TokenForward forward;

    SequenceCrossEntropy(TokenForward forward) {
        this.forward = forward;
    }

    @Override
    public Tensor sum(Module model, Batch batch) {
        IntArray ids = requireTokens(batch);
        Tensor logits = forward.logits(model, ids);
        int v = logits.shape().dim(logits.shape().rank() - 1);
        return Losses.crossEntropy(logits.reshape(-1, v), batch.labelArray().reshape(-1),
                Losses.CrossEntropyOptions.DEFAULTS.withReduction(Losses.Reduction.SUM));
    }

    @Override
    public long terms(Batch batch) {
        int ignore = Losses.CrossEntropyOptions.DEFAULTS.ignoreIndex();
        long n = 0;
        for (int y : batch.labelArray().toArray()) {
            n += y != ignore ? 1 : 0;
        }
        return n;
    }

    @Override
    public Tensor logits(Module model, Batch batch) {
        return forward.logits(model, requireTokens(batch));
    }

    private static IntArray requireTokens(Batch batch) {
        if (batch.intFeatures() == null) {
            throw new IllegalArgumentException("ExampleLoss.sequenceCrossEntropy: the batch holds feature vectors "
                    + batch + "; use ExampleLoss.crossEntropy");
        }
        return batch.intFeatures();
    }

    /** Returns {@code ExampleLoss.sequenceCrossEntropy}. */
    @Override
    public String toString() {
        return "ExampleLoss.sequenceCrossEntropy";
    }
}
