package dev.grad4j.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;


import java.io.File;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JPMS descriptor: grad4j exports exactly its public packages, reads only slf4j-api (and the
 * Vector API when present), and works as a named module on the module path.
 */
class ModuleDescriptorTest {

    private static final Path CLASSES = Path.of("target", "classes");

    private static ModuleDescriptor descriptor() {
        ModuleReference ref = ModuleFinder.of(CLASSES).find("dev.grad4j")
                .orElseThrow(() -> new AssertionError("no module dev.grad4j in " + CLASSES.toAbsolutePath()));
        return ref.descriptor();
    }

    @Test
    void exportsExactlyThePublicPackagesAndNothingElse() {
        ModuleDescriptor d = descriptor();
        Set<String> exported = d.exports().stream()
                .peek(e -> assertThat(e.isQualified()).as("export of %s is qualified", e.source()).isFalse())
                .map(ModuleDescriptor.Exports::source)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(exported).containsExactly("dev.grad4j.autograd", "dev.grad4j.data", "dev.grad4j.io",
                "dev.grad4j.nn", "dev.grad4j.nn.optim", "dev.grad4j.tensor", "dev.grad4j.train");
        assertThat(d.packages()).containsExactlyInAnyOrderElementsOf(exported);
        assertThat(d.opens()).isEmpty();
        assertThat(d.isOpen()).isFalse();
    }

    @Test
    void readsOnlySlf4jAndOptionallyTheVectorApi() {
        Map<String, Set<ModuleDescriptor.Requires.Modifier>> requires = new TreeMap<>();
        descriptor().requires().forEach(r -> requires.put(r.name(), r.modifiers()));
        assertThat(requires).containsOnlyKeys("java.base", "org.slf4j", "jdk.incubator.vector");
        assertThat(requires.get("org.slf4j")).doesNotContain(ModuleDescriptor.Requires.Modifier.STATIC);
        assertThat(requires.get("jdk.incubator.vector")).contains(ModuleDescriptor.Requires.Modifier.STATIC);
    }

    @Test
    void runsAsANamedModuleOnTheModulePathWithAndWithoutTheVectorApi(@TempDir Path dir) throws Exception {
        // With the Vector API the child selects the kernels this JVM selected: the same numbers.
        assertThat(runOnModulePath(dir, true))
                .containsExactly("module dev.grad4j", "xor " + Arrays.toString(Xor.train(Xor.SEED)));
        assertThat(Files.readString(dir.resolve("module-true.err"), StandardCharsets.UTF_8))
                .doesNotContain("Vector API is not enabled");
        // Without it the module still resolves and the scalar kernels learn XOR; the user is told once.
        List<String> scalar = runOnModulePath(dir, false);
        String notice = Files.readString(dir.resolve("module-false.err"), StandardCharsets.UTF_8);
        assertThat(notice.split("Vector API is not enabled", -1)).hasSize(2);
        assertThat(notice).contains("INFO").contains("--add-modules jdk.incubator.vector");
        assertThat(scalar).hasSize(2).startsWith("module dev.grad4j");
        String[] predictions = scalar.get(1).replaceAll("^xor \\[|\\]$", "").split(", ");
        float[] values = new float[predictions.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = Float.parseFloat(predictions[i]);
        }
        assertThat(values).containsExactly(new float[] {0f, 1f, 1f, 0f}, within(0.1f));
    }

    /** Runs {@link ModuleSmoke} with grad4j and slf4j-api on the module path, the tests on the class path. */
    private static List<String> runOnModulePath(Path dir, boolean vector) throws Exception {
        String slf4j = jar("slf4j-api");
        String binding = jar("slf4j-simple");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path", CLASSES.toAbsolutePath() + File.pathSeparator + slf4j + File.pathSeparator + binding,
                "--add-modules", vector ? "dev.grad4j,org.slf4j.simple,jdk.incubator.vector" : "dev.grad4j,org.slf4j.simple",
                "-cp", Path.of("target", "test-classes").toAbsolutePath().toString(),
                ModuleSmoke.class.getName()));
        Path stdout = dir.resolve("module-" + vector + ".out");
        Path stderr = dir.resolve("module-" + vector + ".err");
        Process p = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("child JVM on the module path timed out");
        }
        assertThat(p.exitValue()).as("exit code; stderr:%n%s", Files.readString(stderr, StandardCharsets.UTF_8))
                .isZero();
        return Files.readAllLines(stdout, StandardCharsets.UTF_8);
    }

    private static String jar(String prefix) {
        return Arrays.stream(testClassPath().split(File.pathSeparator))
                .filter(p -> Path.of(p).getFileName().toString().startsWith(prefix))
                .findFirst().orElseThrow(() -> new AssertionError(prefix + " is not on the test class path"));
    }

    /** The test class path: surefire's real one when it runs the tests through a manifest-only jar. */
    private static String testClassPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }
}
