package dev.grad4j.examples;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Keeps the XOR example working: its default run must learn the truth table. */
class XorTest {

    @Test
    void theDefaultRunLearnsXor() {
        float[] predictions = Xor.train(Xor.SEED);

        assertThat(predictions).containsExactly(new float[] {0f, 1f, 1f, 0f}, within(0.1f));
    }

    @Test
    void trainingIsReproducible() {
        assertThat(Xor.train(Xor.SEED)).containsExactly(Xor.train(Xor.SEED));
    }
}
