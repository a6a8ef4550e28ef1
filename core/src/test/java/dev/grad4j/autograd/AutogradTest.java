package dev.grad4j.autograd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grad4j.tensor.NDArray;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** No-grad scopes: nothing is recorded inside, state nests and is per thread. */
class AutogradTest {

    @AfterEach
    void recordingIsBackOn() {
        assertThat(Autograd.isRecording()).isTrue();
    }

    @Test
    void recordingIsOnByDefault() {
        assertThat(Autograd.isRecording()).isTrue();
        Tensor x = Tensor.var("x", NDArray.ones(2));
        Tensor y = x.exp();
        assertThat(y.requiresGrad()).isTrue();
        assertThat(y.inputs()).containsExactly(x);
    }

    @Test
    void noGradRecordsNothing() {
        Tensor x = Tensor.var("x", NDArray.ones(2));
        Tensor y;
        try (Autograd.Scope scope = Autograd.noGrad()) {
            assertThat(Autograd.isRecording()).isFalse();
            y = x.mul(x).add(x).sum();
        }
        assertThat(y.requiresGrad()).isFalse();
        assertThat(y.inputs()).isEmpty();
        assertThat(y.value().item()).isEqualTo(4f);
        assertThatThrownBy(y::backward).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("depends on no variable");
        // variables created inside a scope are still variables; only ops are not recorded
        try (Autograd.Scope scope = Autograd.noGrad()) {
            Tensor v = Tensor.var("v", NDArray.ones(1));
            assertThat(v.requiresGrad()).isTrue();
            assertThat(v.exp().requiresGrad()).isFalse();
        }
    }

    @Test
    void nestedScopesRestoreTheOuterState() {
        Autograd.Scope outer = Autograd.noGrad();
        Autograd.Scope inner = Autograd.noGrad();
        assertThat(Autograd.isRecording()).isFalse();
        inner.close();
        assertThat(Autograd.isRecording()).isFalse();
        outer.close();
        assertThat(Autograd.isRecording()).isTrue();
        outer.close(); // closing twice does nothing
        inner.close();
        assertThat(Autograd.isRecording()).isTrue();
    }

    @Test
    void scopeIsRestoredWhenTheBodyThrows() {
        assertThatThrownBy(() -> {
            try (Autograd.Scope scope = Autograd.noGrad()) {
                throw new IllegalStateException("boom");
            }
        }).isInstanceOf(IllegalStateException.class);
        assertThat(Autograd.isRecording()).isTrue();
    }

    @Test
    void recordingStateIsPerThread() throws Exception {
        Tensor x = Tensor.var("x", NDArray.ones(2));
        try (Autograd.Scope scope = Autograd.noGrad()) {
            Tensor other = CompletableFuture.supplyAsync(() -> x.exp()).get(10, TimeUnit.SECONDS);
            assertThat(other.requiresGrad()).as("another thread still records").isTrue();
            assertThat(x.exp().requiresGrad()).isFalse();
        }
    }

    @Test
    void noGradOnAnotherThreadDoesNotAffectThisOne() throws Exception {
        CountDownLatch inScope = new CountDownLatch(1);
        CountDownLatch checked = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            try (Autograd.Scope scope = Autograd.noGrad()) {
                inScope.countDown();
                checked.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.start();
        try {
            assertThat(inScope.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(Autograd.isRecording()).isTrue();
            assertThat(Tensor.var("x", NDArray.ones(1)).exp().requiresGrad()).isTrue();
        } finally {
            checked.countDown();
            t.join(10_000);
        }
    }
}
