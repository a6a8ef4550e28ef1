package dev.grad4j.properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grad4j.tensor.Backend;
import dev.grad4j.tensor.BinaryOp;
import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.Shape;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Properties of the shape machinery and the ops built on it, checked on generated shapes, axes and
 * data against small reference implementations written here: broadcasting, reshape, transpose and
 * permute round trips, every reduction over every axis set, the checked element count, and the
 * rejection of bad shapes and axes with the op named.
 */
class ShapePropertiesTest {

    private static final Backend B = Backend.cpu();

    // ---- generators ------------------------------------------------------------------------------

    @Provide
    Arbitrary<int[]> shapes() {
        return Arbitraries.integers().between(1, 4).array(int[].class).ofMinSize(0).ofMaxSize(4);
    }

    @Provide
    Arbitrary<int[]> shapesWithZeros() {
        return Arbitraries.integers().between(0, 3).array(int[].class).ofMinSize(0).ofMaxSize(4);
    }

    /** Two shapes that broadcast together: each is the common shape with some dims set to 1 and some leading dims dropped. */
    @Provide
    Arbitrary<int[][]> broadcastPairs() {
        Arbitrary<int[]> base = Arbitraries.integers().between(0, 4).array(int[].class).ofMinSize(0).ofMaxSize(4);
        Arbitrary<Long> seeds = Arbitraries.longs();
        return Combinators.combine(base, seeds).as((dims, seed) -> {
            SplittableRandom r = new SplittableRandom(seed);
            return new int[][] {derive(dims, r), derive(dims, r)};
        });
    }

    private static int[] derive(int[] dims, SplittableRandom r) {
        int drop = r.nextInt(dims.length + 1);
        int[] out = Arrays.copyOfRange(dims, drop, dims.length);
        for (int i = 0; i < out.length; i++) {
            if (r.nextInt(3) == 0) {
                out[i] = 1;
            }
        }
        return out;
    }

    private static NDArray data(int[] dims, long seed) {
        return NDArray.randn(new SplittableRandom(seed), dims);
    }

    // ---- references ------------------------------------------------------------------------------

