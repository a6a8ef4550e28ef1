package dev.grad4j.tensor;

/**
 * Elementwise kernels on primitive arrays, the plain-Java implementation. Each writes into an
 * output it is given and allocates nothing; the op is switched on once per call, outside the
 * loop. Methods work on the index range {@code [from, to)} so the backend can split large arrays
 * between kernel threads. {@code VectorElementwiseKernels} overrides the hot ones.
 */
class ElementwiseKernels {

    /** {@code y[i] = op(x[i])} for {@code from <= i < to}. */
    void unary(UnaryOp op, float[] x, float[] y, int from, int to) {
        int n = to;
        switch (op) {
            case NEG:
                for (int i = from; i < n; i++) {
                    y[i] = -x[i];
                }
                break;
            case EXP:
                for (int i = from; i < n; i++) {
                    y[i] = (float) Math.exp(x[i]);
                }
                break;
            case LOG:
                for (int i = from; i < n; i++) {
                    y[i] = (float) Math.log(x[i]);
                }
                break;
            case SQRT:
                for (int i = from; i < n; i++) {
                    y[i] = (float) Math.sqrt(x[i]);
                }
                break;
            case ABS:
                for (int i = from; i < n; i++) {
                    y[i] = Math.abs(x[i]);
                }
                break;
            case RELU:
                for (int i = from; i < n; i++) {
                    y[i] = Math.max(x[i], 0f); // branch-free; NaN stays NaN as in torch
                }
                break;
            case SIGMOID:
                for (int i = from; i < n; i++) {
                    y[i] = sigmoid(x[i]);
                }
                break;
            case TANH:
                for (int i = from; i < n; i++) {
                    y[i] = (float) Math.tanh(x[i]);
                }
                break;
            default:
                throw new AssertionError(op);
        }
    }

    /** The logistic function without overflow: {@code e^x / (1 + e^x)} for negative x. */
    static float sigmoid(float x) {
        if (x >= 0f) {
            return (float) (1.0 / (1.0 + Math.exp(-x)));
        }
        double e = Math.exp(x);
        return (float) (e / (1.0 + e));
    }

    /** {@code r[i] = g[i] * op'(x[i])} on {@code [from, to)}, using the forward output {@code y} where cheaper. */
    void unaryBackward(UnaryOp op, float[] g, float[] x, float[] y, float[] r, int from, int to) {
        int n = to;
        switch (op) {
            case NEG:
                for (int i = from; i < n; i++) {
                    r[i] = -g[i];
                }
                break;
            case EXP:
                for (int i = from; i < n; i++) {
                    r[i] = g[i] * y[i];
                }
                break;
            case LOG:
                for (int i = from; i < n; i++) {
                    r[i] = g[i] / x[i];
                }
                break;
            case SQRT:
                for (int i = from; i < n; i++) {
                    r[i] = g[i] / (2f * y[i]);
                }
                break;
            case ABS:
                for (int i = from; i < n; i++) {
                    float v = x[i];
                    r[i] = v > 0f ? g[i] : v < 0f ? -g[i] : 0f;
                }
                break;
            case RELU:
                for (int i = from; i < n; i++) {
                    r[i] = x[i] > 0f ? g[i] : 0f;
                }
                break;
            case SIGMOID:
                for (int i = from; i < n; i++) {
                    float s = y[i];
                    r[i] = g[i] * s * (1f - s);
                }
                break;
            case TANH:
                for (int i = from; i < n; i++) {
                    float t = y[i];
                    r[i] = g[i] * (1f - t * t);
                }
                break;
            default:
                throw new AssertionError(op);
        }
    }

