package dev.resilience.examples;

/** The tour's stop for resilience-ratelimit. */
final class RateLimitTour implements TourStop {

    @Override
    public String title() {
        return "Rate limiting (resilience-ratelimit)";
    }

    @Override
    public void run(Context context) {
        context.say("skipped: resilience-ratelimit is not built yet");
    }
}
