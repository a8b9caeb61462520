package dev.omnichannel.monitor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code backfill --mapping}, checked before any work: the mapping file, the input files it makes
 * readable (any name), and each file's header against the mapping's columns.
 */
class MappingOptionsTest {
  @TempDir Path dir;

  private Path mapping() throws Exception {
    return Files.writeString(
        dir.resolve("calls.yaml"),
        """
        format: csv
        header: true
        columns: [call_id, started_at, caller]
        fields: {event_id: call_id, event_time: started_at}
        identities: [{namespace: phone, column: caller}]
        """);
  }

  private BackfillCommand.Checked validate(String... args) {
    BackfillCommand c = CommandLine.populateCommand(new BackfillCommand(), args);
    return c.validate();
  }

  @Test
  void aMappingReadsFilesOfAnyNameAndChecksTheirHeaders() throws Exception {
    Path calls = Files.writeString(dir.resolve("calls.csv"), "call_id,started_at,caller\n1,x,y\n");
    Path out = dir.resolve("out");
    BackfillCommand.Checked checked =
        validate(
            "--input", calls.toString(), "--mapping", mapping().toString(), "--output", "" + out);
    assertThat(checked.files()).containsExactly(calls.toAbsolutePath().normalize().toString());
    assertThat(checked.mapping().columns()).containsExactly("call_id", "started_at", "caller");
    // without the mapping, a CSV file is not an input
    assertThatThrownBy(() -> validate("--input", calls.toString(), "--output", "" + out))
        .isInstanceOf(UserException.class)
        .hasMessage(
            "--input " + calls + " is not an event file (expected *.avro, *.jsonl or *.jsonl.gz)");
  }

  @Test
  void aHeaderThatDoesNotNameTheMappingsColumnsIsRefusedBeforeAnyWork() throws Exception {
    Path calls = Files.writeString(dir.resolve("calls.csv"), "call_id,caller,started_at\n1,y,x\n");
    Path m = mapping();
    Path out = dir.resolve("out");
    assertThatThrownBy(
            () ->
                validate(
                    "--input", calls.toString(), "--mapping", m.toString(), "--output", "" + out))
        .isInstanceOf(UserException.class)
        .hasMessage(
            "--input "
                + calls.toAbsolutePath().normalize()
                + ": header column 2 is \"caller\", the mapping expects started_at (header:"
                + " call_id, caller, started_at) (--mapping "
                + m
                + ")");
    assertThat(out).doesNotExist();
  }

  @Test
  void aBrokenMappingNamesTheFileAndTheField() throws Exception {
    Path calls = Files.writeString(dir.resolve("calls.csv"), "call_id,started_at,caller\n");
    Path m =
        Files.writeString(
            dir.resolve("bad.yaml"), Files.readString(mapping()).replace("caller}", "phone}"));
    assertThatThrownBy(
            () ->
                validate(
                    "--input",
                    calls.toString(),
                    "--mapping",
                    m.toString(),
                    "--output",
                    dir.resolve("out").toString()))
        .isInstanceOf(UserException.class)
        .hasMessage(
            "--mapping "
                + m
                + ": identities[0].column: no column phone (columns: call_id, started_at,"
                + " caller)");
  }

  private StreamCommand.Checked stream(String... args) {
    StreamCommand c = new StreamCommand();
    new CommandLine(c).parseArgs(args);
    return c.validate();
  }

  @Test
  void streamMapsEachNamedTopicOnceAndOnlyTopicsItReads() throws Exception {
    String m = mapping().toString();
    Path out = dir.resolve("out");
    String[] base = {
      "--bootstrap-servers",
      "127.0.0.1:9",
      "--topic",
      "events",
      "--topic",
      "calls",
      "--output",
      out.toString()
    };
    StreamCommand.Checked checked = stream(concat(base, "--mapping", "calls=" + m));
    assertThat(checked.mapped().topics()).containsOnlyKeys("calls");
    assertThat(checked.mapped().forSource("kafka:calls/0/7").columns())
        .containsExactly("call_id", "started_at", "caller");
    assertThat(checked.mapped().forSource("kafka:events/0/7")).isNull();
    assertThatThrownBy(
            () -> stream(concat(base, "--mapping", "calls=" + m, "--mapping", "calls=" + m)))
        .isInstanceOf(UserException.class)
        .hasMessage("--mapping calls=" + m + ": topic calls is mapped twice");
    assertThatThrownBy(() -> stream(concat(base, "--mapping", "sms=" + m)))
        .isInstanceOf(UserException.class)
        .hasMessage(
            "--mapping sms=" + m + ": topic sms is not read by this job (--topic events, calls)");
    String[] pattern = {
      "--bootstrap-servers",
      "127.0.0.1:9",
      "--topic-pattern",
      "legacy-.*",
      "--output",
      out.toString()
    };
    assertThat(stream(concat(pattern, "--mapping", "legacy-calls=" + m)).mapped().topics())
        .containsOnlyKeys("legacy-calls");
    assertThatThrownBy(() -> stream(concat(pattern, "--mapping", "calls=" + m)))
        .isInstanceOf(UserException.class)
        .hasMessage(
            "--mapping calls="
                + m
                + ": topic calls is not read by this job (it does not match --topic-pattern"
                + " legacy-.*)");
    assertThat(out).doesNotExist();
  }

  private static String[] concat(String[] a, String... b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
