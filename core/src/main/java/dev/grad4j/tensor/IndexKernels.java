package dev.grad4j.tensor;

/**
 * Copies that select, join or scatter elements by position or by an index array: cat and narrow
 * (row blocks), index-select and its adjoint index-add, gather and its adjoint scatter-add, and the
 * three-operand broadcast select of {@code where}. Arrays are viewed as
 * {@code [outer, n, inner]} around the selected dimension. Kernels write into the output they are
 * given, allocate at most one odometer, and assume valid (already checked) indices. Accumulating
 * kernels add in a fixed order, so results are deterministic.
 */
final class IndexKernels {

    private IndexKernels() {
    }

    /**
     * Copies {@code x}, viewed as {@code [outer, n * inner]}, into columns
     * {@code [offset * inner, (offset + n) * inner)} of {@code out}, viewed as
     * {@code [outer, total * inner]}: one input of a concatenation.
     */
    static void copyBlock(float[] x, int outer, int n, int inner, float[] out, int total, int offset) {
        int block = n * inner;
        int outRow = total * inner;
        for (int o = 0; o < outer; o++) {
            System.arraycopy(x, o * block, out, o * outRow + offset * inner, block);
        }
    }

    /**
     * Copies columns {@code [start * inner, (start + length) * inner)} of {@code x}, viewed as
     * {@code [outer, n * inner]}, into {@code out} ({@code [outer, length * inner]}).
     */
    static void narrow(float[] x, int outer, int n, int inner, int start, int length, float[] out) {
        int block = length * inner;
        for (int o = 0; o < outer; o++) {
            System.arraycopy(x, (o * n + start) * inner, out, o * block, block);
        }
    }

    /** {@code out[o, j, :] = x[o, index[j], :]}; x is {@code [outer, n, inner]}, out {@code [outer, index.length, inner]}. */
    static void indexSelect(float[] x, int outer, int n, int inner, int[] index, float[] out) {
        int m = index.length;
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < m; j++) {
                System.arraycopy(x, (o * n + index[j]) * inner, out, (o * m + j) * inner, inner);
            }
        }
    }

    /**
     * {@code out[o, index[j], :] += src[o, j, :]} for every j in order; out is {@code [outer, n, inner]},
     * src {@code [outer, index.length, inner]}. Repeated indices add up.
     */
    static void indexAdd(float[] src, int outer, int n, int inner, int[] index, float[] out) {
        int m = index.length;
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < m; j++) {
                int s = (o * m + j) * inner;
                int d = (o * n + index[j]) * inner;
                for (int k = 0; k < inner; k++) {
                    out[d + k] += src[s + k];
                }
            }
        }
    }

    /**
     * {@code torch.gather} ({@code scatter = false}): for every position p of {@code index}
     * (dimensions {@code indexDims}), {@code values[p] = x[p with coordinate dim replaced by index[p]]},
     * x having strides {@code xStrides}. With {@code scatter = true} the adjoint
     * {@code x[...] += values[p]} (scatter-add), in row-major order of p.
     */
    static void gather(float[] x, int[] xStrides, int dim, int[] index, int[] indexDims, float[] values,
                       boolean scatter) {
        int rank = indexDims.length;
        if (index.length == 0) {
            return;
        }
        int inner = indexDims[rank - 1];
        int innerStride = xStrides[rank - 1];
        boolean innerIsDim = dim == rank - 1;
        int rows = index.length / inner;
        int[] idx = new int[rank];
        int base = 0; // offset in x of the current row, without the contribution of dim
        for (int row = 0; row < rows; row++) {
            int p0 = row * inner;
            for (int j = 0; j < inner; j++) {
                int p = p0 + j;
                int off = base + index[p] * xStrides[dim] + (innerIsDim ? 0 : j * innerStride);
                if (scatter) {
                    x[off] += values[p];
                } else {
                    values[p] = x[off];
                }
            }
            for (int d = rank - 2; d >= 0; d--) {
                idx[d]++;
                int step = d == dim ? 0 : xStrides[d];
                base += step;
                if (idx[d] < indexDims[d]) {
                    break;
                }
                base -= step * indexDims[d];
                idx[d] = 0;
            }
        }
    }

    /**
     * {@code out[p] = cond[p] != 0 ? a[p] : b[p]} over the output positions (dimensions
     * {@code outDims}), each operand read through its broadcast strides (0 along broadcast dims).
     */
    static void where(int[] cond, int[] sc, float[] a, int[] sa, float[] b, int[] sb, int[] outDims, float[] out) {
        int rank = outDims.length;
        if (out.length == 0) {
            return;
        }
        if (rank == 0) {
            out[0] = cond[0] != 0 ? a[0] : b[0];
            return;
        }
        int inner = outDims[rank - 1];
        int ic = sc[rank - 1];
        int ia = sa[rank - 1];
        int ib = sb[rank - 1];
        int rows = out.length / inner;
        int[] idx = new int[rank];
        int oc = 0;
        int oa = 0;
        int ob = 0;
        for (int row = 0; row < rows; row++) {
            int dst = row * inner;
            for (int j = 0; j < inner; j++) {
                out[dst + j] = cond[oc + j * ic] != 0 ? a[oa + j * ia] : b[ob + j * ib];
            }
            for (int d = rank - 2; d >= 0; d--) {
                idx[d]++;
                oc += sc[d];
                oa += sa[d];
                ob += sb[d];
                if (idx[d] < outDims[d]) {
                    break;
                }
                oc -= sc[d] * outDims[d];
                oa -= sa[d] * outDims[d];
                ob -= sb[d] * outDims[d];
                idx[d] = 0;
            }
        }
    }
}
