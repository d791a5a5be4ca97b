package dev.resilience.lock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resilience.testkit.TestRedis;
import dev.resilience.testkit.WithRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The README's lock examples, run as written (with a real Redis and stand-ins for the application). */
@WithRedis
class ReadmeExamplesTest {

    @Test
    void theReadmeExamplesRun(TestRedis redis) throws Exception {
        List<String> log = new ArrayList<>();
        RedisClient client = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            FencedStore fenced = FencedStore.redis(connection);
            try (LockClient locks = LockClient.redis(redis.uri())
                    .leaseTime(Duration.ofSeconds(30))
                    .build()) {
                DistributedLock lock = locks.lock("order:42");
                try (LockLease lease = lock.acquire(Duration.ofSeconds(2))) {
                    lease.onLost(l -> log.add("lost " + l.name()));
                    boolean written = fenced.write("order:42:status", "PAID", lease.fencingToken());
                    assertThat(written).isTrue();
                    lease.checkValid();
                }
                Optional<LockLease> maybe = lock.tryAcquire();
                assertThat(maybe).isPresent();
                maybe.ifPresent(LockLease::close);
            }
            assertThat(log).isEmpty();

            OptimisticLock balances = OptimisticLock.redis(connection).maxAttempts(10).build();
            OptimisticLock.Versioned after = balances.update("balance:{42}",
                    old -> Long.toString((old == null ? 0 : Long.parseLong(old)) + 100));
            assertThat(after).isEqualTo(new OptimisticLock.Versioned("100", 1));

            Idempotency once = Idempotency.redis(connection).resultTtl(Duration.ofHours(24))
                    .waitForInProgress(Duration.ofSeconds(5)).build();
            String receipt = once.execute("key-1", () -> "charged");
            assertThat(receipt).isEqualTo("charged");
        } finally {
            client.shutdown();
        }
    }
}
