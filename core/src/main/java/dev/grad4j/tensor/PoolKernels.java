package dev.grad4j.tensor;

/**
 * Max, average and adaptive-average pooling over the planes of {@code [planes, h, w]} arrays
 * (planes = batch x channels), forward and backward. Each kernel handles the planes
 * {@code [from, to)} and writes only their output elements, so splitting the planes between
 * threads never changes a result. Window sums accumulate in double in a fixed order.
 */
final class PoolKernels {

    private PoolKernels() {
    }

    /**
     * Max pooling: writes {@code y} ({@code [planes, oh, ow]}) and, for each output, the flat
     * index {@code r * w + c} within its plane of the chosen input element into {@code argmax}.
     * Padding never wins; a NaN does (the last one, as in PyTorch). Every window must hold one input element.
     */
    static void maxPool(float[] x, float[] y, int[] argmax, int from, int to, int h, int w, int oh, int ow,
                        int kh, int kw, int sh, int sw, int ph, int pw) {
        if (kh == 2 && kw == 2 && sh == 2 && sw == 2 && ph == 0 && pw == 0) {
            maxPool2x2(x, y, argmax, from, to, h, w, oh, ow);
        } else {
            maxPoolWindows(x, y, argmax, from, to, h, w, oh, ow, kh, kw, sh, sw, ph, pw);
        }
    }

    /** {@link #maxPool} for any window: the general loop. */
    static void maxPoolWindows(float[] x, float[] y, int[] argmax, int from, int to, int h, int w, int oh, int ow,
                               int kh, int kw, int sh, int sw, int ph, int pw) {
        int hw = h * w;
        int ohw = oh * ow;
        for (int p = from; p < to; p++) {
            int xBase = p * hw;
            int yBase = p * ohw;
            for (int i = 0; i < oh; i++) {
                int r0 = Math.max(i * sh - ph, 0);
                int r1 = Math.min(i * sh - ph + kh, h);
                for (int j = 0; j < ow; j++) {
                    int c0 = Math.max(j * sw - pw, 0);
                    int c1 = Math.min(j * sw - pw + kw, w);
                    float best = Float.NEGATIVE_INFINITY;
                    int at = r0 * w + c0;
                    for (int r = r0; r < r1; r++) {
                        int row = xBase + r * w;
                        for (int c = c0; c < c1; c++) {
                            float v = x[row + c];
                            if (v > best || v != v) { // as torch: a NaN wins, the last one
                                best = v;
                                at = r * w + c;
                            }
                        }
                    }
                    y[yBase + i * ow + j] = best;
                    argmax[yBase + i * ow + j] = at;
                }
            }
        }
    }

    /**
     * {@link #maxPool} for the common 2x2 window with stride 2 and no padding, unrolled: the same
     * comparisons in the same order (row by row), so the same maxima and indices.
     */
    static void maxPool2x2(float[] x, float[] y, int[] argmax, int from, int to, int h, int w,
                                   int oh, int ow) {
        int hw = h * w;
        int ohw = oh * ow;
        for (int p = from; p < to; p++) {
            int xBase = p * hw;
            int o = p * ohw;
            for (int i = 0; i < oh; i++) {
                int top = 2 * i * w;
                for (int j = 0; j < ow; j++, o++) {
                    int i0 = top + 2 * j;
                    int i2 = i0 + w;
                    float v0 = x[xBase + i0];
                    float v1 = x[xBase + i0 + 1];
                    float v2 = x[xBase + i2];
                    float v3 = x[xBase + i2 + 1];
                    float best;
                    int at;
                    if ((v0 != v0) | (v1 != v1) | (v2 != v2) | (v3 != v3)) { // rare: the last NaN wins
                        at = v3 != v3 ? i2 + 1 : v2 != v2 ? i2 : v1 != v1 ? i0 + 1 : i0;
                        best = x[xBase + at];
                    } else {
                        // No NaN: the first of the largest. Compared as ordered int keys so that C2
                        // selects with integer cmov; float selects compile to branches, which random
                        // data mispredicts half the time (measured 3x slower).
                        int k0 = orderKey(v0);
                        int k1 = orderKey(v1);
                        int k2 = orderKey(v2);
                        int k3 = orderKey(v3);
                        at = i0;
                        int k = k0;
                        at = k1 > k ? i0 + 1 : at;
                        k = Math.max(k, k1);
                        at = k2 > k ? i2 : at;
                        k = Math.max(k, k2);
                        at = k3 > k ? i2 + 1 : at;
                        best = x[xBase + at];
                    }
                    y[o] = best;
                    argmax[o] = at;
                }
            }
        }
    }

    /**
     * An int that orders non-NaN floats as {@code <} does, with {@code -0.0} and {@code 0.0} equal:
     * the bits of a negative float reversed in order below those of the positive ones.
     */
    private static int orderKey(float v) {
        int b = Float.floatToRawIntBits(v + 0f); // + 0f turns -0.0 into 0.0
        return b ^ ((b >> 31) & 0x7fffffff);
    }

    /** Backward of {@link #maxPool}: adds each upstream value to its argmax in {@code dx} (zeroed by the caller). */
    static void maxPoolBackward(float[] g, int[] argmax, float[] dx, int from, int to, int hw, int ohw) {
        for (int p = from; p < to; p++) {
            int xBase = p * hw;
            for (int o = p * ohw, end = o + ohw; o < end; o++) {
                dx[xBase + argmax[o]] += g[o];
            }
        }
    }

