package dev.resilience.cache;

import dev.resilience.api.internal.Checks;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.UUID;

/**
 * Where a durable write-behind cache journals its writes: a Redis Stream read by a consumer group
 * that every instance sharing the journal joins.
 *
 * <pre>{@code
 * DurableJournal<Long, Order> journal = DurableJournal.of(redisClient, "orders", longCodec, orderCodec)
 *         .withConsumer("orders-" + hostName).withClaimIdle(Duration.ofSeconds(30));
 * WriteBehindCache<Long, Order> orders = ResilientCache.<Long, Order>builder().store(orderStore)
 *         .buildDurableWriteBehind(WriteBehindConfig.builder().build(), journal);
 * }</pre>
 *
 * @param redis the client (the application owns it)
 * @param stream the journal's name; the stream key is {@code prefix:{stream}}
 * @param keyCodec keys to strings and back
 * @param valueCodec values to strings and back
 * @param consumer this instance's name in the consumer group; a restarted instance may reuse its name
 * @param claimIdle how long an entry delivered to a consumer may stay unacknowledged before another
 *        takes it over (XAUTOCLAIM): longer than a batch's store write with its retries
 * @param keyPrefix the prefix of the stream key and its version hash
 * @param <K> the key type
 * @param <V> the value type
 */
public record DurableJournal<K, V>(RedisClient redis, String stream, ValueCodec<K> keyCodec, ValueCodec<V> valueCodec,
        String consumer, Duration claimIdle, String keyPrefix) {

    /** Validates every component. */
    public DurableJournal {
        Checks.notNull("redis", redis);
        Checks.notBlank("stream", stream);
        Checks.notNull("keyCodec", keyCodec);
        Checks.notNull("valueCodec", valueCodec);
        Checks.notBlank("consumer", consumer);
        Checks.positive("claimIdle", claimIdle);
        Checks.notBlank("keyPrefix", keyPrefix);
    }

    /** A journal with a random consumer name, a 30-second claim idle time and the prefix {@code wb}. */
    public static <K, V> DurableJournal<K, V> of(RedisClient redis, String stream, ValueCodec<K> keyCodec,
            ValueCodec<V> valueCodec) {
        return new DurableJournal<>(redis, stream, keyCodec, valueCodec, "consumer-" + UUID.randomUUID(),
                Duration.ofSeconds(30), "wb");
    }

    /** A copy with this consumer name. */
    public DurableJournal<K, V> withConsumer(String consumer) {
        return new DurableJournal<>(redis, stream, keyCodec, valueCodec, consumer, claimIdle, keyPrefix);
    }

    /** A copy with this claim idle time. */
    public DurableJournal<K, V> withClaimIdle(Duration claimIdle) {
        return new DurableJournal<>(redis, stream, keyCodec, valueCodec, consumer, claimIdle, keyPrefix);
    }
}
