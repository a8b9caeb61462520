package dev.omnichannel.monitor.patterns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.cli.Main;
import dev.omnichannel.monitor.io.ParquetFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The README's worked example, taken from the README itself: a user-defined pattern in a YAML file
 * is found end to end by {@code backfill --patterns}, and a broken one stops the run with a message
 * naming the file, the pattern and the field.
 */
class WorkedExampleITCase {
  @TempDir Path dir;

  static String readmeExample() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    int marker = readme.indexOf("<!-- worked-example -->");
    assertThat(marker).as("README has the worked example").isPositive();
    int start = readme.indexOf("```yaml\n", marker) + "```yaml\n".length();
    int end = readme.indexOf("```", start);
    return readme.substring(start, end);
  }

  private static String line(String id, String time, String channel, String type, String customer) {
    return "{\"event_id\":\""
        + id
        + "\",\"event_time\":\""
        + time
        + "\",\"channel\":\""
        + channel
        + "\",\"event_type\":\""
        + type
        + "\",\"identities\":[{\"namespace\":\"customer_id\",\"value\":\""
        + customer
        + "\"}]}\n";
  }

  @Test
  void shouldFindTheReadmePatternEndToEnd() throws Exception {
    Path catalogue = dir.resolve("chat-store.yaml");
    Files.writeString(catalogue, readmeExample());
    Path input = dir.resolve("events.jsonl");
    Files.writeString(
        input,
        line("a1", "2026-02-01T10:00:00Z", "CHAT", "CONTACT_START", "A")
            + line("a2", "2026-02-03T16:00:00Z", "STORE", "PURCHASE", "A")
            + line("b1", "2026-02-01T10:00:00Z", "CHAT", "CONTACT_START", "B")
            + line("b2", "2026-02-04T10:00:00.001Z", "STORE", "PURCHASE", "B")
            + line("c1", "2026-02-01T10:00:00Z", "VOICE", "CONTACT_START", "C")
            + line("c2", "2026-02-02T10:00:00Z", "STORE", "PURCHASE", "C"));
    Path key = dir.resolve("key");
    Files.writeString(key, "worked-example-key-0123456789");
    Path out = dir.resolve("out");
    int code =
        Main.execute(
            "backfill",
            "--input",
            input.toString(),
            "--output",
            out.toString(),
            "--hmac-key-file",
            key.toString(),
            "--patterns",
            catalogue.toString(),
            "--parallelism",
            "1");
    assertThat(code).isZero();
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.walk(out.resolve("journey_matches"))) {
      s.filter(p -> p.toString().endsWith(".parquet")).forEach(files::add);
    }
    List<String> found = new ArrayList<>();
    for (GenericRecord r : ParquetFiles.readAll(files)) {
      found.add(r.get("pattern") + " " + r.get("event_ids"));
    }
    assertThat(found).containsExactly("CHAT_THEN_STORE_PURCHASE [a1, a2]");
  }

  @Test
  void shouldStopOnABrokenCatalogueNamingFilePatternAndField() throws Exception {
    Path catalogue = dir.resolve("chat-store.yaml");
    Files.writeString(catalogue, readmeExample().replace("channel: STORE}", "channel: SHOP}"));
    Path input = dir.resolve("events.jsonl");
    Files.writeString(input, line("a1", "2026-02-01T10:00:00Z", "CHAT", "CONTACT_START", "A"));
    Path key = dir.resolve("key");
    Files.writeString(key, "worked-example-key-0123456789");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CommandLine cl = Main.commandLine();
    cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    System.setProperty("omni.cores", "1");
    int code =
        cl.execute(
            "backfill",
            "--input",
            input.toString(),
            "--output",
            dir.resolve("out").toString(),
            "--hmac-key-file",
            key.toString(),
            "--patterns",
            catalogue.toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith(
            "error: "
                + catalogue
                + ": pattern CHAT_THEN_STORE_PURCHASE: steps[1].where.channel: unknown value 'SHOP'")
        .doesNotContain("\tat ");
  }
}
