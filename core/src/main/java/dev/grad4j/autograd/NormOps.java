package dev.grad4j.autograd;

import static dev.grad4j.autograd.Tensor.BACKEND;

import dev.grad4j.tensor.Backend;
import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.Shape;

/** Batch normalisation with its backward rule and running statistics. */
final class NormOps {

    private NormOps() {
    }

    static Tensor batchNorm(Tensor x, Tensor weight, Tensor bias, NDArray runningMean, NDArray runningVar,
                            boolean training, float momentum, float eps) {
        if ((runningMean == null) != (runningVar == null)) {
            throw new IllegalArgumentException("batchNorm: running mean and running var must both be given or both be null");
        }
        if (!Float.isFinite(momentum)) {
            throw new IllegalArgumentException("batchNorm: momentum must be finite, got " + momentum);
        }
        NDArray w = weight == null ? null : weight.value();
        NDArray b = bias == null ? null : bias.value();
        Backend.BatchNormResult r;
        if (training) {
            r = BACKEND.batchNormTraining(x.value(), w, b, eps);
            if (runningMean != null) {
                Shape s = x.shape();
                Shape c = Shape.of(s.dim(1));
                if (!runningMean.shape().equals(c) || !runningVar.shape().equals(c)) {
                    throw new IllegalArgumentException("batchNorm: running mean and var must be " + c
                            + " (the channels of input " + s + "), got " + runningMean.shape() + " and "
                            + runningVar.shape());
                }
                long count = (long) s.size() / s.dim(1);
                BACKEND.batchNormUpdateStats(runningMean, runningVar, r.mean(), r.variance(), count, momentum);
            }
        } else {
            if (runningMean == null) {
                throw new IllegalArgumentException("batchNorm: running mean and var are required in evaluation mode, input "
                        + x.shape());
            }
            r = BACKEND.batchNormEval(x.value(), w, b, runningMean, runningVar, eps);
        }
        NDArray xv = x.value();
        NDArray mean = r.mean();
        NDArray invStd = r.invStd();
        boolean inputGradient = x.requiresGrad();
        Backend.BatchNormGrads[] memo = new Backend.BatchNormGrads[1];
        NDArray[] memoFor = new NDArray[1];
        BackwardRule rule = (i, g) -> {
            // One pass computes all three gradients; the engine asks for them with the same g.
            if (memoFor[0] != g) {
                memo[0] = BACKEND.batchNormBackward(g, xv, w, mean, invStd, training, inputGradient);
                memoFor[0] = g;
            }
            Backend.BatchNormGrads d = memo[0];
            if (i == 0) {
                return d.input();
            }
            return i == 1 && weight != null ? d.weight() : d.bias();
        };
        if (weight != null && bias != null) {
            return Tensor.record("batchNorm", r.output(), rule, x, weight, bias);
        }
        if (weight != null) {
            return Tensor.record("batchNorm", r.output(), rule, x, weight);
        }
        if (bias != null) {
            return Tensor.record("batchNorm", r.output(), rule, x, bias);
        }
        return Tensor.record("batchNorm", r.output(), rule, x);
    }
}
