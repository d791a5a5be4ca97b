package dev.resilience.benchmarks.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Turns a JMH JSON file into {@code benchmarks/RESULTS.md}, one PNG chart of ratios per area and
 * the summary block of the root README. {@code benchmarks/run} calls it after every pass.
 *
 * <pre>{@code
 * java -Djava.awt.headless=true -cp benchmarks/target/benchmarks.jar dev.resilience.benchmarks.report.Report \
 *     --json benchmarks/results/quick.json --out benchmarks/RESULTS.md --charts benchmarks/charts \
 *     --readme README.md --command "benchmarks/run quick" --expect ratelimit,breaker,cache,lock,idgen,floors
 * }</pre>
 *
 * <p>Options: {@code --json} (required), {@code --out} (required), {@code --charts} (a folder; no
 * charts without it), {@code --readme} (a file whose {@code <!-- bench:start -->} block is
 * replaced), {@code --command} (printed as the command that made the run), {@code --jmh-command}
 * (the JMH command line it ran, printed in RESULTS.md), {@code --date}
 * (default: now, UTC), {@code --expect} (comma-separated areas) and {@code --expect-benchmarks} (a
 * file of benchmark names, one a line, as {@code java -jar benchmarks.jar -l} prints them: JMH
 * goes on after a benchmark fails, so a failure shows as a missing result). The exit status is 1
 * when an expected area or benchmark has no result, after the report is written so the gap shows.
 */
public final class Report {

    private static final Set<String> OPTIONS =
            Set.of("--json", "--out", "--charts", "--readme", "--command", "--jmh-command", "--date", "--expect",
                    "--expect-benchmarks");

    private Report() {
    }

    /**
     * Runs the generator and exits with its status.
     *
     * @param args the options above
     */
    public static void main(String[] args) {
        int status;
        try {
            status = run(args, System.out, System.err);
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("report: " + e.getMessage());
            status = 2;
        }
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Writes the report; returns 0, or 1 when an expected area or benchmark has no result. */
    static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
        Map<String, String> options = options(args);
        Path json = Path.of(required(options, "--json"));
        Path results = Path.of(required(options, "--out")).toAbsolutePath().normalize();
        Path charts = options.containsKey("--charts") ? Path.of(options.get("--charts")).toAbsolutePath().normalize() : null;
        Path readme = options.containsKey("--readme") ? Path.of(options.get("--readme")).toAbsolutePath().normalize() : null;
        Set<String> expected = new LinkedHashSet<>();
        if (options.containsKey("--expect")) {
            Arrays.stream(options.get("--expect").split(",")).map(String::trim).filter(s -> !s.isEmpty())
                    .forEach(expected::add);
        }
        Markdown.Header header = new Markdown.Header(
                options.getOrDefault("--command", "java " + Report.class.getName() + " " + String.join(" ", args)),
                options.getOrDefault("--jmh-command", ""),
                options.getOrDefault("--date",
                        ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"))),
                machine());

        Run run = Run.parse(Files.readString(json, StandardCharsets.UTF_8));
        Map<String, List<Group>> areas = Group.of(run.results());
        List<String> unmeasured = List.of();
        if (options.containsKey("--expect-benchmarks")) {
            Set<String> measured = run.results().stream().map(Result::benchmark).collect(Collectors.toSet());
            unmeasured = Files.readAllLines(Path.of(options.get("--expect-benchmarks")), StandardCharsets.UTF_8)
                    .stream().map(String::trim).filter(l -> l.startsWith(Result.ROOT_PACKAGE))
                    .filter(b -> !measured.contains(b)).sorted().toList();
        }

        Set<String> charted = new TreeSet<>();
        if (charts != null) {
            for (Map.Entry<String, List<Group>> area : areas.entrySet()) {
                if (Charts.write(charts, area.getKey(), area.getValue())) {
                    charted.add(area.getKey());
                }
            }
        }
        Path resultsDir = results.getParent();
        Files.createDirectories(resultsDir);
        Files.writeString(results, Markdown.results(run, areas, header,
                charts == null ? null : link(resultsDir, charts), expected, charted, unmeasured), StandardCharsets.UTF_8);
        out.println("report: " + run.results().size() + " results, areas " + areas.keySet() + " -> " + results);
        if (readme != null) {
            Path readmeDir = readme.getParent();
            String block = Markdown.readmeBlock(areas, header, link(readmeDir, results),
                    charts == null ? null : link(readmeDir, charts), charted);
            Files.writeString(readme, Markdown.replaceBlock(Files.readString(readme, StandardCharsets.UTF_8), block),
                    StandardCharsets.UTF_8);
            out.println("report: summary block of " + readme + " replaced");
        }

        int status = 0;
        List<String> missing = expected.stream().filter(a -> !areas.containsKey(a)).toList();
        if (!missing.isEmpty()) {
            err.println("report: no results for expected area(s) " + String.join(", ", missing));
            status = 1;
        }
        if (!unmeasured.isEmpty()) {
            err.println("report: no results for " + unmeasured.size() + " benchmark(s), failed? "
                    + String.join(", ", unmeasured));
            status = 1;
        }
        return status;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!OPTIONS.contains(args[i])) {
                throw new IllegalArgumentException("unknown option '" + args[i] + "'; options are " + new TreeSet<>(OPTIONS));
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + args[i] + " needs a value");
            }
            options.put(args[i], args[i + 1]);
        }
        return options;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("option " + name + " is required");
        }
        return value;
    }

    /** A Markdown link from one folder to a path, with forward slashes. */
    private static String link(Path fromDir, Path to) {
        return fromDir.relativize(to).toString().replace('\\', '/');
    }

    /** Cores, CPU model and OS of this machine (the report runs where the benchmarks ran). */
    private static String machine() {
        String cpu = "";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> ", " + l.substring(l.indexOf(':') + 1).trim()).orElse("");
        } catch (IOException | RuntimeException e) {
            // Not Linux: the core count and OS still say what the machine was.
        }
        return String.format(Locale.ROOT, "%d cores%s, %s %s %s", Runtime.getRuntime().availableProcessors(), cpu,
                System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("os.arch"));
    }
}
