package dev.grad4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OrderedSumTest {

    /** Vectors whose sum rounds differently for different association orders. */
    private static float[][] leaves(int n) {
        SplittableRandom r = new SplittableRandom(n);
        float[][] v = new float[n][];
        for (int p = 0; p < n; p++) {
            v[p] = new float[] {(float) (r.nextDouble() * Math.pow(10, r.nextInt(8))), (float) r.nextGaussian(), 1f};
        }
        return v;
    }

    /** The canonical tree, written out recursively: [from, to) split at the largest power of two below. */
    private static float[] tree(float[][] v, int from, int to) {
        if (to - from == 1) {
            return v[from];
        }
        int half = Integer.highestOneBit(to - from - 1);
        float[] a = tree(v, from, from + half);
        float[] b = tree(v, from + half, to);
        float[] s = new float[a.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = a[i] + b[i];
        }
        return s;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5, 8, 13, 64})
    void theTotalIsTheSameForEveryArrivalOrderAndGrouping(int n) {
        float[][] v = leaves(n);
        float[] expected = null;
        for (int trial = 0; trial < 30; trial++) {
            List<Integer> order = new ArrayList<>();
            for (int p = 0; p < n; p++) {
                order.add(p);
            }
            Collections.shuffle(order, new java.util.Random(trial));
            // Random groups merged in random order, as treeAggregate's levels might.
            SplittableRandom r = new SplittableRandom(trial);
            List<OrderedSum> groups = new ArrayList<>();
            for (int p : order) {
                if (groups.isEmpty() || r.nextInt(3) == 0) {
                    groups.add(new OrderedSum());
                }
                groups.get(r.nextInt(groups.size())).merge(OrderedSum.leaf(p, v[p]));
            }
            OrderedSum all = new OrderedSum();
            Collections.shuffle(groups, new java.util.Random(trial + 1000));
            for (OrderedSum g : groups) {
                all.merge(g);
            }
            assertThat(all.leaves()).isEqualTo(n);
            float[] total = all.total();
            if (expected == null) {
                expected = total;
            }
            assertThat(total).containsExactly(expected);
        }
        if (Integer.bitCount(n) == 1) {
            assertThat(expected).containsExactly(tree(v, 0, n));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4, 7})
    void emptyShardsCountAsZeros(int n) {
        float[][] v = leaves(n);
        OrderedSum withEmpty = new OrderedSum();
        OrderedSum without = new OrderedSum();
        for (int p = 0; p < n; p++) {
            withEmpty.merge(OrderedSum.leaf(2 * p, v[p])).merge(OrderedSum.leaf(2 * p + 1, null));
            without.merge(OrderedSum.leaf(p, v[p]));
        }
        assertThat(withEmpty.total()).containsExactly(without.total());
        assertThat(new OrderedSum().merge(OrderedSum.leaf(0, null)).total()).isNull();
    }
}
