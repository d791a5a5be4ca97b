package dev.resilience.idgen;

/** Key naming shared by the Redis-backed parts. */
final class Keys {

    private Keys() {
    }

    /**
     * Checks that {@code value} can sit inside a Redis Cluster hash tag: the braces around it
     * would otherwise end early and split one namespace over several cluster slots.
     */
    static String hashTagSafe(String name, String value) {
        if (value.indexOf('{') >= 0 || value.indexOf('}') >= 0) {
            throw new IllegalArgumentException(name + " must not contain braces but was \"" + value + "\"");
        }
        return value;
    }

    /** {@code <prefix>:{<tag>}:}, the base of every key of one namespace. */
    static String base(String prefix, String tag) {
        return prefix + ":{" + tag + "}:";
    }
}
