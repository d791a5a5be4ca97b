package dev.resilience.examples;

/** The tour's stop for resilience-lock. */
final class LockTour implements TourStop {

    @Override
    public String title() {
        return "Locks (resilience-lock)";
    }

    @Override
    public void run(Context context) {
        context.say("skipped: resilience-lock is not built yet");
    }
}
