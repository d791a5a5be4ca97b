package dev.resilience.examples;

import dev.resilience.lock.FencedStore;
import dev.resilience.lock.Idempotency;
import dev.resilience.lock.LockClient;
import dev.resilience.lock.LockLease;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** The tour's stop for resilience-lock. */
final class LockTour implements TourStop {

    @Override
    public String title() {
        return "Locks (resilience-lock)";
    }

    @Override
    public void run(Context context) throws Exception {
        RedisClient redis = RedisClient.create(context.redisUri());
        try (LockClient locks = LockClient.redis(context.redisUri()).leaseTime(Duration.ofSeconds(10)).build();
                LockClient otherProcess = LockClient.redis(context.redisUri()).build();
                StatefulRedisConnection<String, String> connection = redis.connect()) {
            FencedStore store = FencedStore.redis(connection);
            long firstToken;
            try (LockLease lease = locks.lock("tour:order:42").acquire(Duration.ofSeconds(2))) {
                firstToken = lease.fencingToken();
                context.say("acquired '%s' with fencing token %d, valid for another %d ms", lease.name(),
                        firstToken, lease.remaining().toMillis());
                context.say("a second client tries the same lock: %s",
                        otherProcess.lock("tour:order:42").tryAcquire().isPresent() ? "granted (wrong!)" : "refused");
                context.say("fenced write with token %d: %s", firstToken,
                        store.write("tour:order:42:status", "PAID", firstToken) ? "accepted" : "rejected");
            }
            try (LockLease next = otherProcess.lock("tour:order:42").acquire(Duration.ofSeconds(2))) {
                context.say("released; the other client now holds it with token %d", next.fencingToken());
                store.write("tour:order:42:status", "SHIPPED", next.fencingToken());
                context.say("a stale holder writing with old token %d: %s", firstToken,
                        store.write("tour:order:42:status", "REFUNDED", firstToken) ? "accepted (wrong!)" : "rejected");
            }

            Idempotency once = Idempotency.redis(connection).resultTtl(Duration.ofMinutes(1)).build();
            AtomicInteger charges = new AtomicInteger();
            String first = once.execute("tour:request-7", () -> "receipt-" + charges.incrementAndGet());
            String retry = once.execute("tour:request-7", () -> "receipt-" + charges.incrementAndGet());
            context.say("idempotency key 'request-7' sent twice: %s then %s, charged %d time(s)", first, retry,
                    charges.get());
        } finally {
            redis.shutdown();
        }
    }
}
