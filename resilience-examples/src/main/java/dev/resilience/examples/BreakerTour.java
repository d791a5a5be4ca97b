package dev.resilience.examples;

/** The tour's stop for resilience-breaker. */
final class BreakerTour implements TourStop {

    @Override
    public String title() {
        return "Circuit breaker and retry (resilience-breaker)";
    }

    @Override
    public void run(Context context) {
        context.say("skipped: resilience-breaker is not built yet");
    }
}