    /** NumPy broadcasting, written independently of {@link Shape#broadcast}; null if incompatible. */
    private static int[] referenceBroadcast(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - rank + a.length];
            int db = i < rank - b.length ? 1 : b[i - rank + b.length];
            if (da != db && da != 1 && db != 1) {
                return null;
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    private static int[] unravel(long flat, int[] dims) {
        int[] idx = new int[dims.length];
        for (int i = dims.length - 1; i >= 0; i--) {
            idx[i] = (int) (flat % dims[i]);
            flat /= dims[i];
        }
        return idx;
    }

    /** The element of {@code x} that output index {@code out} reads under broadcasting. */
    private static float broadcastRead(float[] x, int[] dims, int[] out) {
        long flat = 0;
        for (int i = 0; i < dims.length; i++) {
            int o = out[out.length - dims.length + i];
            flat = flat * dims[i] + (dims[i] == 1 ? 0 : o);
        }
        return x[(int) flat];
    }

    // ---- properties ------------------------------------------------------------------------------

    @Property
    void broadcastMatchesTheReferenceForEveryBinaryOp(@ForAll("broadcastPairs") int[][] pair, @ForAll long seed) {
        int[] a = pair[0];
        int[] b = pair[1];
        int[] expected = referenceBroadcast(a, b);
        assertThat(expected).isNotNull();
        assertThat(Shape.broadcast(Shape.of(a), Shape.of(b))).isEqualTo(Shape.of(expected));
        NDArray x = data(a, seed);
        NDArray y = data(b, seed + 1);
        float[] xs = x.toArray();
        float[] ys = y.toArray();
        for (BinaryOp op : new BinaryOp[] {BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.MAXIMUM}) {
            NDArray z = B.binary(op, x, y);
            assertThat(z.shape()).isEqualTo(Shape.of(expected));
            float[] zs = z.toArray();
            for (int i = 0; i < zs.length; i++) {
                int[] idx = unravel(i, expected);
                float u = broadcastRead(xs, a, idx);
                float v = broadcastRead(ys, b, idx);
                float want = switch (op) {
                    case ADD -> u + v;
                    case SUB -> u - v;
                    case MUL -> u * v;
                    default -> Math.max(u, v);
                };
                assertThat(zs[i]).as("%s %s %s at %s", op, Arrays.toString(a), Arrays.toString(b),
                        Arrays.toString(idx)).isEqualTo(want);
            }
        }
    }

    @Property
    void incompatibleShapesAreRejectedNamingTheOp(@ForAll("shapes") int[] a, @ForAll("shapes") int[] b) {
        if (referenceBroadcast(a, b) != null) {
            return;
        }
        assertThatThrownBy(() -> B.binary(BinaryOp.MUL, NDArray.zeros(a), NDArray.zeros(b)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mul")
                .hasMessageContaining(Arrays.toString(a))
                .hasMessageContaining(Arrays.toString(b));
    }

    @Property
    void reshapeToFlatAndBackIsTheIdentity(@ForAll("shapesWithZeros") int[] dims, @ForAll long seed) {
        NDArray x = data(dims, seed);
        NDArray flat = x.reshape(-1);
        assertThat(flat.shape()).isEqualTo(Shape.of(x.size()));
        assertThat(flat.reshape(dims)).isEqualTo(x);
    }

    @Property
    void transposeTwiceIsTheIdentityAndMovesElements(@ForAll("shapes") int[] dims, @ForAll long seed,
                                                     @ForAll @IntRange(min = 0, max = 3) int i,
                                                     @ForAll @IntRange(min = 0, max = 3) int j) {
        if (dims.length < 2) {
            return;
        }
        int d0 = i % dims.length;
        int d1 = j % dims.length;
        NDArray x = data(dims, seed);
        NDArray t = B.transpose(x, d0, d1);
        assertThat(B.transpose(t, d0, d1)).isEqualTo(x);
        int[] idx = unravel(seed == Long.MIN_VALUE ? 0 : Math.abs(seed) % Math.max(1, x.size()), dims);
        int[] swapped = idx.clone();
        swapped[d0] = idx[d1];
        swapped[d1] = idx[d0];
        assertThat(t.get(swapped)).isEqualTo(x.get(idx));
    }

    @Property
    void permuteByTheInverseIsTheIdentity(@ForAll("shapes") int[] dims, @ForAll long seed) {
        List<Integer> order = new ArrayList<>();
        for (int k = 0; k < dims.length; k++) {
            order.add(k);
        }
        java.util.Collections.shuffle(order, new java.util.Random(seed));
        int[] perm = order.stream().mapToInt(Integer::intValue).toArray();
        int[] inverse = new int[perm.length];
        for (int k = 0; k < perm.length; k++) {
            inverse[perm[k]] = k;
        }
        NDArray x = data(dims, seed);
        NDArray p = B.permute(x, perm);
        for (int k = 0; k < perm.length; k++) {
            assertThat(p.shape().dim(k)).isEqualTo(dims[perm[k]]);
        }
        assertThat(B.permute(p, inverse)).isEqualTo(x);
    }

    @Property(tries = 100)
    void everyReductionOverEveryAxisSetMatchesTheReference(@ForAll("shapes") int[] dims, @ForAll long seed) {
        NDArray x = data(dims, seed);
        float[] xs = x.toArray();
        int rank = dims.length;
        for (int mask = 0; mask < (1 << rank); mask++) {
            int[] axes = Integer.bitCount(mask) == 0 ? null : new int[Integer.bitCount(mask)];
            int n = 0;
            int[] outDims = dims.clone();
            for (int k = 0; k < rank; k++) {
                if ((mask & (1 << k)) != 0) {
                    axes[n++] = k - ((seed & 1) == 0 ? 0 : rank); // negative axes on odd seeds
                    outDims[k] = 1;
                }
            }
            int reducedMask = axes == null ? (1 << rank) - 1 : mask;
            if (axes == null) {
                Arrays.fill(outDims, 1);
            }
            int outSize = Shape.of(outDims).size();
            double[] sum = new double[outSize];
            double[] max = new double[outSize];
            double[] min = new double[outSize];
            int[] count = new int[outSize];
            Arrays.fill(max, Double.NEGATIVE_INFINITY);
            Arrays.fill(min, Double.POSITIVE_INFINITY);
            for (int f = 0; f < xs.length; f++) {
                int[] idx = unravel(f, dims);
                long o = 0;
                for (int k = 0; k < rank; k++) {
                    o = o * outDims[k] + ((reducedMask & (1 << k)) != 0 ? 0 : idx[k]);
                }
                sum[(int) o] += xs[f];
                max[(int) o] = Math.max(max[(int) o], xs[f]);
                min[(int) o] = Math.min(min[(int) o], xs[f]);
                count[(int) o]++;
            }
            NDArray s = B.sum(x, axes, true);
            NDArray m = B.mean(x, axes, true);
            NDArray hi = B.max(x, axes, true);
            NDArray lo = B.min(x, axes, true);
            assertThat(s.shape()).isEqualTo(Shape.of(outDims));
            for (int o = 0; o < outSize; o++) {
                assertThat((double) s.toArray()[o]).isCloseTo(sum[o], org.assertj.core.data.Offset.offset(1e-4 * count[o]));
                assertThat((double) m.toArray()[o]).isCloseTo(sum[o] / count[o], org.assertj.core.data.Offset.offset(1e-4));
                assertThat((double) hi.toArray()[o]).isEqualTo(max[o]);
                assertThat((double) lo.toArray()[o]).isEqualTo(min[o]);
            }
            // Without keepDim the reduced dims are gone.
            assertThat(B.sum(x, axes, false).size()).isEqualTo(outSize);
        }
    }

    @Property
    void axesOutOfRangeOrRepeatedAreRejectedNamingTheOp(@ForAll @Size(min = 1, max = 4) List<@IntRange(min = 1, max = 3) Integer> dimList,
                                                       @ForAll @IntRange(min = -8, max = 8) int axis) {
        int[] dims = dimList.stream().mapToInt(Integer::intValue).toArray();
        NDArray x = NDArray.ones(dims);
        int rank = dims.length;
        if (axis < -rank || axis >= rank) {
            assertThatThrownBy(() -> B.sum(x, new int[] {axis}, false))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sum").hasMessageContaining("axis " + axis);
        } else {
            int other = axis < 0 ? axis + rank : axis - rank; // the same axis, spelled the other way
            assertThatThrownBy(() -> B.max(x, new int[] {axis, other}, false))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max").hasMessageContaining("repeated");
        }
    }

    @Property
    void theElementCountIsCheckedExactly(@ForAll @Size(min = 1, max = 5) List<@IntRange(min = 0, max = 70_000) Integer> dimList) {
        int[] dims = dimList.stream().mapToInt(Integer::intValue).toArray();
        BigInteger product = BigInteger.ONE;
        for (int d : dims) {
            product = product.multiply(BigInteger.valueOf(d));
        }
        if (product.compareTo(BigInteger.valueOf(Shape.MAX_SIZE)) <= 0) {
            assertThat(Shape.size("op", dims)).isEqualTo(product.intValueExact());
            assertThat(Shape.of(dims).size()).isEqualTo(product.intValueExact());
        } else {
            assertThatThrownBy(() -> Shape.of("op", dims))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("op: too many elements: " + Arrays.toString(dims));
        }
    }
}
