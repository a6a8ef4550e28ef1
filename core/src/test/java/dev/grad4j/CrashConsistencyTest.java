package dev.grad4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.grad4j.io.SafeTensors;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash consistency: a child JVM saving a checkpoint and a safetensors file in a loop is killed
 * with SIGKILL at random moments ({@code -Dgrad4j.crash.kills}, default 6). After every kill both
 * files load and are one complete save (the checksum in the metadata matches the data, the
 * checkpoint's step matches its parameters); a run resumed from the last checkpoint continues bit
 * for bit; and the next save removes the temporary files the killed saves left.
 */
class CrashConsistencyTest {

    @TempDir
    Path dir;

    @Test
    void aSaveKilledAtAnyMomentLeavesTheOldOrTheNewFile() throws Exception {
        int kills = Integer.getInteger("grad4j.crash.kills", 6);
        SplittableRandom random = new SplittableRandom(Long.getLong("grad4j.crash.seed", 99L));
        Path ckpt = dir.resolve("run.ckpt");
        Path big = dir.resolve("big.safetensors");
        List<Integer> steps = new ArrayList<>();
        long stale = 0;
        for (int kill = 0; kill < kills; kill++) {
            Process child = start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                assertThat(out.readLine()).as("first line of the child").isEqualTo("saved");
                Thread.sleep(random.nextInt(1, 150));
            } finally {
                child.destroyForcibly(); // SIGKILL on Linux and macOS
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            try (Stream<Path> files = Files.list(dir)) {
                stale += files.filter(p -> p.getFileName().toString().endsWith(".tmp")).count();
            }
            // The checkpoint: one complete save whose parameters are those of its step.
            CrashChild.Run resumed = CrashChild.Run.resume(ckpt);
            CrashChild.Run replay = new CrashChild.Run();
            while (replay.step < resumed.step) {
                replay.step();
            }
            assertThat(resumed.model.stateDict()).as("parameters of step %d", resumed.step)
                    .isEqualTo(replay.model.stateDict());
            steps.add(resumed.step);
            // The big file: data and checksum from the same save.
            SafeTensors.Contents c = SafeTensors.read(big);
            assertThat(Arrays.hashCode(c.tensors().get("big").toArray())).as("checksum after kill %d", kill)
                    .isEqualTo(Integer.parseInt(c.metadata().get("checksum")));
            if (kill == kills - 1) {
                // A resumed run continues bit for bit.
                for (int i = 0; i < 3; i++) {
                    resumed.step();
                    replay.step();
                }
                assertThat(resumed.model.stateDict()).isEqualTo(replay.model.stateDict());
            }
        }
        assertThat(steps).as("steps reached before each kill").allMatch(s -> s >= 1);
        System.out.println("CrashConsistencyTest: " + kills + " kills at steps " + steps + "; " + stale
                + " temporary files seen right after the kills (each removed by the next save)");
        // Saves in this (live) process remove what the killed processes left.
        new CrashChild.Run().save(ckpt);
        CrashChild.saveBig(big, 0);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted())
                    .containsExactly("big.safetensors", "run.ckpt");
        }
    }

    private Process start() throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(DeterminismTest.testClassPath());
        // The same kernels as this JVM, so that the parameters compare bit for bit.
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            command.add("--add-modules");
            command.add("jdk.incubator.vector");
        }
        String kernels = System.getProperty("grad4j.kernels");
        if (kernels != null) {
            command.add("-Dgrad4j.kernels=" + kernels);
        }
        command.add("-Xmx256m");
        command.add("-Dgrad4j.threads=1");
        command.add(CrashChild.class.getName());
        command.add(dir.toString());
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }
}
