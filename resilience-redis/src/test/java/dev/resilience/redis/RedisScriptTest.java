package dev.resilience.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.resilience.testkit.RedisNode;
import dev.resilience.testkit.TestRedis;
import dev.resilience.testkit.WithRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@WithRedis
class RedisScriptTest {

    private static final RedisScript INCR_BY = new RedisScript(ScriptOutputType.INTEGER,
            "return redis.call('incrby', KEYS[1], ARGV[1])");

    private static RedisNode node;
    private static RedisClient client;
    private static StatefulRedisConnection<String, String> connection;

    @BeforeAll
    static void connect(TestRedis redis) {
        node = redis.startNode(); // its own server: the test flushes its script cache
        client = RedisClient.create(node.uri());
        connection = client.connect();
    }

    @AfterAll
    static void disconnect() {
        connection.close();
        client.shutdown();
    }

    @Test
    void shaIsTheOneRedisComputes() {
        String loaded = connection.sync().scriptLoad("return redis.call('incrby', KEYS[1], ARGV[1])");
        assertThat(INCR_BY.sha()).isEqualTo(loaded).hasSize(40);
    }

    @Test
    void runsByShaAfterTheServerForgotTheScript() throws Exception {
        connection.sync().scriptFlush();
        assertThat(connection.sync().scriptExists(INCR_BY.sha())).containsExactly(false);

        Long first = INCR_BY.run(connection, new String[] {"{s}:sync"}, "5");
        Long second = INCR_BY.run(connection, new String[] {"{s}:sync"}, "2");

        assertThat(first).isEqualTo(5L);
        assertThat(second).isEqualTo(7L);
        assertThat(connection.sync().scriptExists(INCR_BY.sha())).containsExactly(true); // EVAL cached it
    }

    @Test
    void asyncFallsBackToEvalOnce() throws Exception {
        connection.sync().scriptFlush();
        CompletableFuture<Long> first = INCR_BY.runAsync(connection, new String[] {"{s}:async"}, "3");
        assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo(3L);
        assertThat(INCR_BY.<Long>runAsync(connection, new String[] {"{s}:async"}, "4").get(5, TimeUnit.SECONDS))
                .isEqualTo(7L);
    }

    @Test
    void theFallbackIsFlushedOnABufferingConnection() throws Exception {
        try (StatefulRedisConnection<String, String> buffered = client.connect()) {
            buffered.setAutoFlushCommands(false);
            connection.sync().scriptFlush();
            CompletableFuture<Long> reply = INCR_BY.runAsync(buffered, new String[] {"{s}:buffered"}, "9");
            buffered.flushCommands(); // the caller flushes its batch; the library flushes its retry
            assertThat(reply.get(5, TimeUnit.SECONDS)).isEqualTo(9L);
        }
    }

    @Test
    void aScriptErrorReachesTheCallerUnwrapped() {
        RedisScript failing = new RedisScript(ScriptOutputType.INTEGER, "return redis.error_reply('NOPE broken')");
        CompletableFuture<Long> reply = failing.runAsync(connection, new String[] {"{s}:e"});
        assertThatThrownBy(() -> reply.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(RedisCommandExecutionException.class).hasMessageContaining("NOPE broken");
        assertThatThrownBy(() -> failing.run(connection, new String[] {"{s}:e"}))
                .isInstanceOf(RedisCommandExecutionException.class);
    }

    @Test
    void aCancelledCallThatWasNeverSentDoesNotRun() throws Exception {
        try (StatefulRedisConnection<String, String> buffered = client.connect()) {
            buffered.setAutoFlushCommands(false);
            CompletableFuture<Long> reply = INCR_BY.runAsync(buffered, new String[] {"{s}:cancel"}, "1");
            assertThat(reply.cancel(false)).isTrue();
            // one connection runs its commands in order: had the script been sent, this read sees it
            RedisFuture<String> after = buffered.async().get("{s}:cancel");
            buffered.flushCommands();
            assertThat(after.get(5, TimeUnit.SECONDS)).isNull();
            assertThat(INCR_BY.<Long>runAsync(connection, new String[] {"{s}:cancel"}, "1").get(5, TimeUnit.SECONDS))
                    .isEqualTo(1L);
        }
    }

    @Test
    void aTimedOutCallThatWasNeverSentFailsAndDoesNotRunLater() throws Exception {
        try (StatefulRedisConnection<String, String> buffered = client.connect()) {
            buffered.setAutoFlushCommands(false); // nothing leaves until flushed: Redis "never answers"
            CompletableFuture<Long> reply = INCR_BY.runAsync(buffered, Duration.ofMillis(20), new String[] {"{s}:late"},
                    "1");
            assertThatThrownBy(() -> reply.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(TimeoutException.class);
            RedisFuture<String> after = buffered.async().get("{s}:late");
            buffered.flushCommands();
            assertThat(after.get(5, TimeUnit.SECONDS)).isNull();
        }
    }

    @Test
    void unwrapFindsTheCauseUnderAnyWrapping() {
        IllegalStateException root = new IllegalStateException("root");
        assertThat(RedisScript.unwrap(new CompletionException(new ExecutionException(root)))).isSameAs(root);
        assertThat(RedisScript.unwrap(root)).isSameAs(root);
    }

    @Test
    void rejectsAMissingTypeOrSource() {
        assertThatThrownBy(() -> new RedisScript(null, "return 1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("type");
        assertThatThrownBy(() -> new RedisScript(ScriptOutputType.INTEGER, " "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("source");
        assertThat(List.of(INCR_BY.toString())).singleElement().asString().contains(INCR_BY.sha());
    }
}
