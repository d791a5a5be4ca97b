package dev.resilience.benchmarks.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The JMH JSON fixtures of src/test/resources/report. */
final class Fixtures {

    private Fixtures() {
    }

    /**
     * A JMH-shaped file of 12 results: ratelimit (1 and 2 threads, two ours, two peers, a floor),
     * idgen (throughput mode), lock (µs, a param, no gc profiler) and floors.
     */
    static String sampleJson() {
        try (InputStream in = Fixtures.class.getResourceAsStream("/report/jmh-sample.json")) {
            if (in == null) {
                throw new IllegalStateException("fixture /report/jmh-sample.json is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Run sample() {
        return Run.parse(sampleJson());
    }

    /** A minimal JMH result of {@code dev.resilience.benchmarks.<name>}, one thread, in ns/op. */
    static String result(String name, double nanos) {
        return "{\"benchmark\": \"dev.resilience.benchmarks." + name + "\", \"threads\": 1, "
                + "\"primaryMetric\": {\"score\": " + nanos + ", \"scoreUnit\": \"ns/op\"}}";
    }
}
