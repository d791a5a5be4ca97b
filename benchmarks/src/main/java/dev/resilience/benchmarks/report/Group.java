package dev.resilience.benchmarks.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The results of one benchmark class run with one thread count, one set of {@code @Param} values
 * and one JMH mode: the unit inside which ours, peers and floors are compared.
 *
 * <p>The pairing rule (benchmarks/README.md): a peer whose variant is the variant of an
 * {@code ours_} method of the group ({@code peer_bucket4j_tokenBucket} and
 * {@code ours_tokenBucket}) is compared with that method only; every other peer, and every floor,
 * is compared with every {@code ours_} method of the group, since one class is one comparison of
 * identical work.
 *
 * <pre>{@code
 * for (Group group : Group.of(results).get("ratelimit")) {
 *     group.comparisons().forEach(c -> System.out.println(c.ours().label() + " " + c.ratio()));
 * }
 * }</pre>
 *
 * @param area      the package
 * @param className the top-level benchmark class
 * @param threads   threads per benchmark
 * @param params    {@code @Param} values
 * @param results   ours first, then peers, floors and others, each in run order
 */
record Group(String area, String className, int threads, Map<String, String> params, List<Result> results) {

    /** One of our results beside a peer's or a floor's, measured in the same run. */
    record Comparison(Result ours, Result other) {

        /** Our time per operation divided by theirs: below 1, we are faster. */
        double ratio() {
            return ours.nanosPerOp() / other.nanosPerOp();
        }

        /** Whether the other side is a floor rather than a peer library. */
        boolean vsFloor() {
            return other.role() == Result.Role.FLOOR;
        }

        /**
         * A chart label: {@code tokenBucket vs bucket4j}, {@code tokenBucket vs guava smoothBursty},
         * with the thread count when not 1 and the params when there are any
         * ({@code tokenBucket vs bucket4j (2 thr, permits=8)}).
         */
        String label() {
            // A peer's variant is only noise when it repeats ours.
            String them = other.role() == Result.Role.PEER && other.variant().equals(ours.variant())
                    ? other.library() : other.label();
            List<String> qualifiers = new ArrayList<>();
            if (ours.threads() != 1) {
                qualifiers.add(ours.threads() + " thr");
            }
            ours.params().forEach((k, v) -> qualifiers.add(k + "=" + v));
            String label = ours.label() + " vs " + them;
            return qualifiers.isEmpty() ? label : label + " (" + String.join(", ", qualifiers) + ")";
        }
    }

    /** The areas in the order of the README (the modules, then the floors); others follow by name. */
    static final List<String> AREAS = List.of("ratelimit", "breaker", "cache", "lock", "idgen", "floors");

    /**
     * Groups results by area (map in {@link #AREAS} order), then by class, thread count and params
     * (list in class-name, thread-count, then run order).
     */
    static Map<String, List<Group>> of(List<Result> results) {
        Map<List<Object>, List<Result>> byKey = new LinkedHashMap<>();
        for (Result r : results) {
            // A benchmark run in two modes is two comparisons, never one across modes.
            byKey.computeIfAbsent(List.of(r.area(), r.className(), r.threads(), r.params(), r.mode()),
                            k -> new ArrayList<>())
                    .add(r);
        }
        Map<String, List<Group>> byArea = new TreeMap<>(Comparator
                .comparingInt((String area) -> AREAS.contains(area) ? AREAS.indexOf(area) : AREAS.size())
                .thenComparing(Comparator.naturalOrder()));
        for (List<Result> members : byKey.values()) {
            Result first = members.get(0);
            List<Result> ordered = new ArrayList<>(members);
            ordered.sort(Comparator.comparing(Result::role));
            byArea.computeIfAbsent(first.area(), a -> new ArrayList<>()).add(
                    new Group(first.area(), first.className(), first.threads(), first.params(), List.copyOf(ordered)));
        }
        byArea.values().forEach(groups -> groups.sort(
                Comparator.comparing(Group::className).thenComparingInt(Group::threads)));
        return byArea;
    }

    /** The comparisons of this group, by the pairing rule, for each {@code ours_} method in turn. */
    List<Comparison> comparisons() {
        List<Result> ours = ofRole(Result.Role.OURS);
        Set<String> ourVariants = ours.stream().map(Result::variant).collect(Collectors.toSet());
        List<Comparison> comparisons = new ArrayList<>();
        for (Result o : ours) {
            for (Result other : results) {
                boolean paired = switch (other.role()) {
                    case PEER -> other.variant().equals(o.variant()) || !ourVariants.contains(other.variant());
                    case FLOOR -> true;
                    default -> false;
                };
                if (paired) {
                    comparisons.add(new Comparison(o, other));
                }
            }
        }
        return comparisons;
    }

    /** Results of the group that no comparison mentions (a class of floors only, say). */
    List<Result> unpaired() {
        List<Comparison> comparisons = comparisons();
        return results.stream()
                .filter(r -> comparisons.stream().noneMatch(c -> c.ours() == r || c.other() == r))
                .toList();
    }

    /** {@code LimiterAdmitBenchmark, 2 threads, permits=1} (and the JMH mode when not average time). */
    String title() {
        StringBuilder sb = new StringBuilder(className);
        if (threads != 1) {
            sb.append(", ").append(threads).append(" threads");
        }
        params.forEach((k, v) -> sb.append(", ").append(k).append('=').append(v));
        String mode = results.get(0).mode();
        if (!mode.equals("avgt")) {
            sb.append(", mode ").append(mode);
        }
        return sb.toString();
    }

    private List<Result> ofRole(Result.Role role) {
        return results.stream().filter(r -> r.role() == role).toList();
    }
}
