package dev.resilience.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Runs small fixture classes through the JUnit engine and checks what the extension did. */
class RedisExtensionTest {

    static volatile RedisNode startedByFixture;

    @WithRedis
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class WritesAKey {
        @Test
        @Order(1)
        void write(TestRedis redis) {
            redis.command("SET", "left-behind", "1");
            startedByFixture = redis.startNode();
            assertThat(startedByFixture.isRunning()).isTrue();
        }
    }

    @WithRedis
    static class ExpectsACleanDatabase {
        @Test
        void clean(TestRedis redis) {
            assertThat(redis.command("EXISTS", "left-behind")).isEqualTo(0L);
            assertThat(redis.command("PING")).isEqualTo("PONG");
        }
    }

    @Test
    void eachClassGetsACleanDatabaseAndItsNodesAreKilledAfterIt() {
        runsAndPasses(WritesAKey.class);
        assertThat(startedByFixture.isRunning()).as("nodes are killed when their class ends").isFalse();

        runsAndPasses(ExpectsACleanDatabase.class);
    }

    private static void runsAndPasses(Class<?> fixture) {
        EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture)).execute()
                .testEvents().assertStatistics(stats -> stats.succeeded(1).failed(0));
    }
}
