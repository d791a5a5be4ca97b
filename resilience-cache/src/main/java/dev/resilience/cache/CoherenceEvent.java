package dev.resilience.cache;

/**
 * What a {@link TwoLevelCache} did to keep its local copies coherent with the other JVMs.
 *
 * <pre>{@code
 * cache.subscribe(e -> { if (e.type() == CoherenceEvent.Type.FLUSHED) log.info("local cache flushed"); });
 * }</pre>
 *
 * @param type what happened
 * @param key the encoded key concerned, or {@code null} for a flush
 * @param version the version the message carried (0 where none)
 * @param lagMillis for a received invalidation, wall time from its publication to its receipt
 */
public record CoherenceEvent(Type type, String key, long version, long lagMillis) {

    /** The kinds of coherence event. */
    public enum Type {
        /** An invalidation from some JVM dropped the local copy of a key. */
        INVALIDATED,
        /** An invalidation older than the local copy was ignored (a late or reordered message). */
        IGNORED_OLD_VERSION,
        /**
         * Every local copy was dropped: the invalidation channel reconnected, or a JVM's numbered
         * invalidations skipped a number (messages may have been lost).
         */
        FLUSHED,
        /** A miss found another JVM loading the key under the cluster-wide lease and waited for it. */
        LEASE_WAIT,
        /** A load finished after the key changed, so its value was not put in Redis. */
        FILL_REJECTED
    }
}
