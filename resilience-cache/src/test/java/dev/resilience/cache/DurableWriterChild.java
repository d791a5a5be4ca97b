package dev.resilience.cache;

import io.lettuce.core.RedisClient;
import java.time.Duration;

/**
 * The process the kill -9 test kills: it writes through a durable write-behind cache with a slow
 * store, printing "ACK n" after each acknowledged write, until it is killed.
 */
public final class DurableWriterChild {

    private DurableWriterChild() {
    }

    /** Arguments: Redis URI, journal name, store hash. */
    public static void main(String[] args) {
        RedisClient client = RedisClient.create(args[0]);
        WriteBehindCache<String, String> cache = ResilientCache.<String, String>builder()
                .store(new RedisHashStore(client.connect().sync(), args[2], 50))
                .buildDurableWriteBehind(WriteBehindConfig.builder().batchSize(5).maxDelay(Duration.ofMillis(10)).build(),
                        DurableJournal.of(client, args[1], ValueCodec.string(), ValueCodec.string())
                                .withConsumer("child").withClaimIdle(Duration.ofSeconds(1)));
        for (int i = 0; ; i++) {
            cache.put("k" + (i % 20), Integer.toString(i));
            System.out.println("ACK " + i);
            System.out.flush();
        }
    }
}
