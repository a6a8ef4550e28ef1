package dev.grad4j.tensor;

/** Copies that rearrange elements: transposes and broadcasts as one strided gather. */
final class ShapeKernels {

    private ShapeKernels() {
    }

    /**
     * Fills {@code out} (contiguous, dimensions {@code outDims}) with
     * {@code x[sum_d idx[d] * inStrides[d]]}; a stride of 0 repeats along that dimension.
     */
    static void gather(float[] x, int[] inStrides, int[] outDims, float[] out) {
        int rank = outDims.length;
        if (out.length == 0) {
            return;
        }
        if (rank == 0) {
            out[0] = x[0];
            return;
        }
        int inner = outDims[rank - 1];
        int innerStride = inStrides[rank - 1];
        int rows = out.length / inner;
        int[] idx = new int[rank];
        int src = 0;
        for (int row = 0; row < rows; row++) {
            int dst = row * inner;
            if (innerStride == 1) {
                System.arraycopy(x, src, out, dst, inner);
            } else {
                for (int j = 0, s = src; j < inner; j++, s += innerStride) {
                    out[dst + j] = x[s];
                }
            }
            for (int d = rank - 2; d >= 0; d--) {
                idx[d]++;
                src += inStrides[d];
                if (idx[d] < outDims[d]) {
                    break;
                }
                src -= inStrides[d] * outDims[d];
                idx[d] = 0;
            }
        }
    }

    /**
     * Strides for reading an array of shape {@code in} as if broadcast to {@code out}: aligned
     * from the end, 0 where {@code in} has size 1 or no dimension.
     */
    static int[] broadcastStrides(Shape in, Shape out) {
        int rank = out.rank();
        int off = rank - in.rank();
        int[] s = new int[rank];
        int stride = 1;
        for (int i = in.rank() - 1; i >= 0; i--) {
            s[i + off] = in.at(i) == 1 ? 0 : stride;
            stride *= in.at(i);
        }
        return s;
    }
}
