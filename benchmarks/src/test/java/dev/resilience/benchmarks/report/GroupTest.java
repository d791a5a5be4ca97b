package dev.resilience.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class GroupTest {

    private final Map<String, List<Group>> areas = Group.of(Fixtures.sample().results());

    @Test
    void groupsByAreaThenClassThreadsAndParams() {
        assertThat(areas.keySet()).containsExactly("ratelimit", "lock", "idgen", "floors");
        String unknownFirst = "[" + Fixtures.result("aaa.X.floor_a", 1) + "," + Fixtures.result("floors.F.floor_b", 1)
                + "," + Fixtures.result("zzz.Y.floor_c", 1) + "]";
        assertThat(Group.of(Run.parse(unknownFirst).results()).keySet()).containsExactly("floors", "aaa", "zzz");
        assertThat(areas.get("ratelimit")).extracting(Group::title)
                .containsExactly("LimiterAdmitBenchmark", "LimiterAdmitBenchmark, 2 threads");
        assertThat(areas.get("lock")).extracting(Group::title).containsExactly("LockRedisBenchmark, hold=short");
        assertThat(areas.get("idgen")).extracting(Group::title).containsExactly("SnowflakeBenchmark, mode thrpt");
        // Ours first, then peers, then floors.
        assertThat(areas.get("ratelimit").get(0).results()).extracting(Result::method).containsExactly(
                "ours_slidingWindow", "ours_tokenBucket", "peer_bucket4j_tokenBucket", "peer_guava_smoothBursty",
                "floor_nanoTimeCas");
    }

    @Test
    void aBenchmarkRunInTwoModesIsComparedWithinEachMode() {
        String avgt = Fixtures.result("cache.HitBenchmark.ours_get", 10) + ","
                + Fixtures.result("cache.HitBenchmark.peer_caffeine_get", 20);
        String sample = avgt.replace("\"threads\"", "\"mode\": \"sample\", \"threads\"");

        List<Group> groups = Group.of(Run.parse("[" + avgt + "," + sample + "]").results()).get("cache");

        assertThat(groups).extracting(Group::title).containsExactly("HitBenchmark", "HitBenchmark, mode sample");
        assertThat(groups).allSatisfy(g -> assertThat(g.comparisons()).singleElement()
                .satisfies(c -> assertThat(c.ours().mode()).isEqualTo(c.other().mode())));
    }

    @Test
    void aPeerOfTheSameVariantPairsOnlyWithItOthersAndFloorsPairWithEveryOurs() {
        List<Group.Comparison> comparisons = areas.get("ratelimit").get(0).comparisons();

        assertThat(comparisons).extracting(c -> c.ours().method(), c -> c.other().method()).containsExactly(
                tuple("ours_slidingWindow", "peer_guava_smoothBursty"),
                tuple("ours_slidingWindow", "floor_nanoTimeCas"),
                tuple("ours_tokenBucket", "peer_bucket4j_tokenBucket"),
                tuple("ours_tokenBucket", "peer_guava_smoothBursty"),
                tuple("ours_tokenBucket", "floor_nanoTimeCas"));
        assertThat(comparisons).extracting(Group.Comparison::ratio)
                .containsExactly(40.0 / 60, 40.0 / 25, 30.0 / 50, 30.0 / 60, 30.0 / 25);
        assertThat(comparisons).extracting(Group.Comparison::vsFloor)
                .containsExactly(false, true, false, false, true);
    }

    @Test
    void ratiosAreTimeOverTimeInEveryModeAndThreadCount() {
        assertThat(areas.get("ratelimit").get(1).comparisons()).singleElement()
                .satisfies(c -> {
                    assertThat(c.ratio()).isEqualTo(0.4);
                    assertThat(c.label()).isEqualTo("tokenBucket vs bucket4j (2 thr)");
                });
        assertThat(areas.get("idgen").get(0).comparisons()).singleElement()
                .satisfies(c -> assertThat(c.ratio()).isEqualTo(0.5));
        assertThat(areas.get("lock").get(0).comparisons()).singleElement()
                .satisfies(c -> {
                    assertThat(c.ratio()).isEqualTo(2.0);
                    assertThat(c.label()).isEqualTo("lockUnlock vs floor ping (hold=short)");
                });
    }

    @Test
    void aClassWithoutOursHasNoComparisonAndKeepsEveryResultUnpaired() {
        Group floors = areas.get("floors").get(0);

        assertThat(floors.comparisons()).isEmpty();
        assertThat(floors.unpaired()).extracting(Result::method).containsExactly("floor_nanoTime");
        assertThat(areas.get("ratelimit").get(0).unpaired()).isEmpty();
    }
}
