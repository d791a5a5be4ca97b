package dev.resilience.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    private int report(String... args) throws IOException {
        return Report.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private Path json() throws IOException {
        return Files.writeString(dir.resolve("quick.json"), Fixtures.sampleJson());
    }

    @Test
    void writesTheTablesTheChartsAndTheReadmeBlock() throws IOException {
        Path readme = Files.writeString(dir.resolve("README.md"),
                "# project\n\n" + Markdown.START + "\nplaceholder\n" + Markdown.END + "\n\n## After\n");

        int status = report("--json", json().toString(), "--out", dir.resolve("benchmarks/RESULTS.md").toString(),
                "--charts", dir.resolve("benchmarks/charts").toString(), "--readme", readme.toString(),
                "--command", "benchmarks/run quick", "--date", "2026-12-04 19:00 UTC",
                "--expect", "ratelimit,idgen,lock,floors");

        assertThat(status).isZero();
        String results = Files.readString(dir.resolve("benchmarks/RESULTS.md"));
        assertThat(results).doesNotContain("JMH command").contains("| command | `benchmarks/run quick` |", "| date | 2026-12-04 19:00 UTC |",
                "## floors", "## idgen", "## lock", "## ratelimit", "](charts/ratelimit.png)");
        for (String area : new String[] {"ratelimit", "idgen", "lock"}) {
            BufferedImage png = ImageIO.read(dir.resolve("benchmarks/charts/" + area + ".png").toFile());
            assertThat(png).as(area).isNotNull();
            assertThat(png.getWidth()).isGreaterThanOrEqualTo(800);
            assertThat(png.getHeight()).isGreaterThan(420);
        }
        // The floors area compares nothing, so it has no chart of ratios.
        assertThat(dir.resolve("benchmarks/charts/floors.png")).doesNotExist();
        assertThat(Files.readString(readme)).startsWith("# project\n\n" + Markdown.START + "\nAcross 2 areas:")
                .contains("[benchmarks/RESULTS.md](benchmarks/RESULTS.md)", "](benchmarks/charts/idgen.png)")
                .doesNotContain("placeholder")
                .endsWith(Markdown.END + "\n\n## After\n");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("12 results");
    }

    @Test
    void aMissingExpectedAreaFailsTheRunAfterTheReportIsWritten() throws IOException {
        Path results = dir.resolve("RESULTS.md");

        int status = report("--json", json().toString(), "--out", results.toString(),
                "--expect", "ratelimit,breaker,cache,lock,idgen,floors");

        assertThat(status).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no results for expected area(s) breaker, cache");
        assertThat(Files.readString(results)).contains("**Not in this run:** breaker, cache.").contains("## ratelimit");
    }

    @Test
    void aListedBenchmarkWithoutAResultFailsTheRun() throws IOException {
        Path listed = Files.writeString(dir.resolve("list.txt"), "Benchmarks: \n"
                + "dev.resilience.benchmarks.floors.FloorsBenchmark.floor_nanoTime\n"
                + "dev.resilience.benchmarks.floors.FloorsBenchmark.floor_broken\n");
        Path results = dir.resolve("RESULTS.md");

        int status = report("--json", json().toString(), "--out", results.toString(),
                "--expect-benchmarks", listed.toString());

        assertThat(status).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("no results for 1 benchmark(s), failed? dev.resilience.benchmarks.floors.FloorsBenchmark.floor_broken");
        assertThat(Files.readString(results)).contains("`floors.FloorsBenchmark.floor_broken`");
    }

    @Test
    void aFilteredRunWithoutExpectationsReportsWhatItHasAndTouchesNoChartOrReadme() throws IOException {
        Path json = Files.writeString(dir.resolve("f.json"), "[" + Fixtures.sampleJson().substring(
                Fixtures.sampleJson().lastIndexOf("{\n        \"jmhVersion\"")));

        int status = report("--json", json.toString(), "--out", dir.resolve("partial/RESULTS.md").toString());

        assertThat(status).isZero();
        assertThat(Files.readString(dir.resolve("partial/RESULTS.md"))).contains("## floors", "`floor_nanoTime`")
                .contains("No comparison with a peer in this run.").doesNotContain("## ratelimit", ".png");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("f.json", "partial");
        }
    }

    @Test
    void badOptionsAreRefusedByName() {
        assertThatThrownBy(() -> report("--jsn", "x")).hasMessageContaining("unknown option '--jsn'");
        assertThatThrownBy(() -> report("--json")).hasMessageContaining("--json needs a value");
        assertThatThrownBy(() -> report("--json", "x.json")).hasMessageContaining("option --out is required");
    }
}