    /**
     * {@code r[ir + i] = op(a[ia + i*sa], b[ib + i*sb])} for {@code i < n}; strides are 0 (a
     * broadcast operand) or 1.
     */
    void binary(BinaryOp op, float[] a, int ia, int sa, float[] b, int ib, int sb,
                float[] r, int ir, int n) {
        if (sa == 1 && sb == 1 && contiguous(op, a, ia, b, ib, r, ir, n)) {
            return;
        }
        switch (op) {
            case ADD:
                for (int i = 0; i < n; i++) {
                    r[ir + i] = a[ia + i * sa] + b[ib + i * sb];
                }
                break;
            case SUB:
                for (int i = 0; i < n; i++) {
                    r[ir + i] = a[ia + i * sa] - b[ib + i * sb];
                }
                break;
            case MUL:
                for (int i = 0; i < n; i++) {
                    r[ir + i] = a[ia + i * sa] * b[ib + i * sb];
                }
                break;
            case DIV:
                for (int i = 0; i < n; i++) {
                    r[ir + i] = a[ia + i * sa] / b[ib + i * sb];
                }
                break;
            case MAXIMUM:
                for (int i = 0; i < n; i++) {
                    float x = a[ia + i * sa];
                    float y = b[ib + i * sb];
                    r[ir + i] = x != x || y != y ? Float.NaN : Math.max(x, y);
                }
                break;
            case EQUAL:
                for (int i = 0; i < n; i++) {
                    r[ir + i] = a[ia + i * sa] == b[ib + i * sb] ? 1f : 0f;
                }
                break;
            case GREATER_STEP:
                for (int i = 0; i < n; i++) {
                    float x = a[ia + i * sa];
                    float y = b[ib + i * sb];
                    r[ir + i] = x > y ? 1f : x == y ? 0.5f : 0f;
                }
                break;
            default:
                throw new AssertionError(op);
        }
    }

    /**
     * The common arithmetic on two contiguous operands, as loops C2 vectorises; returns false for
     * the ops it does not cover.
     */
    boolean contiguous(BinaryOp op, float[] a, int ia, float[] b, int ib, float[] r, int ir, int n) {
        switch (op) {
            case ADD:
                for (int i = 0; i < n; i++) {
                    r[ir + i] = a[ia + i] + b[ib + i];
                }
                return true;
            case SUB:
                for (int i = 0; i < n; i++) {
                    r[ir + i] = a[ia + i] - b[ib + i];
                }
                return true;
            case MUL:
                for (int i = 0; i < n; i++) {
                    r[ir + i] = a[ia + i] * b[ib + i];
                }
                return true;
            case DIV:
                for (int i = 0; i < n; i++) {
                    r[ir + i] = a[ia + i] / b[ib + i];
                }
                return true;
            default:
                return false;
        }
    }

    /** {@code y[i] = x[i]^p} on {@code [from, to)}, exact products for the small integer exponents. */
    void pow(float[] x, float[] y, int from, int to, float p) {
        int n = to;
        if (p == 2f) {
            for (int i = from; i < n; i++) {
                y[i] = x[i] * x[i];
            }
        } else if (p == 1f) {
            System.arraycopy(x, from, y, from, n - from);
        } else {
            for (int i = from; i < n; i++) {
                y[i] = (float) Math.pow(x[i], p);
            }
        }
    }

    /** {@code r[i] = g[i] * p * x[i]^(p-1)} on {@code [from, to)}. */
    void powBackward(float[] g, float[] x, float[] r, int from, int to, float p) {
        int n = to;
        if (p == 2f) {
            for (int i = from; i < n; i++) {
                r[i] = g[i] * 2f * x[i];
            }
        } else if (p == 0f) {
            for (int i = from; i < n; i++) {
                r[i] = 0f;
            }
        } else {
            for (int i = from; i < n; i++) {
                r[i] = (float) (g[i] * (p * Math.pow(x[i], p - 1.0)));
            }
        }
    }

    /** {@code y[i] = x[i] * s} on {@code [from, to)}. */
    void scale(float[] x, float[] y, int from, int to, float s) {
        int n = to;
        for (int i = from; i < n; i++) {
            y[i] = x[i] * s;
        }
    }
}
