package dev.grad4j.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bounded run of {@link FileFuzzer} in the normal test suite: 3 s from a fixed seed (override
 * with {@code -Dgrad4j.fuzz.seconds} and {@code -Dgrad4j.fuzz.seed}). Every mutated file is read or
 * rejected with an {@link IllegalArgumentException}, and no read takes more than a second.
 */
class FileFuzzTest {

    @Test
    void mutatedFilesAreReadOrRejectedWithTheDocumentedException(@TempDir Path dir) throws Exception {
        double seconds = Double.parseDouble(System.getProperty("grad4j.fuzz.seconds", "3"));
        long seed = Long.getLong("grad4j.fuzz.seed", 17L);
        FileFuzzer.Stats stats = FileFuzzer.run(seconds, seed, dir);
        System.out.println("FileFuzzTest: seed " + seed + ", " + stats);
        assertThat(stats.findings()).isEmpty();
        assertThat(stats.executions()).isGreaterThan(500);
        assertThat(stats.rejected()).isPositive();
        assertThat(stats.accepted()).isPositive();
        assertThat(stats.slowestMillis()).isLessThan(1000);
    }
}
