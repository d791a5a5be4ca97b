package dev.resilience.examples;

import dev.resilience.testkit.RedisEndpoint;
import java.io.PrintStream;
import java.util.List;

/**
 * The runnable tour: each primitive doing its job in a few lines of output.
 *
 * <pre>
 * mvn -B -q -DskipTests -pl resilience-examples -am package exec:java
 * </pre>
 *
 * <p>Uses the Redis at {@code REDIS_URL} when it is set; otherwise starts one ({@code redis-server}
 * from the PATH, else the binary shipped in the embedded-redis jar) and stops it at exit.
 * Exits with status 1 if any stop fails.
 */
public final class Tour {

    private Tour() {
    }

    /** Runs every stop of the tour against one Redis. */
    public static void main(String[] args) {
        int failed = run(System.out);
        if (failed > 0) {
            System.exit(1);
        }
    }

    /** Runs the tour, printing to {@code out}; returns the number of stops that failed. */
    static int run(PrintStream out) {
        List<TourStop> stops = List.of(
                new RateLimitTour(),
                new BreakerTour(),
                new CacheTour(),
                new LockTour(),
                new IdTour());
        int failed = 0;
        try (RedisEndpoint redis = RedisEndpoint.resolve()) {
            out.println("resilience tour — Redis: " + redis.uri() + " (" + describe(redis) + ")");
            TourStop.Context context = new TourStop.Context(redis.uri(), out);
            for (TourStop stop : stops) {
                out.println();
                out.println("== " + stop.title());
                try {
                    stop.run(context);
                } catch (Exception | AssertionError e) {
                    failed++;
                    out.println("   FAILED: " + e);
                    e.printStackTrace(out);
                }
            }
        }
        out.println();
        out.println(failed == 0 ? "tour finished" : "tour finished with " + failed + " failed stop(s)");
        return failed;
    }

    private static String describe(RedisEndpoint redis) {
        switch (redis.source()) {
            case URL:
                return "from REDIS_URL";
            case PATH:
                return "redis-server from the PATH, started for the tour";
            default:
                return "embedded redis-server, started for the tour";
        }
    }
}
