package dev.omnichannel.monitor.generate;

import java.nio.file.Path;
import java.util.Locale;

/** The few lines the {@code generate} command prints when it is done. */
public final class GenerateSummary {
  private GenerateSummary() {}

  /** Two or three lines: records and files, bad records, ground truth path. */
  public static String describe(
      GroundTruth truth, Path output, boolean groundTruthWritten, long millis) {
    GroundTruth.Counts c = truth.counts();
    long files = truth.badRecords().stream().map(GroundTruth.BadRecord::file).distinct().count();
    Path events = output.resolve("events");
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "Wrote %,d records (%,d events of %,d customers over %d days from %s, seed %d) to %s"
                + " in %.1f s%n",
            c.records(),
            c.acceptedEvents(),
            truth.customers(),
            truth.days(),
            truth.start(),
            truth.seed(),
            events,
            millis / 1000.0));
    long bad = truth.badRecords().size();
    if (bad > 0) {
      sb.append(
          String.format(
              Locale.ROOT,
              "Planted %,d bad records in %,d files: %,d dead letters, %,d duplicates, %,d"
                  + " unknown-enum events, %,d out of order%n",
              bad,
              files,
              c.deadLetters(),
              c.duplicates(),
              c.unknownEnumEvents(),
              c.outOfOrder()));
    }
    sb.append(
        groundTruthWritten
            ? "Ground truth: " + output.resolve("ground-truth.json") + System.lineSeparator()
            : "Ground truth: not written (--no-ground-truth)" + System.lineSeparator());
    return sb.toString();
  }
}
