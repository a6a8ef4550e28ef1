package dev.grad4j.tensor;

/**
 * Elementwise kernels on primitive arrays. Each writes into an output it is given and allocates
 * nothing; the op is switched on once per call, outside the loop.
 */
final class ElementwiseKernels {

    private ElementwiseKernels() {
    }

    /** {@code y[i] = op(x[i])} for {@code i < n}. */
    static void unary(UnaryOp op, float[] x, float[] y, int n) {
        switch (op) {
            case NEG:
                for (int i = 0; i < n; i++) {
                    y[i] = -x[i];
                }
                break;
            case EXP:
                for (int i = 0; i < n; i++) {
                    y[i] = (float) Math.exp(x[i]);
                }
                break;
            case LOG:
                for (int i = 0; i < n; i++) {
                    y[i] = (float) Math.log(x[i]);
                }
                break;
            case SQRT:
                for (int i = 0; i < n; i++) {
                    y[i] = (float) Math.sqrt(x[i]);
                }
                break;
            case ABS:
                for (int i = 0; i < n; i++) {
                    y[i] = Math.abs(x[i]);
                }
                break;
            case RELU:
                for (int i = 0; i < n; i++) {
                    float v = x[i];
                    y[i] = v > 0f ? v : 0f;
                }
                break;
            case SIGMOID:
                for (int i = 0; i < n; i++) {
                    y[i] = sigmoid(x[i]);
                }
                break;
            case TANH:
                for (int i = 0; i < n; i++) {
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

    /** {@code r[i] = g[i] * op'(x[i])}, using the forward output {@code y} where that is cheaper. */
    static void unaryBackward(UnaryOp op, float[] g, float[] x, float[] y, float[] r, int n) {
        switch (op) {
            case NEG:
                for (int i = 0; i < n; i++) {
                    r[i] = -g[i];
                }
                break;
            case EXP:
                for (int i = 0; i < n; i++) {
                    r[i] = g[i] * y[i];
                }
                break;
            case LOG:
                for (int i = 0; i < n; i++) {
                    r[i] = g[i] / x[i];
                }
                break;
            case SQRT:
                for (int i = 0; i < n; i++) {
                    r[i] = g[i] / (2f * y[i]);
                }
                break;
            case ABS:
                for (int i = 0; i < n; i++) {
                    float v = x[i];
                    r[i] = v > 0f ? g[i] : v < 0f ? -g[i] : 0f;
                }
                break;
            case RELU:
                for (int i = 0; i < n; i++) {
                    r[i] = x[i] > 0f ? g[i] : 0f;
                }
                break;
            case SIGMOID:
                for (int i = 0; i < n; i++) {
                    float s = y[i];
                    r[i] = g[i] * s * (1f - s);
                }
                break;
            case TANH:
                for (int i = 0; i < n; i++) {
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
    static void binary(BinaryOp op, float[] a, int ia, int sa, float[] b, int ib, int sb,
                       float[] r, int ir, int n) {
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

    /** {@code y[i] = x[i]^p}, exact products for the small integer exponents. */
    static void pow(float[] x, float[] y, int n, float p) {
        if (p == 2f) {
            for (int i = 0; i < n; i++) {
                y[i] = x[i] * x[i];
            }
        } else if (p == 1f) {
            System.arraycopy(x, 0, y, 0, n);
        } else {
            for (int i = 0; i < n; i++) {
                y[i] = (float) Math.pow(x[i], p);
            }
        }
    }

    /** {@code r[i] = g[i] * p * x[i]^(p-1)}. */
    static void powBackward(float[] g, float[] x, float[] r, int n, float p) {
        if (p == 2f) {
            for (int i = 0; i < n; i++) {
                r[i] = g[i] * 2f * x[i];
            }
        } else if (p == 0f) {
            for (int i = 0; i < n; i++) {
                r[i] = 0f;
            }
        } else {
            for (int i = 0; i < n; i++) {
                r[i] = (float) (g[i] * (p * Math.pow(x[i], p - 1.0)));
            }
        }
    }

    /** {@code y[i] = x[i] * s}. */
    static void scale(float[] x, float[] y, int n, float s) {
        for (int i = 0; i < n; i++) {
            y[i] = x[i] * s;
        }
    }
}
