package dev.grad4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Results are bit-identical for any kernel thread count, and a seed fixes a whole training run.
 *
 * <p>{@code grad4j.threads} is read once per JVM, so {@link DeterministicRun} — every op forward
 * and backward on arrays large enough to be split between kernel threads, then a full training
 * run — is run in child JVMs with 1, 2 and 4 kernel threads, and their fingerprints must be equal
 * to each other and to this JVM's (which uses the default thread count). The GEMM and elementwise
 * kernels are also checked split by split, in-process, by {@code GemmTest} and
 * {@code FastKernelsTest}.
 */
class DeterminismTest {

    private static final long SEED = 20_240_611L;
    private static final int STEPS = 40;

    @Test
    void everyResultIsBitIdenticalForOneTwoAndFourKernelThreads(@TempDir Path dir) throws Exception {
        Map<String, String> reference = null;
        for (int threads : new int[] {1, 2, 4}) {
            Map<String, String> run = runChild(dir, threads, SEED, STEPS);
            assertThat(run).as("fingerprints with %d kernel threads", threads).hasSizeGreaterThan(100);
            if (reference == null) {
                reference = run;
            } else {
                assertSame(run, reference, threads + " kernel threads", "1 kernel thread");
            }
        }
        assertSame(DeterministicRun.fingerprints(SEED, STEPS), reference, "this JVM", "1 kernel thread");
    }

    @Test
    void aSeedFixesAWholeTrainingRun() {
        Map<String, String> first = DeterministicRun.fingerprints(SEED + 1, 10);
        Map<String, String> again = DeterministicRun.fingerprints(SEED + 1, 10);
        assertSame(again, first, "second run", "first run");
        Map<String, String> other = DeterministicRun.fingerprints(SEED + 2, 10);
        for (String key : List.of("train.losses", "train.param.0.weight", "train.param.4.bias", "train.eval")) {
            assertThat(other.get(key)).as("%s with another seed", key).isNotEqualTo(first.get(key));
        }
    }

    private static void assertSame(Map<String, String> actual, Map<String, String> expected, String what, String vs) {
        assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
        List<String> differing = new ArrayList<>();
        expected.forEach((k, v) -> {
            if (!v.equals(actual.get(k))) {
                differing.add(k);
            }
        });
        assertThat(differing).as("results of %s that differ from %s", what, vs).isEmpty();
    }

    /** Runs {@link DeterministicRun} in a fresh JVM with {@code threads} kernel threads. */
    static Map<String, String> runChild(Path dir, int threads, long seed, int steps)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(testClassPath());
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            command.add("--add-modules");
            command.add("jdk.incubator.vector");
        }
        String kernels = System.getProperty("grad4j.kernels");
        if (kernels != null) {
            command.add("-Dgrad4j.kernels=" + kernels);
        }
        command.add("-Dgrad4j.threads=" + threads);
        command.add("-Xmx512m");
        command.add(DeterministicRun.class.getName());
        command.add(Long.toString(seed));
        command.add(Integer.toString(steps));
        Path stdout = dir.resolve("threads-" + threads + ".out");
        Path stderr = dir.resolve("threads-" + threads + ".err");
        Process p = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("child JVM with " + threads + " threads timed out");
        }
        String err = Files.readString(stderr, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("exit code of the child JVM with %d threads; stderr:%n%s", threads, err).isZero();
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(stdout, StandardCharsets.UTF_8)) {
            int space = line.indexOf(' ');
            out.put(line.substring(0, space), line.substring(space + 1));
        }
        return out;
    }

    /** The test class path: surefire's real one when it runs the tests through a manifest-only jar. */
    static String testClassPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }
}
