package dev.grad4j.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void parsesAllValueKinds() {
        Object v = Json.parse(" {\"a\": [1, -2, 3.5, 1e3, true, false, null], \"b\": {\"c\": \"d\"}, \"e\": []} ");

        assertThat(v).isInstanceOf(Map.class);
        Map<?, ?> m = (Map<?, ?>) v;
        assertThat(List.copyOf(m.keySet())).isEqualTo(List.of("a", "b", "e"));
        assertThat(m.get("a")).isEqualTo(Arrays.asList(1L, -2L, 3.5, 1000.0, true, false, null));
        assertThat(m.get("b")).isEqualTo(Map.of("c", "d"));
        assertThat((List<?>) m.get("e")).isEmpty();
    }

    @Test
    void keepsKeyOrder() {
        Map<?, ?> m = (Map<?, ?>) Json.parse("{\"z\":1,\"a\":2,\"m\":3}");
        assertThat(List.copyOf(m.keySet())).isEqualTo(List.of("z", "a", "m"));
    }

    @Test
    void decodesEscapes() {
        assertThat(Json.parse("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e9 \\ud83d\\ude00\""))
                .isEqualTo("q\" b\\ s/ \b\f\n\r\t \u00e9 \ud83d\ude00");
    }

    @Test
    void integersBeyondLongBecomeDoubles() {
        assertThat(Json.parse("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
        assertThat(Json.parse("-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
        assertThat(Json.parse("9223372036854775808")).isInstanceOf(Double.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "{\"a\":1,}", "[1,]", "{\"a\" 1}", "{a:1}", "01", "1.", "-", "1e", ".5",
            "tru", "nul", "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"", "\"a\nb\"",
            "{\"a\":1} x", "[1 2]", "{\"a\":1,\"a\":2}", "+1", "'a'", "\u00a0{}"})
    void rejectsInvalidJson(String text) {
        assertThatThrownBy(() -> Json.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid JSON at offset");
    }

    @Test
    void namesDuplicateKeys() {
        assertThatThrownBy(() -> Json.parse("{\"a\":1,\"a\":2}"))
                .hasMessageContaining("duplicate key \"a\"");
    }

    @Test
    void limitsNestingDepth() {
        char[] open = new char[100_000];
        Arrays.fill(open, '[');
        assertThatThrownBy(() -> Json.parse(new String(open)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nesting deeper than " + Json.MAX_DEPTH);
        String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        assertThat(Json.parse(ok)).isInstanceOf(List.class);
    }

    @Test
    void quoteRoundTrips() {
        String s = "tab\t quote\" back\\ nl\n ctl\u0001 é \ud83d\ude00";
        StringBuilder sb = new StringBuilder();
        Json.quote(sb, s);
        assertThat(sb.toString()).doesNotContain("\n").doesNotContain("\u0001");
        assertThat(Json.parse(sb.toString())).isEqualTo(s);
    }
}
