package dev.resilience.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

import org.junit.jupiter.api.Test;

class MarkdownTest {

    private static final Markdown.Header HEADER =
            new Markdown.Header("benchmarks/run quick", "java -jar benchmarks.jar -f 1", "2026-12-04 19:00 UTC",
                    "2 cores, Linux");

    private final Run run = Fixtures.sample();
    private final Map<String, List<Group>> areas = Group.of(run.results());

    private String results(Set<String> expected) {
        return Markdown.results(run, areas, HEADER, "charts", expected, Set.of("idgen", "lock", "ratelimit"), List.of());
    }

    @Test
    void headerNamesTheCommandTheMachineAndTheJdk() {
        String md = results(Set.of());

        assertThat(md).startsWith("# Benchmark results\n")
                .contains("| command | `benchmarks/run quick` |\n| JMH command | `java -jar benchmarks.jar -f 1` |\n")
                .contains("| date | 2026-12-04 19:00 UTC |\n")
                .contains("| machine | 2 cores, Linux |\n")
                .contains("| JDK | 17.0.15 (OpenJDK 64-Bit Server VM 17.0.15+6) |\n")
                .contains("| JMH | 1.37, 1 fork, 1 × 1 s warm-up, 3 × 1 s measurement |\n")
                .doesNotContain("Not in this run");
    }

    @Test
    void eachComparisonIsARowWithBothScoresBothAllocationsAndTheRatio() {
        String md = results(Set.of());

        assertThat(md).contains("## ratelimit\n", "### LimiterAdmitBenchmark\n",
                "| ours | score | B/op | compared with | its score | its B/op | ratio |\n"
                        + "|---|---:|---:|---|---:|---:|---:|\n"
                        + "| `ours_slidingWindow` | 40.0 ns/op | 0 | `peer_guava_smoothBursty` | 60.0 ns/op | 24 | 0.67× |\n"
                        + "|  |  |  | `floor_nanoTimeCas` | 25.0 ns/op | 0 | 1.60× |\n"
                        + "| `ours_tokenBucket` | 30.0 ns/op | 0 | `peer_bucket4j_tokenBucket` | 50.0 ns/op | 0 | 0.60× |\n");
        assertThat(md).contains("### LimiterAdmitBenchmark, 2 threads\n",
                "| `ours_tokenBucket` | 20.0 ops/µs (100 ns/op per thread) | 0 | `peer_bucket4j_tokenBucket` "
                        + "| 8.00 ops/µs (250 ns/op per thread) | 0 | 0.40× |\n");
        assertThat(md).contains("| `ours_lockUnlock` | 60.0 us/op | – | `floor_ping` | 30.0 us/op | – | 2.00× |\n");
        assertThat(md).contains("| benchmark | score | B/op |\n|---|---:|---:|\n| `floor_nanoTime` | 22.8 ns/op | 0 |\n");
    }

    @Test
    void aBenchmarksOwnCountersAreListedWithTheirShareOfTheLargestAndProfilerMetricsAreNot() {
        String counted = "{\"benchmark\": \"dev.resilience.benchmarks.cache.PutBenchmark.ours_put\", \"threads\": 1, "
                + "\"primaryMetric\": {\"score\": 50.0, \"scoreUnit\": \"ns/op\"}, \"secondaryMetrics\": {"
                + "\"gc.alloc.rate.norm\": {\"score\": 24.0}, \"gc.count\": {\"score\": 3.0}, "
                + "\"puts\": {\"score\": 1000.0}, \"storeWrites\": {\"score\": 300.0}}}";
        String quiet = "{\"benchmark\": \"dev.resilience.benchmarks.cache.PutBenchmark.Threads2.ours_put\", \"threads\": 2, "
                + "\"primaryMetric\": {\"score\": 80.0, \"scoreUnit\": \"ns/op\"}, \"secondaryMetrics\": {"
                + "\"puts\": {\"score\": 2000.0}, \"storeWrites\": {\"score\": 0.0}}}";
        Run counters = Run.parse("[" + counted + "," + quiet + "]");

        assertThat(counters.results().get(0).counters()).containsOnlyKeys("puts", "storeWrites");
        String md = Markdown.results(counters, Group.of(counters.results()), HEADER, null, Set.of(), Set.of(), List.of());
        assertThat(md).contains("| benchmark | counter | total | share of the largest |\n|---|---|---:|---:|\n"
                + "| `ours_put` | `puts` | 1,000 | 1.000 |\n"
                + "|  | `storeWrites` | 300 | 0.300 |\n");
        // With one counter left at zero (only the first thread reports it) nothing is listed.
        assertThat(md.substring(md.indexOf("### PutBenchmark, 2 threads"))).doesNotContain("| counter |");
    }

    @Test
    void chartsAreLinkedOnlyForAreasThatHaveOne() {
        String md = results(Set.of());

        assertThat(md).contains("![ratelimit: our time ÷ theirs](charts/ratelimit.png)")
                .doesNotContain("charts/floors.png");
        assertThat(Markdown.results(run, areas, HEADER, null, Set.of(), Set.of(), List.of())).doesNotContain(".png");
    }

