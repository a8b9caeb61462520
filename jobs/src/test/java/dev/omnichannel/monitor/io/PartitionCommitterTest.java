package dev.omnichannel.monitor.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionCommitterTest {
  @TempDir Path out;

  private Path stage(String run, String table, String dt, String file) throws IOException {
    Path p = out.resolve("_staging").resolve(run).resolve(table).resolve(dt).resolve(file);
    Files.createDirectories(p.getParent());
    Files.writeString(p, run);
    return p;
  }

  private List<String> tree() throws IOException {
    try (Stream<Path> s = Files.walk(out)) {
      return s.filter(Files::isRegularFile)
          .map(p -> out.relativize(p).toString())
          .sorted()
          .toList();
    }
  }

  private PartitionCommitter committer(String run) {
    return new PartitionCommitter(out, out.resolve("_staging").resolve(run), run);
  }

  @Test
  void shouldPublishTheSpanOfStagedDatesAndCleanUp() throws IOException {
    stage("r1", "events", "dt=2026-01-05", "a.parquet");
    stage("r1", "events", "dt=2026-01-07", "b.parquet");
    stage("r1", "dead_letters", "dt=unknown", "c.parquet");
    PartitionCommitter.Result r =
        committer("r1").commit(List.of("events", "dead_letters"), null, null);
    assertThat(r.from()).isEqualTo(LocalDate.of(2026, 1, 5));
    assertThat(r.to()).isEqualTo(LocalDate.of(2026, 1, 7));
    assertThat(tree())
        .containsExactly(
            "dead_letters/dt=2026-01-05/unknown-c.parquet",
            "events/dt=2026-01-05/a.parquet",
            "events/dt=2026-01-07/b.parquet");
    assertThat(r.files("events")).hasSize(2);
  }

  @Test
  void anEmptyRunWithoutARangeShouldPublishAndRemoveNothing() throws IOException {
    String today = "dt=" + LocalDate.now(java.time.ZoneOffset.UTC);
    stage("r1", "events", today, "kept.parquet");
    committer("r1").commit(List.of("events"), null, null);
    Files.createDirectories(out.resolve("_staging").resolve("r2").resolve("events"));
    PartitionCommitter.Result r = committer("r2").commit(List.of("events"), null, null);
    assertThat(r.from()).isNull();
    assertThat(r.to()).isNull();
    assertThat(r.files("events")).isEmpty();
    assertThat(tree()).containsExactly("events/" + today + "/kept.parquet");
  }

  @Test
  void shouldReplacePartitionsOfTheRangeAndRemoveThoseNoLongerProduced() throws IOException {
    stage("r1", "events", "dt=2026-01-05", "old1.parquet");
    stage("r1", "events", "dt=2026-01-06", "old2.parquet");
    stage("r1", "events", "dt=2026-01-09", "old3.parquet");
    committer("r1").commit(List.of("events"), null, null);
    stage("r2", "events", "dt=2026-01-05", "new1.parquet");
    committer("r2").commit(List.of("events"), LocalDate.of(2026, 1, 5), LocalDate.of(2026, 1, 6));
    assertThat(tree())
        .containsExactly("events/dt=2026-01-05/new1.parquet", "events/dt=2026-01-09/old3.parquet");
  }

  @Test
  void shouldDiscardStagedContextOutsideTheRangeAndFileUnknownsUnderFrom() throws IOException {
    stage("r1", "journeys", "dt=2025-12-01", "context.parquet");
    stage("r1", "journeys", "dt=2026-01-05", "in.parquet");
    stage("r1", "dead_letters", "dt=unknown", "u.parquet");
    PartitionCommitter.Result r =
        committer("r1")
            .commit(
                List.of("journeys", "dead_letters"),
                LocalDate.of(2026, 1, 4),
                LocalDate.of(2026, 1, 5));
    assertThat(r.from()).isEqualTo(LocalDate.of(2026, 1, 4));
    assertThat(tree())
        .containsExactly(
            "dead_letters/dt=2026-01-04/unknown-u.parquet", "journeys/dt=2026-01-05/in.parquet");
  }

  @Test
  void shouldLeaveOtherTablesAndRunsAlone() throws IOException {
    Files.createDirectories(out.resolve("_runs"));
    Files.writeString(out.resolve("_runs/x.json"), "{}");
    Path other = out.resolve("friction/dt=2026-01-05/f.parquet");
    Files.createDirectories(other.getParent());
    Files.writeString(other, "keep");
    stage("r1", "events", "dt=2026-01-05", "a.parquet");
    committer("r1").commit(List.of("events"), null, null);
    assertThat(tree())
        .containsExactly(
            "_runs/x.json", "events/dt=2026-01-05/a.parquet", "friction/dt=2026-01-05/f.parquet");
  }
}
