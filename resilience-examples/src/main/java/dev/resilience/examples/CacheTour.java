package dev.resilience.examples;

/** The tour's stop for resilience-cache. */
final class CacheTour implements TourStop {

    @Override
    public String title() {
        return "Caching (resilience-cache)";
    }

    @Override
    public void run(Context context) {
        context.say("skipped: resilience-cache is not built yet");
    }
}