    /**
     * Average pooling with zero padding; the divisor is {@code kh * kw} with
     * {@code countIncludePad}, else the number of input elements in the window.
     */
    static void avgPool(float[] x, float[] y, int from, int to, int h, int w, int oh, int ow,
                        int kh, int kw, int sh, int sw, int ph, int pw, boolean countIncludePad) {
        int hw = h * w;
        int ohw = oh * ow;
        for (int p = from; p < to; p++) {
            int xBase = p * hw;
            int yBase = p * ohw;
            for (int i = 0; i < oh; i++) {
                int r0 = Math.max(i * sh - ph, 0);
                int r1 = Math.min(i * sh - ph + kh, h);
                for (int j = 0; j < ow; j++) {
                    int c0 = Math.max(j * sw - pw, 0);
                    int c1 = Math.min(j * sw - pw + kw, w);
                    double s = 0;
                    for (int r = r0; r < r1; r++) {
                        int row = xBase + r * w;
                        for (int c = c0; c < c1; c++) {
                            s += x[row + c];
                        }
                    }
                    int divisor = countIncludePad ? kh * kw : (r1 - r0) * (c1 - c0);
                    y[yBase + i * ow + j] = (float) (s / divisor);
                }
            }
        }
    }

    /** Backward of {@link #avgPool}: spreads each upstream value over its window into {@code dx} (zeroed). */
    static void avgPoolBackward(float[] g, float[] dx, int from, int to, int h, int w, int oh, int ow,
                                int kh, int kw, int sh, int sw, int ph, int pw, boolean countIncludePad) {
        int hw = h * w;
        int ohw = oh * ow;
        for (int p = from; p < to; p++) {
            int xBase = p * hw;
            int gBase = p * ohw;
            for (int i = 0; i < oh; i++) {
                int r0 = Math.max(i * sh - ph, 0);
                int r1 = Math.min(i * sh - ph + kh, h);
                for (int j = 0; j < ow; j++) {
                    int c0 = Math.max(j * sw - pw, 0);
                    int c1 = Math.min(j * sw - pw + kw, w);
                    int divisor = countIncludePad ? kh * kw : (r1 - r0) * (c1 - c0);
                    float v = (float) ((double) g[gBase + i * ow + j] / divisor);
                    for (int r = r0; r < r1; r++) {
                        int row = xBase + r * w;
                        for (int c = c0; c < c1; c++) {
                            dx[row + c] += v;
                        }
                    }
                }
            }
        }
    }

    /** First input index of adaptive window {@code i} of {@code out} over {@code in}: {@code floor(i*in/out)}. */
    static int adaptiveStart(int i, int in, int out) {
        return (int) ((long) i * in / out);
    }

    /** End (exclusive) of adaptive window {@code i}: {@code ceil((i+1)*in/out)}. */
    static int adaptiveEnd(int i, int in, int out) {
        return (int) (((long) (i + 1) * in + out - 1) / out);
    }

    /** Adaptive average pooling: output {@code (i, j)} averages the adaptive windows of rows and columns. */
    static void adaptiveAvgPool(float[] x, float[] y, int from, int to, int h, int w, int oh, int ow) {
        int hw = h * w;
        int ohw = oh * ow;
        for (int p = from; p < to; p++) {
            int xBase = p * hw;
            int yBase = p * ohw;
            for (int i = 0; i < oh; i++) {
                int r0 = adaptiveStart(i, h, oh);
                int r1 = adaptiveEnd(i, h, oh);
                for (int j = 0; j < ow; j++) {
                    int c0 = adaptiveStart(j, w, ow);
                    int c1 = adaptiveEnd(j, w, ow);
                    double s = 0;
                    for (int r = r0; r < r1; r++) {
                        int row = xBase + r * w;
                        for (int c = c0; c < c1; c++) {
                            s += x[row + c];
                        }
                    }
                    y[yBase + i * ow + j] = (float) (s / ((r1 - r0) * (c1 - c0)));
                }
            }
        }
    }

    /** Backward of {@link #adaptiveAvgPool} into {@code dx} (zeroed by the caller). */
    static void adaptiveAvgPoolBackward(float[] g, float[] dx, int from, int to, int h, int w, int oh, int ow) {
        int hw = h * w;
        int ohw = oh * ow;
        for (int p = from; p < to; p++) {
            int xBase = p * hw;
            int gBase = p * ohw;
            for (int i = 0; i < oh; i++) {
                int r0 = adaptiveStart(i, h, oh);
                int r1 = adaptiveEnd(i, h, oh);
                for (int j = 0; j < ow; j++) {
                    int c0 = adaptiveStart(j, w, ow);
                    int c1 = adaptiveEnd(j, w, ow);
                    float v = (float) ((double) g[gBase + i * ow + j] / ((r1 - r0) * (c1 - c0)));
                    for (int r = r0; r < r1; r++) {
                        int row = xBase + r * w;
                        for (int c = c0; c < c1; c++) {
                            dx[row + c] += v;
                        }
                    }
                }
            }
        }
    }
}
