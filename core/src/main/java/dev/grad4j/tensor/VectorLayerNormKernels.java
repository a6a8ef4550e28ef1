package dev.grad4j.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Layer normalisation with the Vector API: the same two-pass statistics and gradient formulas as
 * {@link LayerNormKernels}, summed in float lanes (two accumulators per sum) instead of serial
 * double additions, which C2 cannot vectorise. The weight and bias gradients keep a fixed row
 * order per column, so results do not depend on the thread count.
 */
final class VectorLayerNormKernels extends LayerNormKernels {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    void forward(float[] x, float[] w, float[] b, float[] y, float[] mean, float[] invStd,
                 int n, float eps, int r0, int r1) {
        int full = S.loopBound(n);
        for (int r = r0; r < r1; r++) {
            int base = r * n;
            // shifted by the row's first element, so that a large common offset does not round the sum
            float shift = x[base];
            float mu = shift + shiftedSum(x, base, n, shift) / n;
            FloatVector m = FloatVector.broadcast(S, mu);
            FloatVector acc0 = FloatVector.zero(S);
            FloatVector acc1 = FloatVector.zero(S);
            int j = 0;
            for (; j + L < full; j += 2 * L) {
                FloatVector d0 = FloatVector.fromArray(S, x, base + j).sub(m);
                FloatVector d1 = FloatVector.fromArray(S, x, base + j + L).sub(m);
                acc0 = d0.fma(d0, acc0);
                acc1 = d1.fma(d1, acc1);
            }
            for (; j < full; j += L) {
                FloatVector d0 = FloatVector.fromArray(S, x, base + j).sub(m);
                acc0 = d0.fma(d0, acc0);
            }
            float ss = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
            for (; j < n; j++) {
                float d = x[base + j] - mu;
                ss = Math.fma(d, d, ss);
            }
            float inv = (float) (1.0 / Math.sqrt((double) ss / n + eps));
            mean[r] = mu;
            invStd[r] = inv;
            for (j = 0; j < full; j += L) {
                FloatVector h = FloatVector.fromArray(S, x, base + j).sub(m).mul(inv);
                if (w != null) {
                    h = h.mul(FloatVector.fromArray(S, w, j));
                }
                if (b != null) {
                    h = h.add(FloatVector.fromArray(S, b, j));
                }
                h.intoArray(y, base + j);
            }
            for (; j < n; j++) {
                float h = (x[base + j] - mu) * inv;
                if (w != null) {
                    h *= w[j];
                }
                if (b != null) {
                    h += b[j];
                }
                y[base + j] = h;
            }
        }
    }

    /** {@code Σ (a[off + j] - shift)} for {@code j < n}. */
    private static float shiftedSum(float[] a, int off, int n, float shift) {
        int full = S.loopBound(n);
        FloatVector sh = FloatVector.broadcast(S, shift);
        FloatVector acc0 = FloatVector.zero(S);
        FloatVector acc1 = FloatVector.zero(S);
        int j = 0;
        for (; j + L < full; j += 2 * L) {
            acc0 = acc0.add(FloatVector.fromArray(S, a, off + j).sub(sh));
            acc1 = acc1.add(FloatVector.fromArray(S, a, off + j + L).sub(sh));
        }
        for (; j < full; j += L) {
            acc0 = acc0.add(FloatVector.fromArray(S, a, off + j).sub(sh));
        }
        float s = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; j < n; j++) {
            s += a[off + j] - shift;
        }
        return s;
    }

    @Override
    void backwardInput(float[] g, float[] x, float[] w, float[] mean, float[] invStd, float[] dx,
                       int n, int r0, int r1) {
        int full = S.loopBound(n);
        for (int r = r0; r < r1; r++) {
            int base = r * n;
            float mu = mean[r];
            float inv = invStd[r];
            FloatVector m = FloatVector.broadcast(S, mu);
            FloatVector s1v = FloatVector.zero(S);
            FloatVector s2v = FloatVector.zero(S);
            int j = 0;
            for (; j < full; j += L) {
                FloatVector gw = FloatVector.fromArray(S, g, base + j);
                if (w != null) {
                    gw = gw.mul(FloatVector.fromArray(S, w, j));
                }
                FloatVector xh = FloatVector.fromArray(S, x, base + j).sub(m).mul(inv);
                s1v = s1v.add(gw);
                s2v = gw.fma(xh, s2v);
            }
            float s1 = s1v.reduceLanes(VectorOperators.ADD);
            float s2 = s2v.reduceLanes(VectorOperators.ADD);
            for (; j < n; j++) {
                float gw = w == null ? g[base + j] : g[base + j] * w[j];
                s1 += gw;
                s2 = Math.fma(gw, (x[base + j] - mu) * inv, s2);
            }
            float m1 = s1 / n;
            float m2 = s2 / n;
            for (j = 0; j < full; j += L) {
                FloatVector gw = FloatVector.fromArray(S, g, base + j);
                if (w != null) {
                    gw = gw.mul(FloatVector.fromArray(S, w, j));
                }
                FloatVector xh = FloatVector.fromArray(S, x, base + j).sub(m).mul(inv);
                gw.sub(m1).sub(xh.mul(m2)).mul(inv).intoArray(dx, base + j);
            }
            for (; j < n; j++) {
                float gw = w == null ? g[base + j] : g[base + j] * w[j];
                float xh = (x[base + j] - mu) * inv;
                dx[base + j] = (gw - m1 - xh * m2) * inv;
            }
        }
    }

    @Override
    void backwardAffine(float[] g, float[] x, float[] mean, float[] invStd, float[] dw, float[] db,
                        int rows, int n, int c0, int c1) {
        int width = c1 - c0;
        int full = S.loopBound(width);
        float[] aw = new float[width];
        float[] ab = new float[width];
        for (int r = 0; r < rows; r++) {
            int base = r * n + c0;
            float mu = mean[r];
            float inv = invStd[r];
            FloatVector m = FloatVector.broadcast(S, mu);
            int j = 0;
            for (; j < full; j += L) {
                FloatVector gv = FloatVector.fromArray(S, g, base + j);
                FloatVector xh = FloatVector.fromArray(S, x, base + j).sub(m).mul(inv);
                gv.fma(xh, FloatVector.fromArray(S, aw, j)).intoArray(aw, j);
                gv.add(FloatVector.fromArray(S, ab, j)).intoArray(ab, j);
            }
            for (; j < width; j++) {
                float gv = g[base + j];
                aw[j] = Math.fma(gv, (x[base + j] - mu) * inv, aw[j]);
                ab[j] += gv;
            }
        }
        if (dw != null) {
            System.arraycopy(aw, 0, dw, c0, width);
        }
        if (db != null) {
            System.arraycopy(ab, 0, db, c0, width);
        }
    }
}
