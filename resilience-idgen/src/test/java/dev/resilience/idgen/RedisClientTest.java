package dev.resilience.idgen;

import dev.resilience.testkit.TestRedis;
import dev.resilience.testkit.WithRedis;
import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A test class with a Lettuce client on the shared test Redis (flushed per class). */
@WithRedis
abstract class RedisClientTest {

    static RedisClient client;

    @BeforeAll
    static void connect(TestRedis redis) {
        client = RedisClient.create(redis.uri());
    }

    @AfterAll
    static void shutdown() {
        client.shutdown();
    }
}
