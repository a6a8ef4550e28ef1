package dev.grad4j.bench;

import dev.grad4j.tensor.Backend;
import dev.grad4j.tensor.BinaryOp;
import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.UnaryOp;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Elementwise ops, reductions and the Adam update at a tiny and a large size (the MLP's
 * activations at batch 512 are 131,072 floats; its first weight 200,704).
 * Run with {@code examples/run jmh ElementwiseBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ElementwiseBenchmark {

    /** Rows of a [rows, 256] array. */
    @Param({"4", "512"})
    public int rows;

    private final Backend backend = Backend.cpu();
    private NDArray x;
    private NDArray y;
    private NDArray bias;
    private NDArray p;
    private NDArray m;
    private NDArray v;

    /** Draws the operands. */
    @Setup
    public void setup() {
        SplittableRandom random = new SplittableRandom(0);
        x = NDArray.randn(random, rows, 256);
        y = NDArray.randn(random, rows, 256);
        bias = NDArray.randn(random, 256);
        p = NDArray.randn(random, rows, 256);
        m = NDArray.zeros(rows, 256);
        v = NDArray.zeros(rows, 256);
    }

    /** ReLU forward. */
    @Benchmark
    public NDArray relu() {
        return backend.unary(UnaryOp.RELU, x);
    }

    /** ReLU backward. */
    @Benchmark
    public NDArray reluBackward() {
        return backend.unaryBackward(UnaryOp.RELU, y, x, x);
    }

    /** Same-shape add. */
    @Benchmark
    public NDArray add() {
        return backend.binary(BinaryOp.ADD, x, y);
    }

    /** Row broadcast: [rows, 256] + [256]. */
    @Benchmark
    public NDArray addRowBroadcast() {
        return backend.binary(BinaryOp.ADD, x, bias);
    }

    /** Sum over the first axis (a bias gradient). */
    @Benchmark
    public NDArray sumFirstAxis() {
        return backend.sum(x, new int[] {0}, false);
    }

    /** Sum over the last axis. */
    @Benchmark
    public NDArray sumLastAxis() {
        return backend.sum(x, new int[] {-1}, false);
    }

    /** Log-softmax over the last axis. */
    @Benchmark
    public NDArray logSoftmax() {
        return backend.logSoftmax(x, -1);
    }

    /** One in-place Adam update. */
    @Benchmark
    public NDArray adamStep() {
        backend.adamStep(p, y, m, v, null, 10, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, false);
        return p;
    }
}
