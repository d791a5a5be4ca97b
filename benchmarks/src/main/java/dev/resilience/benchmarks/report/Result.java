package dev.resilience.benchmarks.report;

import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * One JMH result, named the way the benchmark conventions (benchmarks/README.md) name things:
 * {@code dev.resilience.benchmarks.<area>.<Class>[.Threads2].<role>_<rest>}.
 *
 * <pre>{@code
 * Result result = Run.parse(Files.readString(json)).results().get(0);
 * result.nanosPerOp();   // time per operation per thread, whatever the mode and unit
 * }</pre>
 *
 * @param benchmark    the full JMH benchmark name
 * @param area         the package under {@code dev.resilience.benchmarks}
 * @param className    the top-level class (a nested {@code Threads2} class counts as its outer class)
 * @param method       the benchmark method
 * @param threads      threads that ran it
 * @param params       {@code @Param} values, sorted by name
 * @param mode         JMH mode ({@code avgt}, {@code thrpt}, {@code sample}, {@code ss})
 * @param score        the primary score, in {@code unit}
 * @param unit         JMH's unit ({@code ns/op}, {@code ops/us}...)
 * @param bytesPerOp   {@code gc.alloc.rate.norm}, when the gc profiler ran
 * @param counters     the benchmark's own counters ({@code @AuxCounters}: secondary metrics whose
 *                     name has no dot, unlike a profiler's), by name
 */
record Result(String benchmark, String area, String className, String method, int threads,
              Map<String, String> params, String mode, double score, String unit, OptionalDouble bytesPerOp,
              Map<String, Double> counters) {

    /** The package every benchmark lives under. */
    static final String ROOT_PACKAGE = "dev.resilience.benchmarks.";

    /** The role a method name gives itself. */
    enum Role { OURS, PEER, FLOOR, OTHER }

    static Result of(Map<String, Object> entry) {
        String benchmark = (String) require(entry, "benchmark");
        String[] parts = benchmark.split("[.$]");
        int root = ROOT_PACKAGE.split("\\.").length;
        String area = parts.length > root + 1 && benchmark.startsWith(ROOT_PACKAGE) ? parts[root] : "other";
        String className = parts.length >= 2 ? (area.equals("other") ? parts[parts.length - 2] : parts[root + 1]) : "";
        String method = parts[parts.length - 1];
        int threads = (int) Json.number(entry.getOrDefault("threads", 1.0));
        Map<String, String> params = new TreeMap<>();
        if (entry.get("params") instanceof Map<?, ?> p) {
            p.forEach((k, v) -> params.put(String.valueOf(k), String.valueOf(v)));
        }
        Map<String, Object> primary = asMap(require(entry, "primaryMetric"));
        double score = Json.number(require(primary, "score"));
        String unit = (String) require(primary, "scoreUnit");
        OptionalDouble bytes = OptionalDouble.empty();
        Map<String, Double> counters = new TreeMap<>();
        if (entry.get("secondaryMetrics") instanceof Map<?, ?> secondary) {
            if (secondary.get("gc.alloc.rate.norm") instanceof Map<?, ?> norm) {
                double value = Json.number(norm.get("score"));
                if (!Double.isNaN(value)) {
                    bytes = OptionalDouble.of(value);
                }
            }
            secondary.forEach((name, metric) -> {
                if (!String.valueOf(name).contains(".") && metric instanceof Map<?, ?> m) {
                    counters.put(String.valueOf(name), Json.number(m.get("score")));
                }
            });
        }
        return new Result(benchmark, area, className, method, threads, Collections.unmodifiableMap(params),
                String.valueOf(entry.getOrDefault("mode", "avgt")), score, unit, bytes,
                Collections.unmodifiableMap(counters));
    }

    /** What the method name says it is. */
    Role role() {
        if (method.startsWith("ours_") || method.equals("ours")) {
            return Role.OURS;
        }
        if (method.startsWith("peer_")) {
            return Role.PEER;
        }
        if (method.startsWith("floor_")) {
            return Role.FLOOR;
        }
        return Role.OTHER;
    }

    /** For {@code peer_<library>_<variant>}, the library; empty for other roles. */
    String library() {
        if (role() != Role.PEER) {
            return "";
        }
        String rest = method.substring("peer_".length());
        int cut = rest.indexOf('_');
        return cut < 0 ? rest : rest.substring(0, cut);
    }

    /**
     * What follows the role (and the library for a peer): {@code tokenBucket} for
     * {@code ours_tokenBucket} and {@code peer_bucket4j_tokenBucket}; the whole name for others.
     */
    String variant() {
        switch (role()) {
            case OURS:
            case FLOOR: {
                int cut = method.indexOf('_');
                return cut < 0 ? "" : method.substring(cut + 1);
            }
            case PEER: {
                String rest = method.substring("peer_".length());
                int cut = rest.indexOf('_');
                return cut < 0 ? "" : rest.substring(cut + 1);
            }
            default:
                return method;
        }
    }

    /** A short label: {@code tokenBucket}, {@code bucket4j tokenBucket}, {@code floor nanoTime}. */
    String label() {
        switch (role()) {
            case OURS:
                return variant().isEmpty() ? "ours" : variant();
            case PEER:
                return variant().isEmpty() ? library() : library() + " " + variant();
            case FLOOR:
                return "floor " + variant();
            default:
                return method;
        }
    }

    /** The time one thread spends per operation, in nanoseconds, whatever the mode and unit. */
    double nanosPerOp() {
        String u = unit.toLowerCase(Locale.ROOT);
        if (u.startsWith("ops/")) {
            // Throughput is the sum over all threads.
            return threads * nanosOf(u.substring(4)) / score;
        }
        int slash = u.indexOf("/op");
        if (slash < 0) {
            throw new IllegalArgumentException("unsupported unit " + unit + " in " + benchmark);
        }
        return score * nanosOf(u.substring(0, slash));
    }

    /** Operations per microsecond of all threads together. */
    double aggregateOpsPerMicro() {
        return threads * 1_000.0 / nanosPerOp();
    }

    private static double nanosOf(String timeUnit) {
        switch (timeUnit) {
            case "ns":
                return 1;
            case "us":
            case "µs":
                return 1_000;
            case "ms":
                return 1_000_000;
            case "s":
                return 1_000_000_000;
            case "min":
                return 60_000_000_000.0;
            default:
                throw new IllegalArgumentException("unsupported time unit " + timeUnit);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object value) {
        if (!(value instanceof Map)) {
            throw new IllegalArgumentException("expected a JSON object, got " + value);
        }
        return (Map<String, Object>) value;
    }

    static Object require(Map<String, Object> map, String key) {
        Object value = map.get(key);
        if (value == null) {
            throw new IllegalArgumentException("JMH result without '" + key + "': " + map.keySet());
        }
        return value;
    }
}
