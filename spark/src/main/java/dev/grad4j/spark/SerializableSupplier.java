package dev.grad4j.spark;

import java.io.Serializable;
import java.util.function.Supplier;

/**
 * A {@link Supplier} that Spark can ship to executors: how every partition builds its own copy of
 * the model (its weights are then overwritten by the broadcast parameters).
 *
 * <pre>{@code
 * SerializableSupplier<Module> factory = () -> new Sequential(new Linear(784, 10, new SplittableRandom(0)));
 * }</pre>
 *
 * @param <T> the supplied type
 */
@FunctionalInterface
public interface SerializableSupplier<T> extends Supplier<T>, Serializable {
}
