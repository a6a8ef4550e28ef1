package dev.grad4j.spark;

import dev.grad4j.nn.Module;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The models an executor JVM keeps between steps, per trainer: built once from the factory and
 * reused by its tasks (one task holds a model at a time), so a step costs a load of the broadcast
 * state, not a rebuild of the module tree.
 */
final class WorkerModels {

    private static final Map<String, Queue<Module>> POOLS = new ConcurrentHashMap<>();

    private WorkerModels() {
    }

    static Module borrow(String trainerId, SerializableSupplier<? extends Module> factory) {
        Module m = POOLS.computeIfAbsent(trainerId, k -> new ConcurrentLinkedQueue<>()).poll();
        return m != null ? m : factory.get();
    }

    static void release(String trainerId, Module model) {
        POOLS.computeIfAbsent(trainerId, k -> new ConcurrentLinkedQueue<>()).offer(model);
    }
}
