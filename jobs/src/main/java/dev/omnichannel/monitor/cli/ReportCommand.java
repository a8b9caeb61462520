package dev.omnichannel.monitor.cli;

import dev.omnichannel.monitor.report.ReportHtml;
import dev.omnichannel.monitor.report.ReportInputException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code report}: reads the Parquet tables under an output directory and writes one self-contained
 * HTML page of charts (Apache ECharts inlined), which opens offline.
 */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Writes one self-contained HTML report of an output directory: channel flows (Sankey), the"
          + " funnel, attribution by model and channel, friction, top journey patterns and"
          + " example journey timelines, with the latest run summary.",
      "The chart library (Apache ECharts) and the data are inlined: the file works offline. The"
          + " same output directory gives the same bytes."
    })
public class ReportCommand implements Callable<Integer> {
  @Option(
      names = "--output",
      required = true,
      converter = LocalPathConverter.class,
      paramLabel = "DIR",
      description = "Output directory of a backfill, stream or demo run (its Parquet tables).")
  Path output;

  @Option(
      names = "--report",
      converter = LocalPathConverter.class,
      paramLabel = "FILE",
      description = "HTML file to write (default: <DIR>/report.html).")
  Path report;

  @Override
  public Integer call() throws Exception {
    PathChecks.inputDir("--output", output);
    if (report != null) {
      PathChecks.outputFileCreatingDirs("--report", report);
    }
    Path file = write(output, report);
    System.out.println("Report: " + file.toAbsolutePath().normalize());
    return 0;
  }

  /** Writes the report of {@code output} to {@code report} (or the default) and returns it. */
  static Path write(Path output, Path report) throws Exception {
    Path file = report != null ? report : output.resolve("report.html");
    try {
      ReportHtml.write(output, file);
    } catch (ReportInputException e) {
      throw new UserException(e.getMessage(), e);
    }
    return file;
  }
}
