package dev.grad4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles every {@code ```java} block of {@code README.md} and {@code docs/*.md} against the test
 * classpath, so the documentation cannot drift from the API, and runs the blocks marked
 * {@code <!-- snippet: run -->} (the README quickstart among them).
 *
 * <p>A block is statements, class members or a complete compilation unit. Its leading
 * {@code import} lines stay imports; statements are wrapped in {@code static void run()} of a class
 * of their own; a block whose first declaration is {@code static} (a helper method, say) is
 * wrapped in a class; a block that declares a top-level type (a class with a {@code main}, say) is
 * compiled as it stands. Every block also gets on-demand imports of the grad4j packages and of
 * {@code java.util}, {@code java.util.function}, {@code java.util.random} and {@code java.nio.file}
 * (plus {@code dev.grad4j.nn.Module}, which {@code java.lang.Module} would otherwise shadow), so a
 * short example need not repeat them. Blocks in other languages ({@code xml}, {@code bash},
 * none) are skipped. A compile error is reported at the Markdown file and line of the snippet.
 */
class DocSnippetsTest {

    /** The marker, on the line before a block's opening fence, of a snippet the test also runs. */
    static final String RUN_MARKER = "<!-- snippet: run -->";

    private static final List<String> DEFAULT_IMPORTS = List.of(
            "import dev.grad4j.tensor.*;",
            "import dev.grad4j.autograd.*;",
            "import dev.grad4j.nn.*;",
            "import dev.grad4j.nn.Module;",
            "import dev.grad4j.nn.optim.*;",
            "import dev.grad4j.data.*;",
            "import dev.grad4j.io.*;",
            "import dev.grad4j.train.*;",
            "import java.util.*;",
            "import java.util.function.*;",
            "import java.util.random.*;",
            "import java.nio.file.*;");

    private static final Pattern FENCE = Pattern.compile("^\\s*```\\s*([\\w+-]*)\\s*$");
    private static final Pattern MEMBER = Pattern.compile("^(?:(?:public|private|protected)\\s+)?static\\s");
    private static final Pattern TYPE_DECLARATION = Pattern.compile(
            "^(?:public\\s+)?(?:final\\s+|abstract\\s+)?(?:class|record|interface|enum)\\s+(\\w+)");

    /** One Java block of a Markdown file, as compiled. */
    record Snippet(Path markdown, int firstLine, List<String> lines, boolean run, String pkg) {

        /** Where the snippet is, for messages: {@code README.md:42}. */
        String where() {
            return root().relativize(markdown) + ":" + firstLine;
        }

        /** The first line of code after the imports (comments and annotations skipped), or "". */
        private String firstCodeLine() {
            for (String line : lines) {
                String t = line.trim();
                if (t.isEmpty() || t.startsWith("import ") || t.startsWith("//") || t.startsWith("/*")
                        || t.startsWith("*") || t.startsWith("@")) {
                    continue;
                }
                return t;
            }
            return "";
        }

        /** The declared top-level type, or null for statements and members. */
        String declaredType() {
            Matcher m = TYPE_DECLARATION.matcher(firstCodeLine());
            return m.find() ? m.group(1) : null;
        }

        /** Whether the block is class members (it starts with a static method or field). */
        boolean members() {
            return MEMBER.matcher(firstCodeLine()).find();
        }

        /** The class that holds the snippet once compiled. */
        String className() {
            String declared = declaredType();
            return pkg + "." + (declared != null ? declared : "Snippet");
        }

        /**
         * The Java source and, for each of its lines, the Markdown line it came from (0 for
         * generated lines).
         */
        Source toSource() {
            List<String> out = new ArrayList<>();
            List<Integer> origin = new ArrayList<>();
            out.add("package " + pkg + ";");
            origin.add(0);
            int body = 0;
            while (body < lines.size() && (lines.get(body).trim().startsWith("import ") || lines.get(body).isBlank())) {
                out.add(lines.get(body));
                origin.add(firstLine + 1 + body);
                body++;
            }
            for (String imp : DEFAULT_IMPORTS) {
                out.add(imp);
                origin.add(0);
            }
            boolean wrapped = declaredType() == null;
            boolean statements = wrapped && !members();
            if (wrapped) {
                out.add("public final class Snippet {");
                origin.add(0);
            }
            if (statements) {
                out.add("    public static void run() throws Exception {");
                origin.add(0);
            }
            for (int i = body; i < lines.size(); i++) {
                out.add(lines.get(i));
                origin.add(firstLine + 1 + i);
            }
            if (statements) {
                out.add("    }");
                origin.add(0);
            }
            if (wrapped) {
                out.add("}");
                origin.add(0);
            }
            return new Source(String.join("\n", out) + "\n", origin);
        }
    }

    record Source(String text, List<Integer> origin) {
    }

    private static List<Snippet> snippets;
    private static ClassLoader loader;
    private static List<String> compileErrors;

    static Path root() {
        Path p = Path.of(System.getProperty("grad4j.root", "")).toAbsolutePath().normalize();
        while (p != null && !Files.exists(p.resolve("pom.xml"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("no pom.xml above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    /** The Markdown files whose snippets are compiled: README.md and docs/*.md. */
    static List<Path> markdownFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        files.add(root().resolve("README.md"));
        Path docs = root().resolve("docs");
        if (Files.isDirectory(docs)) {
            try (Stream<Path> s = Files.list(docs)) {
                s.filter(f -> f.toString().endsWith(".md")).sorted().forEach(files::add);
            }
        }
        return files;
    }

    /** Extracts the {@code ```java} blocks of one Markdown file. */
    static List<Snippet> extract(Path markdown, int firstIndex) throws IOException {
        List<String> lines = Files.readAllLines(markdown, StandardCharsets.UTF_8);
        List<Snippet> found = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher open = FENCE.matcher(lines.get(i));
            if (!open.matches()) {
                continue;
            }
            String language = open.group(1).toLowerCase(Locale.ROOT);
            int start = i;
            int end = i + 1;
            while (end < lines.size() && !lines.get(end).trim().startsWith("```")) {
                end++;
            }
            if (end == lines.size()) {
                throw new AssertionError(markdown + ":" + (start + 1) + ": unclosed code fence");
            }
            if (language.equals("java")) {
                boolean run = start > 0 && lines.get(start - 1).trim().equals(RUN_MARKER);
                String pkg = "snippet" + (firstIndex + found.size());
                found.add(new Snippet(markdown, start + 1, List.copyOf(lines.subList(start + 1, end)), run, pkg));
            }
            i = end;
        }
        return found;
    }

    @BeforeAll
    static void compileAll(@TempDir Path dir) throws Exception {
        snippets = new ArrayList<>();
        for (Path md : markdownFiles()) {
            snippets.addAll(extract(md, snippets.size()));
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        assertThat(compiler).as("a JDK with javax.tools (not a JRE)").isNotNull();
        Path src = dir.resolve("src");
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes);
        List<Path> files = new ArrayList<>();
        List<Source> sources = new ArrayList<>();
        for (Snippet s : snippets) {
            Source source = s.toSource();
            Path file = src.resolve(s.className().replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, source.text(), StandardCharsets.UTF_8);
            files.add(file);
            sources.add(source);
        }
        compileErrors = new ArrayList<>();
        if (!files.isEmpty()) {
            DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
            try (StandardJavaFileManager fm = compiler.getStandardFileManager(diagnostics, Locale.ROOT,
                    StandardCharsets.UTF_8)) {
                List<String> options = List.of("-classpath", System.getProperty("java.class.path"),
                        "-d", classes.toString(), "-proc:none", "-encoding", "UTF-8", "-nowarn");
                compiler.getTask(null, fm, diagnostics, options, null, fm.getJavaFileObjectsFromPaths(files)).call();
            }
            for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                if (d.getKind() != Diagnostic.Kind.ERROR) {
                    continue;
                }
                compileErrors.add(locate(d, files, sources) + ": " + d.getMessage(Locale.ROOT));
            }
        }
        loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, DocSnippetsTest.class.getClassLoader());
    }

    private static String locate(Diagnostic<? extends JavaFileObject> d, List<Path> files, List<Source> sources) {
        if (d.getSource() == null) {
            return "javac";
        }
        Path file = Path.of(d.getSource().toUri());
        int index = files.indexOf(file);
        if (index < 0) {
            return file.toString();
        }
        Snippet s = snippets.get(index);
        int javaLine = (int) d.getLineNumber();
        List<Integer> origin = sources.get(index).origin();
        int mdLine = javaLine >= 1 && javaLine <= origin.size() ? origin.get(javaLine - 1) : 0;
        String at = root().relativize(s.markdown()) + ":" + (mdLine > 0 ? mdLine : s.firstLine());
        return at + " (snippet at line " + s.firstLine() + ")";
    }

    @Test
    void everyJavaSnippetCompiles() {
        assertThat(snippets).as("java snippets in README.md and docs/").isNotEmpty();
        assertThat(compileErrors).as("compile errors in documentation snippets").isEmpty();
    }

    @Test
    void everyDocumentHasItsSnippetsFound() throws IOException {
        assertThat(snippets).anyMatch(s -> s.markdown().getFileName().toString().equals("README.md"));
        for (Path md : markdownFiles()) {
            String text = Files.readString(md, StandardCharsets.UTF_8);
            long javaFences = text.lines().filter(l -> l.trim().equals("```java")).count();
            assertThat(snippets.stream().filter(s -> s.markdown().equals(md)).count())
                    .as("java blocks found in %s", md).isEqualTo(javaFences);
        }
    }

    @Test
    void readmeQuickstartRunsAndPrintsPredictions() throws Exception {
        Snippet quickstart = snippets.stream()
                .filter(s -> s.run() && s.markdown().getFileName().toString().equals("README.md"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("README.md has no block marked " + RUN_MARKER));
        String out = run(quickstart);
        // The quickstart prints each XOR input with its prediction: "0 xor 1 -> 0.98".
        Matcher m = Pattern.compile("(\\d) xor (\\d) -> (-?\\d+[.,]\\d+)").matcher(out);
        int predictions = 0;
        while (m.find()) {
            int target = Integer.parseInt(m.group(1)) ^ Integer.parseInt(m.group(2));
            assertThat(Float.parseFloat(m.group(3).replace(',', '.'))).as("prediction for %s xor %s in:%n%s", m.group(1), m.group(2), out)
                    .isBetween(target - 0.1f, target + 0.1f);
            predictions++;
        }
        assertThat(predictions).as("predictions printed by the quickstart:%n%s", out).isEqualTo(4);
    }

    @Test
    void markedDocSnippetsRun() throws Exception {
        for (Snippet s : snippets) {
            if (s.run() && !s.markdown().getFileName().toString().equals("README.md")) {
                run(s);
            }
        }
    }

    /** Runs a compiled snippet ({@code main} or {@code run}) and returns what it printed. */
    private static String run(Snippet s) throws Exception {
        assertThat(compileErrors).as("compile errors in documentation snippets").isEmpty();
        Class<?> c = Class.forName(s.className(), true, loader);
        Method entry;
        Object[] args;
        if (s.declaredType() != null) {
            entry = c.getMethod("main", String[].class);
            args = new Object[] {new String[0]};
        } else {
            entry = c.getMethod("run");
            args = new Object[0];
        }
        PrintStream saved = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            entry.invoke(null, args);
        } catch (InvocationTargetException e) {
            throw new AssertionError("snippet " + s.where() + " threw " + e.getCause(), e.getCause());
        } finally {
            System.setOut(saved);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        saved.print(out);
        return out;
    }
}
