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
    Path events = output.resolve("events");
    long files;
    try (Stream<Path> list = Files.list(events)) {
      files = list.filter(p -> p.getFileName().toString().startsWith("events-")).count();
    }
    return describe(
        truth,
        String.format(Locale.ROOT, "in %,d files to %s", files, events),
        output,
        groundTruthWritten,
        millis);
  }

  /** The same for a run written to a Kafka topic. */
  public static String describeKafka(
      GroundTruth truth, KafkaTarget kafka, Path output, boolean groundTruthWritten, long millis) {
    return describe(
        truth,
        "to Kafka topic "
            + kafka.topic()
            + " at "
            + kafka.bootstrapServers()
            + (kafka.schemaId() == null
                ? ""
                : " (registry-framed, schema id "
                    + kafka.schemaId()
                    + " of subject "
                    + kafka.topic()
                    + "-value at "
                    + kafka.registry().url()
                    + ")"),
        output,
        groundTruthWritten,
        millis);
  }

  private static String describe(
      GroundTruth truth, String where, Path output, boolean groundTruthWritten, long millis) {
    GroundTruth.Counts c = truth.counts();
    long planted = truth.persons().stream().mapToLong(p -> p.planted().size()).sum();
    String nl = System.lineSeparator();
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "Wrote %,d records %s (%,d events of %,d customers over %d days"
                + " from %s, seed %d) in %.1f s",
            c.records(),
            where,
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
