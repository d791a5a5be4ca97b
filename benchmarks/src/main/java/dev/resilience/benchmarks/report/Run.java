package dev.resilience.benchmarks.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A JMH JSON file ({@code -rf json}): its results and how they were measured.
 *
 * <pre>{@code
 * Run run = Run.parse(Files.readString(Path.of("benchmarks/results/quick.json")));
 * run.settings();   // "1 fork, 1 × 1 s warm-up, 3 × 1 s measurement"
 * }</pre>
 *
 * @param results  every result, in run order
 * @param jmh      the JMH version
 * @param jdk      JDK version and VM of the forked benchmark JVMs
 * @param settings forks, warm-up and measurement of the first result (one pass uses one setting)
 */
record Run(List<Result> results, String jmh, String jdk, String settings) {

    /** Parses a JMH JSON file's text. */
    static Run parse(String json) {
        Object root = Json.parse(json);
        if (!(root instanceof List<?> entries)) {
            throw new IllegalArgumentException("JMH JSON must be an array of results");
        }
        List<Result> results = new ArrayList<>(entries.size());
        for (Object entry : entries) {
            results.add(Result.of(Result.asMap(entry)));
        }
        if (entries.isEmpty()) {
            return new Run(List.of(), "?", "?", "?");
        }
        Map<String, Object> first = Result.asMap(entries.get(0));
        String jdk = first.getOrDefault("jdkVersion", "?") + " (" + first.getOrDefault("vmName", "?") + " "
                + first.getOrDefault("vmVersion", "?") + ")";
        int forks = (int) Json.number(first.getOrDefault("forks", 0.0));
        int warmups = (int) Json.number(first.getOrDefault("warmupIterations", 0.0));
        String settings = String.format(Locale.ROOT, "%d fork%s, %s, %d × %s measurement",
                forks, forks == 1 ? "" : "s",
                warmups == 0 ? "no warm-up" : warmups + " × " + first.getOrDefault("warmupTime", "?") + " warm-up",
                (int) Json.number(first.getOrDefault("measurementIterations", 0.0)),
                first.getOrDefault("measurementTime", "?"));
        return new Run(List.copyOf(results), String.valueOf(first.getOrDefault("jmhVersion", "?")), jdk, settings);
    }
}