    @Test
    void summaryCountsOnlyPeersAndGivesTheGeometricMean() {
        // Peers: 0.667, 0.6, 0.5 (ratelimit), 0.4 (2 threads), 0.5 (idgen); the floors are left out.
        double geoMean = Math.exp((Math.log(40.0 / 60) + Math.log(0.6) + Math.log(0.5) + Math.log(0.4)
                + Math.log(0.5)) / 5);

        assertThat(Markdown.summary(areas)).isEqualTo("Across 2 areas: 5 comparisons with peers, faster in 5; "
                + "geometric mean of the ratios " + Markdown.ratio(geoMean)
                + " (best tokenBucket vs bucket4j (2 thr): 0.40×, worst slidingWindow vs guava smoothBursty: 0.67×).");
        assertThat(Markdown.summary(Group.of(List.of()))).isEqualTo("No comparison with a peer in this run.");
    }

    @Test
    void expectedAreasWithoutResultsAreNamed() {
        assertThat(results(Set.of("ratelimit", "breaker", "cache"))).contains("**Not in this run:** breaker, cache.\n");
    }

    @Test
    void listedBenchmarksWithoutAResultAreNamedAsFailed() {
        String md = Markdown.results(run, areas, HEADER, null, Set.of(), Set.of(),
                List.of("dev.resilience.benchmarks.cache.ReadBenchmark.ours_hit"));

        assertThat(md).contains("**No result (the benchmark failed):** `cache.ReadBenchmark.ours_hit`.\n");
        assertThat(results(Set.of())).doesNotContain("No result");
    }

    @Test
    void numbersAndRatiosKeepTheirSignificantDigitsAndAllocationNoiseReadsAsZero() {
        assertThat(Markdown.number(1234.5)).isEqualTo("1,235");
        assertThat(Markdown.number(22.84)).isEqualTo("22.8");
        assertThat(Markdown.number(1.507)).isEqualTo("1.51");
        assertThat(Markdown.number(0.1234)).isEqualTo("0.123");
        assertThat(Markdown.ratio(1.6)).isEqualTo("1.60×");
        assertThat(Markdown.ratio(0.1)).isEqualTo("0.10×");
        assertThat(Markdown.ratio(0.0334)).isEqualTo("0.033×");
        assertThat(Markdown.ratio(0.000518)).isEqualTo("0.00052×");
        assertThat(Markdown.bytes(OptionalDouble.of(0.004))).isEqualTo("0");
        assertThat(Markdown.bytes(OptionalDouble.of(0.5))).isEqualTo("0.5");
        assertThat(Markdown.bytes(OptionalDouble.of(128714.4))).isEqualTo("128,714");
        assertThat(Markdown.bytes(OptionalDouble.empty())).isEqualTo("–");
    }

    @Test
    void readmeBlockReplacesOnlyWhatLiesBetweenTheMarkers() {
        String readme = "# title\n\n## Benchmarks\n\nintro\n\n" + Markdown.START + "\nold\n" + Markdown.END + "\n\n## Next\n";
        String block = Markdown.readmeBlock(areas, HEADER, "benchmarks/RESULTS.md", "benchmarks/charts", Set.of("lock"));

        String replaced = Markdown.replaceBlock(readme, block);

        assertThat(replaced).startsWith("# title\n\n## Benchmarks\n\nintro\n\n" + Markdown.START + "\nAcross 2 areas: ")
                .contains("with `benchmarks/run quick`; every table in [benchmarks/RESULTS.md](benchmarks/RESULTS.md).")
                .contains("\n\n**ratelimit**: 4 comparisons with peers, faster in 4; geometric mean of the ratios 0.53× ")
                .contains(").\n\n![lock: our time ÷ theirs](benchmarks/charts/lock.png)\n\n"
                        + "**idgen**: 1 comparison with a peer, snowflake vs hutool: 0.50×.\n\n" + Markdown.END)
                .doesNotContain("old", "ratelimit.png")
                .endsWith(Markdown.END + "\n\n## Next\n");
        // Replacing again gives the same text: the markers survive.
        assertThat(Markdown.replaceBlock(replaced, block)).isEqualTo(replaced);
    }

    @Test
    void aReadmeWithoutOneWellFormedBlockIsRefused() {
        assertThatThrownBy(() -> Markdown.replaceBlock("no markers", "x")).hasMessageContaining("no <!-- bench:start -->");
        assertThatThrownBy(() -> Markdown.replaceBlock(Markdown.END + Markdown.START, "x")).hasMessageContaining("no");
        String twice = Markdown.START + Markdown.END + Markdown.START + Markdown.END;
        assertThatThrownBy(() -> Markdown.replaceBlock(twice, "x")).hasMessageContaining("more than one");
    }
}
