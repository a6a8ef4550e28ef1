package dev.grad4j.nn;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.tensor.NDArray;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SequentialTest {

    @Test
    void forwardAppliesTheChildrenInOrder() {
        Module plusOne = x -> x.add(1f);
        Module twice = x -> x.mul(2f);
        Tensor x = Tensor.constant(NDArray.of(new float[] {1, 2}, 2));

        assertThat(new Sequential(plusOne, twice).forward(x).value().toArray()).containsExactly(4f, 6f);
        assertThat(new Sequential(twice, plusOne).forward(x).value().toArray()).containsExactly(3f, 5f);
    }

    @Test
    void anEmptySequentialIsTheIdentity() {
        Tensor x = Tensor.constant(NDArray.of(new float[] {1, 2}, 2));

        assertThat(new Sequential().forward(x)).isSameAs(x);
        assertThat(new Sequential().size()).isZero();
    }

    @Test
    void getAndSizeExposeTheChildren() {
        Linear first = new Linear(2, 3, new SplittableRandom(1));
        ReLU relu = new ReLU();
        Sequential s = new Sequential(first, relu);

        assertThat(s.size()).isEqualTo(2);
        assertThat(s.get(0)).isSameAs(first);
        assertThat(s.get(1)).isSameAs(relu);
        assertThatThrownBy(() -> s.get(2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(s).hasToString("Sequential(Linear(in=2, out=3, bias=true), ReLU)");
    }

    @Test
    void nullChildrenAreRejected() {
        assertThatThrownBy(() -> new Sequential(new ReLU(), null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("module 1");
    }

    @Test
    void gradientsReachEveryLayer() {
        SplittableRandom r = new SplittableRandom(5);
        Sequential model = new Sequential(new Linear(2, 4, r), new Tanh(), new Linear(4, 1, r));
        Tensor x = Tensor.constant(NDArray.of(new float[] {0.5f, -1f, 2f, 0.25f}, 2, 2));

        var grads = model.forward(x).sum().backward();

        for (Tensor p : model.parameters()) {
            assertThat(grads.wrt(p).shape()).isEqualTo(p.shape());
        }
    }
}
