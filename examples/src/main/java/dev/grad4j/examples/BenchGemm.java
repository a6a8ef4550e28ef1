package dev.grad4j.examples;

import dev.grad4j.tensor.Backend;
import dev.grad4j.tensor.NDArray;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Square float32 matrix multiply throughput, mirroring {@code shared/bench/sgemm.py}: GFLOP/s =
 * 2n³ / time, median of several samples after warm-up, the product written into one preallocated
 * output as sgemm.py's {@code torch.mm(a, b, out=c)} ({@code --fresh}: a new output per call, as
 * {@code matmul}). {@code examples/run bench-gemm [--threads N] [--fresh] [n...]}.
 */
public final class BenchGemm {

    private BenchGemm() {
    }

    /** Runs the benchmark; arguments: optional {@code --threads N} and {@code --fresh}, then sizes (default 256 512 1024). */
    public static void main(String[] args) {
        String[] options = BenchArgs.applyThreads(args);
        boolean fresh = Arrays.asList(options).contains("--fresh");
        String[] rest = Arrays.stream(options).filter(a -> !a.equals("--fresh")).toArray(String[]::new);
        int[] sizes = rest.length == 0 ? new int[] {256, 512, 1024} : Arrays.stream(rest).mapToInt(Integer::parseInt).toArray();
        Backend backend = Backend.cpu();
        SplittableRandom random = new SplittableRandom(0);
        for (int n : sizes) {
            NDArray a = NDArray.randn(random, n, n);
            NDArray b = NDArray.randn(random, n, n);
            NDArray c = NDArray.zeros(n, n);
            Runnable product = fresh ? () -> backend.matmul(a, b) : () -> backend.matmulInto(a, b, c);
            double flop = 2.0 * n * n * n;
            // Warm up (the JIT compiles the kernels; see Throughput.WARMUP_S), timing the last calls.
            long warmStart = System.nanoTime();
            int calls = 0;
            long t0 = warmStart;
            while (System.nanoTime() - warmStart < (long) (Throughput.WARMUP_S * 1e9) || calls < 3) {
                t0 = System.nanoTime();
                product.run();
                calls++;
            }
            double one = (System.nanoTime() - t0) / 1e9;
            int inner = Math.max(1, (int) (0.25 / Math.max(one, 1e-6)));
            double[] g = new double[7];
            for (int s = 0; s < g.length; s++) {
                long start = System.nanoTime();
                for (int i = 0; i < inner; i++) {
                    product.run();
                }
                g[s] = flop * inner / ((System.nanoTime() - start) / 1e9) / 1e9;
            }
            double[] sorted = g.clone();
            Arrays.sort(sorted);
            System.out.println(String.format(Locale.ROOT,
                    "{\"bench\":\"sgemm\",\"lib\":\"grad4j\",\"kernels\":\"%s\",\"threads\":%d,\"n\":%d,"
                            + "\"output\":\"%s\",\"median\":%.1f,\"min\":%.1f,\"max\":%.1f}",
                    BenchArgs.kernels(), BenchArgs.threads(), n, fresh ? "fresh" : "reused", sorted[3], sorted[0],
                    sorted[6]));
        }
    }
}
