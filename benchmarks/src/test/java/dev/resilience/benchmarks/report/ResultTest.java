package dev.resilience.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ResultTest {

    private final List<Result> results = Fixtures.sample().results();

    private Result find(String suffix, int threads) {
        return results.stream().filter(r -> r.benchmark().endsWith(suffix) && r.threads() == threads)
                .findFirst().orElseThrow();
    }

    @Test
    void runCarriesEveryResultAndHowTheyWereMeasured() {
        Run run = Fixtures.sample();

        assertThat(run.results()).hasSize(12);
        assertThat(run.jmh()).isEqualTo("1.37");
        assertThat(run.jdk()).isEqualTo("17.0.15 (OpenJDK 64-Bit Server VM 17.0.15+6)");
        assertThat(run.settings()).isEqualTo("1 fork, 1 × 1 s warm-up, 3 × 1 s measurement");
        assertThat(Run.parse("[]").results()).isEmpty();
        assertThatThrownBy(() -> Run.parse("{}")).hasMessageContaining("array");
    }

    @Test
    void namesSplitIntoAreaClassAndMethodWithNestedThreads2UnderItsOuterClass() {
        Result nested = find(".Threads2.ours_tokenBucket", 2);

        assertThat(nested.area()).isEqualTo("ratelimit");
        assertThat(nested.className()).isEqualTo("LimiterAdmitBenchmark");
        assertThat(nested.method()).isEqualTo("ours_tokenBucket");
        assertThat(nested.threads()).isEqualTo(2);
        Result lock = find("LockRedisBenchmark.ours_lockUnlock", 1);
        assertThat(lock.area()).isEqualTo("lock");
        assertThat(lock.params()).isEqualTo(Map.of("hold", "short"));
    }

    @Test
    void methodNamesGiveRoleLibraryAndVariant() {
        Result peer = find("LimiterAdmitBenchmark.peer_guava_smoothBursty", 1);
        Result ours = find("LimiterAdmitBenchmark.ours_slidingWindow", 1);
        Result floor = find("floor_nanoTimeCas", 1);

        assertThat(peer.role()).isEqualTo(Result.Role.PEER);
        assertThat(peer.library()).isEqualTo("guava");
        assertThat(peer.variant()).isEqualTo("smoothBursty");
        assertThat(peer.label()).isEqualTo("guava smoothBursty");
        assertThat(ours.role()).isEqualTo(Result.Role.OURS);
        assertThat(ours.library()).isEmpty();
        assertThat(ours.variant()).isEqualTo("slidingWindow");
        assertThat(floor.role()).isEqualTo(Result.Role.FLOOR);
        assertThat(floor.label()).isEqualTo("floor nanoTimeCas");
    }

    @Test
    void timePerOperationComesFromEveryModeAndUnit() {
        assertThat(find("ours_tokenBucket", 1).nanosPerOp()).isEqualTo(30.0);
        assertThat(find("ours_lockUnlock", 1).nanosPerOp()).isEqualTo(60_000.0);
        // Throughput: 4 ops/µs of one thread is 250 ns per operation.
        assertThat(find("ours_snowflake", 1).nanosPerOp()).isCloseTo(250.0, within(1e-9));
        // Two threads at 100 ns each complete 20 operations per µs together.
        assertThat(find(".Threads2.ours_tokenBucket", 2).aggregateOpsPerMicro()).isCloseTo(20.0, within(1e-9));
    }

    @Test
    void bytesPerOperationComeFromTheGcProfilerWhenItRan() {
        assertThat(find("peer_guava_smoothBursty", 1).bytesPerOp()).hasValue(24.0);
        assertThat(find("ours_tokenBucket", 1).bytesPerOp()).hasValue(0.002);
        assertThat(find("ours_lockUnlock", 1).bytesPerOp()).isEmpty();
    }

    @Test
    void aResultWithoutAScoreIsRejectedByName() {
        assertThatThrownBy(() -> Run.parse("[{\"benchmark\": \"dev.resilience.benchmarks.a.B.ours_x\"}]"))
                .hasMessageContaining("primaryMetric");
    }
}
