package dev.grad4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Checks grad4j against every case of the PyTorch golden files in the directory named by the
 * system property {@code grad4j.golden.dir} (default {@code src/test/resources/golden}). One
 * dynamic test per case, named {@code <file>/<case name>}; a case of unknown kind or op fails.
 */
class GoldenConformanceTest {

    static final String DIR_PROPERTY = "grad4j.golden.dir";

    @TestFactory
    Stream<DynamicTest> goldenCases() throws IOException {
        Path dir = Paths.get(System.getProperty(DIR_PROPERTY, "src/test/resources/golden"));
        assertThat(dir).as("golden directory (-D%s)", DIR_PROPERTY).isDirectory();
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().forEach(files::add);
        }
        assertThat(files).as("*.json files in %s", dir).isNotEmpty();
        ObjectMapper json = new ObjectMapper();
        List<DynamicTest> tests = new ArrayList<>();
        for (Path file : files) {
            JsonNode root = json.readTree(file.toFile());
            assertThat(root.path("format").asInt()).as("format of %s", file).isEqualTo(1);
            String fileName = file.getFileName().toString();
            for (JsonNode c : root.get("cases")) {
                String name = fileName + "/" + c.get("name").asText();
                tests.add(DynamicTest.dynamicTest(name, () -> run(fileName, c)));
            }
        }
        return tests.stream();
    }

    private static void run(String fileName, JsonNode c) {
        if (c.has("op")) {
            GoldenOps.run(c, 1e-4, 1e-5);
        } else if (c.has("optimizer") && c.has("model") && c.get("model").has("kind")) {
            GoldenModels.run(c);
        } else if (c.has("optimizer") && c.has("model")) {
            GoldenTraining.run(c);
        } else if (c.has("optimizer")) {
            GoldenOptim.run(c);
        } else {
            fail("%s: case %s is of no known kind (no op, optimizer or model)", fileName, c.get("name"));
        }
    }
}
