package dev.resilience.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void readsObjectsArraysAndScalarsInFileOrder() {
        Object value = Json.parse(" {\"b\": [1, -2.5e3, true, false, null], \"a\": {\"x\": \"y\"}, \"c\": []} ");

        assertThat(value).isInstanceOf(Map.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) value;
        assertThat(map.keySet()).containsExactly("b", "a", "c");
        assertThat(map.get("b")).isEqualTo(Arrays.asList(1.0, -2500.0, true, false, null));
        assertThat(map.get("a")).isEqualTo(Map.of("x", "y"));
        assertThat((List<?>) map.get("c")).isEmpty();
    }

    @Test
    void decodesStringEscapes() {
        assertThat(Json.parse("\"a\\\"b\\\\c\\/d\\n\\t\\u00b5s\"")).isEqualTo("a\"b\\c/d\n\tµs");
    }

    @Test
    void numbersWrittenAsStringsByJmhAreRead() {
        assertThat(Json.number("NaN")).isNaN();
        assertThat(Json.number("Infinity")).isInfinite();
        assertThat(Json.number(3.5)).isEqualTo(3.5);
        assertThatThrownBy(() -> Json.number(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsMalformedInputWithItsOffset() {
        assertThatThrownBy(() -> Json.parse("[1, 2")).hasMessageContaining("end of input");
        assertThatThrownBy(() -> Json.parse("{\"a\" 1}")).hasMessageContaining("expected ':'").hasMessageContaining("offset 5");
        assertThatThrownBy(() -> Json.parse("[1] x")).hasMessageContaining("trailing");
        assertThatThrownBy(() -> Json.parse("[tru]")).hasMessageContaining("expected true");
        assertThatThrownBy(() -> Json.parse("\"\\q\"")).hasMessageContaining("bad escape");
        assertThatThrownBy(() -> Json.parse("[1 2]")).hasMessageContaining("expected ',' or ']'");
    }
}
