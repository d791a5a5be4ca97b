package dev.resilience.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each of the three ways to get a Redis, forced in turn. */
class RedisEndpointTest {

    private static final String REAL_PATH = String.valueOf(System.getenv("PATH"));

    @Test
    void redisUrlIsUsedAsIsAndNotStopped() {
        try (RedisNode server = RedisNode.start()) {
            RedisEndpoint endpoint = RedisEndpoint.resolve(Map.of("REDIS_URL", server.uri(), "PATH", REAL_PATH)::get);
            endpoint.close();

            assertThat(endpoint.source()).isEqualTo(RedisSource.URL);
            assertThat(endpoint.uri()).isEqualTo(server.uri());
            assertThat(endpoint.node()).isEmpty();
            assertThat(server.isRunning()).as("a REDIS_URL server is not ours to stop").isTrue();
            assertThat(server.command("PING")).isEqualTo("PONG");
        }
    }

    @Test
    void withoutRedisUrlARedisServerFromThePathIsStartedAndStopped(@TempDir Path bin) throws IOException {
        // A PATH entry of our own, so this passes on a machine with no redis-server installed.
        Path onPath = Files.createSymbolicLink(bin.resolve("redis-server"), RedisBinary.embedded());
        Map<String, String> env = Map.of("PATH", "/nonexistent" + File.pathSeparator + bin);

        RedisEndpoint endpoint = RedisEndpoint.resolve(env::get);
        RedisNode node = endpoint.node().orElseThrow();
        try {
            assertThat(endpoint.source()).isEqualTo(RedisSource.PATH);
            assertThat(node.binary()).isEqualTo(onPath);
            assertThat(node.command("PING")).isEqualTo("PONG");
        } finally {
            endpoint.close();
        }
        assertThat(node.isRunning()).isFalse();
    }

    @Test
    void withNoRedisUrlAndNoRedisOnThePathTheEmbeddedBinaryIsStarted() {
        Map<String, String> env = Map.of("PATH", "/nonexistent:/also/missing");

        try (RedisEndpoint endpoint = RedisEndpoint.resolve(env::get)) {
            RedisNode node = endpoint.node().orElseThrow();

            assertThat(endpoint.source()).isEqualTo(RedisSource.EMBEDDED);
            assertThat(node.binary()).isEqualTo(RedisBinary.embedded());
            assertThat((String) node.command("INFO", "server")).contains("redis_version:6.2");
            assertThat(node.command("SET", "k", "v")).isEqualTo("OK");
            assertThat(node.command("GET", "k")).isEqualTo("v");
        }
    }

    @Test
    void aForcedSourceWinsOverWhatIsAvailable() {
        Map<String, String> env = Map.of("PATH", REAL_PATH, RedisEndpoint.SOURCE_PROPERTY, "embedded");

        try (RedisEndpoint endpoint = RedisEndpoint.resolve(env::get)) {
            assertThat(endpoint.source()).isEqualTo(RedisSource.EMBEDDED);
            assertThat(endpoint.node().orElseThrow().command("PING")).isEqualTo("PONG");
        }
    }

    @Test
    void theUrlPropertyOverridesTheEnvironmentVariable() {
        try (RedisNode server = RedisNode.start()) {
            Map<String, String> env = Map.of("REDIS_URL", "redis://127.0.0.1:1",
                    RedisEndpoint.URL_PROPERTY, server.uri());

            try (RedisEndpoint endpoint = RedisEndpoint.resolve(env::get)) {
                assertThat(endpoint.uri()).isEqualTo(server.uri());
            }
        }
    }

    @Test
    void forcingUrlWithoutAUrlIsAClearError() {
        Map<String, String> env = Map.of(RedisEndpoint.SOURCE_PROPERTY, "url");

        assertThatThrownBy(() -> RedisEndpoint.resolve(env::get))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("neither REDIS_URL nor resilience.redis.url is set");
    }
}
