package dev.omnichannel.monitor.generate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/** The three lines the {@code generate} command prints when it is done. */
public final class GenerateSummary {
  private GenerateSummary() {}

  /** Records and files; planted scenarios, shared devices and bad records; the ground truth. */
  public static String describe(
      GroundTruth truth, Path output, boolean groundTruthWritten, long millis) throws IOException {
    GroundTruth.Counts c = truth.counts();
    Path events = output.resolve("events");
    long files;
    try (Stream<Path> list = Files.list(events)) {
      files = list.filter(p -> p.getFileName().toString().startsWith("events-")).count();
    }
    long planted = truth.persons().stream().mapToLong(p -> p.planted().size()).sum();
    String nl = System.lineSeparator();
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "Wrote %,d records in %,d files to %s (%,d events of %,d customers over %d days"
                + " from %s, seed %d) in %.1f s",
            c.records(),
            files,
            events,
            c.acceptedEvents(),
            truth.customers(),
            truth.days(),
            truth.start(),
            truth.seed(),
            millis / 1000.0));
    sb.append(nl);
    sb.append(
        String.format(
            Locale.ROOT,
            "Planted %,d journey patterns and friction cases, %,d shared devices, %,d bad records"
                + " (%,d dead letters, %,d duplicates, %,d unknown-enum events, %,d out of order)",
            planted,
            truth.sharedDevices().size(),
            truth.badRecords().size(),
            c.deadLetters(),
            c.duplicates(),
            c.unknownEnumEvents(),
            c.outOfOrder()));
    sb.append(nl);
    sb.append(
        groundTruthWritten
            ? "Ground truth: " + output.resolve("ground-truth.json")
            : "Ground truth: not written (--no-ground-truth)");
    sb.append(nl);
    return sb.toString();
  }
}
