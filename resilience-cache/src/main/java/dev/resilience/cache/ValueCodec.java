package dev.resilience.cache;

/**
 * Turns values into the strings a {@link TwoLevelCache} keeps in Redis, and back. Plug in JSON,
 * Protobuf-as-Base64, or anything stable across the JVMs that share the cache.
 *
 * <pre>{@code
 * ValueCodec<User> json = ValueCodec.of(mapper::writeValueAsString, s -> mapper.readValue(s, User.class));
 * }</pre>
 *
 * @param <V> the value type
 */
public interface ValueCodec<V> {

    /** The value as a string; never {@code null}. */
    String encode(V value);

    /** The value a string from {@link #encode} stands for. */
    V decode(String data);

    /** Strings as they are. */
    static ValueCodec<String> string() {
        return of(value -> value, data -> data);
    }

    /** A codec from two functions; each may throw unchecked exceptions, which reach the caller. */
    static <V> ValueCodec<V> of(java.util.function.Function<? super V, String> encode,
            java.util.function.Function<String, ? extends V> decode) {
        return new ValueCodec<>() {
            @Override
            public String encode(V value) {
                return encode.apply(value);
            }

            @Override
            public V decode(String data) {
                return decode.apply(data);
            }
        };
    }
}
