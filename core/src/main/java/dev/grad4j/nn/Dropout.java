package dev.grad4j.nn;

import dev.grad4j.autograd.Tensor;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Inverted dropout, as PyTorch's {@code nn.Dropout}: in training mode each element is zeroed with
 * probability {@code p} and the others are scaled by {@code 1 / (1 - p)}; in evaluation mode the
 * input passes through unchanged. The masks come from the generator given at construction, one
 * {@code nextFloat()} per element (see {@link Tensor#dropout}), so a seeded run repeats exactly.
 * Any shape; no parameters. Default {@code p = 0.5}.
 *
 * <pre>{@code
 * Module drop = new Dropout(0.1f, new SplittableRandom(42));
 * }</pre>
 */
public final class Dropout extends AbstractModule {

    private final float p;
    private final RandomGenerator random;

    /** Dropout with {@code p = 0.5}. */
    public Dropout(RandomGenerator random) {
        this(0.5f, random);
    }

    /**
     * Dropout with probability {@code p} of zeroing an element.
     *
     * @throws IllegalArgumentException if {@code p} is outside {@code [0, 1]}
     */
    public Dropout(float p, RandomGenerator random) {
        if (!(p >= 0f && p <= 1f)) {
            throw new IllegalArgumentException("Dropout: probability must be in [0, 1], got " + p);
        }
        this.p = p;
        this.random = Objects.requireNonNull(random, "Dropout: random is null");
    }

    /** Returns {@code x.dropout(p, isTraining(), random)}: x itself in evaluation mode. */
    @Override
    public Tensor forward(Tensor x) {
        return Objects.requireNonNull(x, "Dropout: input is null").dropout(p, isTraining(), random);
    }

    /** The probability of zeroing an element. */
    public float p() {
        return p;
    }

    /** {@code Dropout(p=0.5)}. */
    @Override
    public String toString() {
        return "Dropout(p=" + p + ")";
    }
}
