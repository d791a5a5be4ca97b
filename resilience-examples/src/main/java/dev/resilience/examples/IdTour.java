package dev.resilience.examples;

import dev.resilience.idgen.RedisSegmentAllocator;
import dev.resilience.idgen.RedisWorkerLease;
import dev.resilience.idgen.SegmentAllocator;
import dev.resilience.idgen.Snowflake;
import dev.resilience.idgen.UuidV7;
import dev.resilience.idgen.WorkerLease;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.UUID;

/** The tour's stop for resilience-idgen: Snowflake, a leased worker id, Redis segments, UUIDv7. */
final class IdTour implements TourStop {

    @Override
    public String title() {
        return "Unique ids (resilience-idgen)";
    }

    @Override
    public void run(Context context) {
        Snowflake snowflake = Snowflake.builder().workerId(7).build();
        long id = snowflake.nextId();
        Snowflake.Decoded parts = snowflake.decode(id);
        context.say("snowflake id %d = time %s, worker %d, sequence %d (layout lasts until %s)", id,
                parts.timestamp(), parts.workerId(), parts.sequence(), snowflake.endsAt());

        RedisClient redis = RedisClient.create(context.redisUri());
        try {
            try (WorkerLease first = RedisWorkerLease.builder(redis).namespace("tour").slots(1024).acquire();
                    WorkerLease second = RedisWorkerLease.builder(redis).namespace("tour").slots(1024).acquire()) {
                Snowflake a = Snowflake.builder().workerLease(first).build();
                Snowflake b = Snowflake.builder().workerLease(second).build();
                context.say("two generators leased worker ids %d and %d from Redis: ids %d and %d",
                        a.workerId(), b.workerId(), a.nextId(), b.nextId());
            }
            context.say("leases released; each recorded its last timestamp, so a restart never goes below it");

            try (SegmentAllocator orders = RedisSegmentAllocator.builder(redis, "tour-orders")
                    .step(100).segmentDuration(Duration.ofMinutes(1)).build()) {
                long sum = 0;
                long last = 0;
                for (int i = 0; i < 1_000; i++) {
                    last = orders.nextId();
                    sum += last;
                }
                context.say("segment allocator: 1,000 ids up to %d (sum %d) from %d Redis ranges, %s",
                        last, sum, orders.metrics().segmentsFetched(), orders.metrics());
            }
        } finally {
            redis.shutdown();
        }

        UuidV7 uuids = UuidV7.create();
        UUID first = uuids.next();
        UUID second = uuids.next();
        context.say("UUIDv7 %s < %s, created %s", first, second, UuidV7.timestamp(first));
    }
}
