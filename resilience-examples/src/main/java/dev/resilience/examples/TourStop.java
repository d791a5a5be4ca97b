package dev.resilience.examples;

import java.io.PrintStream;

/** One stop of the {@link Tour}: a primitive shown in a few lines. */
interface TourStop {

    /** The heading printed before the stop. */
    String title();

    /** Shows the primitive at work, printing to {@code context.out()}. */
    void run(Context context) throws Exception;

    /**
     * What every stop gets.
     *
     * @param redisUri the tour's Redis, for Lettuce's {@code RedisURI.create}
     * @param out where to print
     */
    record Context(String redisUri, PrintStream out) {
        /** Prints one indented line. */
        void say(String format, Object... args) {
            out.println("   " + String.format(format, args));
        }
    }
}
