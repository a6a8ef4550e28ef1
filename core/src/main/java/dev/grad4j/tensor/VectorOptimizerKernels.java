package dev.grad4j.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Adam/AdamW update of {@link OptimizerKernels} on the Vector API: the same float
 * operations in the same order, lane by lane, so results are bit-identical to the scalar kernel.
 */
final class VectorOptimizerKernels extends OptimizerKernels {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    void adam(float[] p, float[] g, float[] m, float[] v, float[] vMax, int from, int to, AdamScalars s) {
        int bound = from + S.loopBound(to - from);
        float decay = s.decay();
        float l2 = s.l2();
        float beta1 = s.beta1();
        float beta2 = s.beta2();
        float oneMinusB1 = s.oneMinusB1();
        float oneMinusB2 = s.oneMinusB2();
        float bc2Sqrt = s.bc2Sqrt();
        float eps = s.eps();
        float stepSize = s.stepSize();
        int i = from;
        for (; i < bound; i += L) {
            FloatVector pi = FloatVector.fromArray(S, p, i).mul(decay);
            FloatVector gi = FloatVector.fromArray(S, g, i);
            if (l2 != 0f) {
                gi = gi.add(pi.mul(l2));
            }
            FloatVector mi = FloatVector.fromArray(S, m, i).mul(beta1).add(gi.mul(oneMinusB1));
            FloatVector vi = FloatVector.fromArray(S, v, i).mul(beta2).add(gi.mul(gi).mul(oneMinusB2));
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            FloatVector second = vi;
            if (vMax != null) {
                second = FloatVector.fromArray(S, vMax, i).max(vi);
                second.intoArray(vMax, i);
            }
            FloatVector denom = second.sqrt().div(bc2Sqrt).add(eps);
            pi.sub(mi.div(denom).mul(stepSize)).intoArray(p, i);
        }
        super.adam(p, g, m, v, vMax, i, to, s);
    }
}
