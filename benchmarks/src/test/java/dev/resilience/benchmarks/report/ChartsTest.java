package dev.resilience.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartsTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    private static String result(String name, double nanos) {
        return Fixtures.result("cache." + name, nanos);
    }

    private static List<Group> cache() {
        String json = Stream.of(result("HitBenchmark.ours_get", 10), result("HitBenchmark.peer_caffeine_a", 20),
                        result("HitBenchmark.peer_caffeine_b", 30), result("MissBenchmark.ours_get", 40),
                        result("MissBenchmark.peer_caffeine_a", 50))
                .collect(Collectors.joining(",", "[", "]"));
        return Group.of(Run.parse(json).results()).get("cache");
    }

    @Test
    void everyComparisonGetsItsOwnCategory() {
        List<Group.Comparison> comparisons = cache().stream().flatMap(g -> g.comparisons().stream()).toList();

        assertThat(Charts.labels(comparisons)).containsExactly(
                "get vs caffeine a", "get vs caffeine b", "Miss: get vs caffeine a");
        assertThat(Charts.labels(List.of(comparisons.get(0), comparisons.get(0), comparisons.get(0))))
                .containsExactly("get vs caffeine a", "Hit: get vs caffeine a", "Hit: get vs caffeine a #2");
    }

    @Test
    void ratiosFarApartAreDrawnOnALogarithmicAxis() throws IOException {
        // 0.001× a peer and 100× a floor: a linear axis would show one bar.
        String json = "[" + result("WideBenchmark.ours_get", 10) + "," + result("WideBenchmark.peer_jdk_get", 10_000)
                + "," + result("WideBenchmark.floor_directCall", 0.1) + "]";

        assertThat(Charts.write(dir, "wide", Group.of(Run.parse(json).results()).get("cache"))).isTrue();
        assertThat(Files.readAllBytes(dir.resolve("wide.png"))).startsWith(0x89, 'P', 'N', 'G');
    }

    @Test
    void writesAPngPerAreaWithComparisonsOnly() throws IOException {
        assertThat(Charts.write(dir, "cache", cache())).isTrue();
        byte[] png = Files.readAllBytes(dir.resolve("cache.png"));
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');

        List<Group> floorsOnly = Group.of(Run.parse("[" + result("F.floor_nanoTime", 20) + "]").results()).get("cache");
        assertThat(Charts.write(dir.resolve("none"), "cache", floorsOnly)).isFalse();
        assertThat(dir.resolve("none")).doesNotExist();
    }
}
