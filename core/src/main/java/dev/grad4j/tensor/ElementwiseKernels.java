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
            case GELU:
                for (int i = from; i < n; i++) {
                    y[i] = FloatFunctions.gelu(x[i]);
                }
                break;
            case GELU_TANH:
                for (int i = from; i < n; i++) {
                    y[i] = (float) geluTanh(x[i]);
                }
                break;
            case SILU:
                for (int i = from; i < n; i++) {
                    double v = x[i];
                    y[i] = (float) (v * sigmoidDouble(v));
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

    /** {@code sqrt(2 / pi)}, the scale inside the tanh approximation of GELU. */
    private static final double GELU_TANH_BETA = 0.7978845608028654;
    /** The cubic coefficient of the tanh approximation of GELU. */
    private static final double GELU_TANH_KAPPA = 0.044715;

    /** The logistic function in double, without overflow. */
    static double sigmoidDouble(double x) {
        if (x >= 0) {
            return 1.0 / (1.0 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1.0 + e);
    }

    /** {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}. */
    static double geluTanh(double x) {
        double inner = GELU_TANH_BETA * (x + GELU_TANH_KAPPA * x * x * x);
        return 0.5 * x * (1.0 + Math.tanh(inner));
    }

    /** The derivative of {@link #geluTanh}, as PyTorch's {@code gelu_backward(approximate="tanh")}. */
    static double geluTanhDerivative(double x) {
        double inner = GELU_TANH_BETA * (x + GELU_TANH_KAPPA * x * x * x);
        double t = Math.tanh(inner);
        double innerDerivative = GELU_TANH_BETA * (1.0 + 3.0 * GELU_TANH_KAPPA * x * x);
        return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * innerDerivative;
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
                // r = x > 0 ? g : +0, as a bit mask instead of a branch: a branch on random signs
                // mispredicts half the time (measured 40x slower than the Vector API path).
                for (int i = from; i < n; i++) {
                    int t = Float.floatToRawIntBits(x[i]) - 1; // in [0, +inf bits) exactly when x > 0
                    int mask = ~(t >> 31) & ((t - 0x7F800000) >> 31);
                    r[i] = Float.intBitsToFloat(Float.floatToRawIntBits(g[i]) & mask);
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
            case GELU:
                for (int i = from; i < n; i++) {
                    r[i] = g[i] * FloatFunctions.geluDerivative(x[i], y[i]);
                }
                break;
            case GELU_TANH:
                for (int i = from; i < n; i++) {
                    r[i] = (float) (g[i] * geluTanhDerivative(x[i]));
                }
                break;
            case SILU:
                for (int i = from; i < n; i++) {
                    double v = x[i];
                    double sg = sigmoidDouble(v);
                    r[i] = (float) (g[i] * (sg * (1.0 + v * (1.0 - sg))));
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
        if (sa == 1 && sb == 0 && ia == ir && withScalar(op, a, b[ib], false, r, ir, ir + n)) {
            return;
        }
        if (sa == 0 && sb == 1 && ib == ir && withScalar(op, b, a[ia], true, r, ir, ir + n)) {
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
     *
     * <p>C2 (JDK 17 and 25) vectorises a loop only when the arrays it stores to and loads from are
     * indexed with the same offset: it cannot prove {@code r[ir + i]} and {@code b[ib + i]}
     * independent otherwise and keeps the loop scalar. So an operand at another offset than the
     * result is first copied into the result with {@link System#arraycopy}, and the op then reads it
     * back at the result's own index.
     */
    boolean contiguous(BinaryOp op, float[] a, int ia, float[] b, int ib, float[] r, int ir, int n) {
        if (op != BinaryOp.ADD && op != BinaryOp.SUB && op != BinaryOp.MUL && op != BinaryOp.DIV) {
            return false;
        }
        if (ia == ir && ib == ir) {
            sameOffset(op, a, b, r, ir, ir + n);
        } else if (ia == ir && r != a && r != b) {
            System.arraycopy(b, ib, r, ir, n);
            sameOffset(op, a, r, r, ir, ir + n);
        } else if (ib == ir && r != a && r != b) {
            System.arraycopy(a, ia, r, ir, n);
            sameOffset(op, r, b, r, ir, ir + n);
        } else {
            shifted(op, a, ia, b, ib, r, ir, n);
        }
        return true;
    }

    /** {@code r[i] = x[i] op y[i]} on {@code [from, to)}: one index for every array, which C2 vectorises. */
    private static void sameOffset(BinaryOp op, float[] x, float[] y, float[] r, int from, int to) {
        switch (op) {
            case ADD:
                for (int i = from; i < to; i++) {
                    r[i] = x[i] + y[i];
                }
                break;
            case SUB:
                for (int i = from; i < to; i++) {
                    r[i] = x[i] - y[i];
                }
                break;
            case MUL:
                for (int i = from; i < to; i++) {
                    r[i] = x[i] * y[i];
                }
                break;
            default:
                for (int i = from; i < to; i++) {
                    r[i] = x[i] / y[i];
                }
                break;
        }
    }

    /** {@code r[ir + i] = a[ia + i] op b[ib + i]}, the general offsets (scalar code on C2). */
    private static void shifted(BinaryOp op, float[] a, int ia, float[] b, int ib, float[] r, int ir, int n) {
        switch (op) {
            case ADD:
                for (int i = 0; i < n; i++) {
                    r[ir + i] = a[ia + i] + b[ib + i];
                }
                break;
            case SUB:
                for (int i = 0; i < n; i++) {
                    r[ir + i] = a[ia + i] - b[ib + i];
                }
                break;
            case MUL:
                for (int i = 0; i < n; i++) {
                    r[ir + i] = a[ia + i] * b[ib + i];
                }
                break;
            default:
                for (int i = 0; i < n; i++) {
                    r[ir + i] = a[ia + i] / b[ib + i];
                }
                break;
        }
    }

    /**
     * {@code r[i] = a[i] op s} or {@code s op a[i]} on {@code [from, to)} with the scalar operand
     * read once, so the loop is one C2 can vectorise; returns false for the ops it does not cover.
     */
    static boolean withScalar(BinaryOp op, float[] a, float s, boolean scalarFirst, float[] r, int from, int to) {
        switch (op) {
            case ADD:
                for (int i = from; i < to; i++) {
                    r[i] = a[i] + s;
                }
                return true;
            case MUL:
                for (int i = from; i < to; i++) {
                    r[i] = a[i] * s;
                }
                return true;
            case SUB:
                if (scalarFirst) {
                    for (int i = from; i < to; i++) {
                        r[i] = s - a[i];
                    }
                } else {
                    for (int i = from; i < to; i++) {
                        r[i] = a[i] - s;
                    }
                }
                return true;
            case DIV:
                if (scalarFirst) {
                    for (int i = from; i < to; i++) {
                        r[i] = s / a[i];
                    }
                } else {
                    for (int i = from; i < to; i++) {
                        r[i] = a[i] / s;
                    }
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
