package dev.grad4j.bench;

import dev.grad4j.tensor.Backend;
import dev.grad4j.tensor.NDArray;
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
 * Square GEMM ({@code n = 256, 512, 1024}) through the public backend, and the products of one
 * training step of the 784-256-256-10 MLP at batch 32 and 512. GFLOP/s = 2mnk / time.
 * Run with {@code examples/run jmh GemmBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class GemmBenchmark {

    /** Square size. */
    @Param({"256", "512", "1024"})
    public int n;

    private final Backend backend = Backend.cpu();
    private NDArray a;
    private NDArray b;

    /** Draws the operands. */
    @Setup
    public void setup() {
        SplittableRandom random = new SplittableRandom(0);
        a = NDArray.randn(random, n, n);
        b = NDArray.randn(random, n, n);
    }

    /** {@code [n, n] @ [n, n]}. */
    @Benchmark
    public NDArray square() {
        return backend.matmul(a, b);
    }

    /** The MLP's layer products at one batch size: forward x Wᵀ, backward G W and Gᵀ x. */
    @State(Scope.Benchmark)
    public static class MlpLayers {
        /** Batch size. */
        @Param({"32", "512"})
        public int batch;

        NDArray x;
        NDArray w1;
        NDArray g1;

        /** Draws the layer-1 operands: x [batch, 784], W [256, 784], G [batch, 256]. */
        @Setup
        public void setup() {
            SplittableRandom random = new SplittableRandom(1);
            x = NDArray.randn(random, batch, 784);
            w1 = NDArray.randn(random, 256, 784);
            g1 = NDArray.randn(random, batch, 256);
        }
    }

    /** Forward of layer 1: {@code x Wᵀ}, [batch, 784] x [256, 784]ᵀ. */
    @Benchmark
    public NDArray layer1Forward(MlpLayers s) {
        return backend.matmul(s.x, false, s.w1, true);
    }

    /** Weight gradient of layer 1: {@code Gᵀ x}, [batch, 256]ᵀ x [batch, 784]. */
    @Benchmark
    public NDArray layer1WeightGrad(MlpLayers s) {
        return backend.matmul(s.g1, true, s.x, false);
    }

    /** Input gradient of layer 1: {@code G W}, [batch, 256] x [256, 784]. */
    @Benchmark
    public NDArray layer1InputGrad(MlpLayers s) {
        return backend.matmul(s.g1, s.w1);
    }
}
