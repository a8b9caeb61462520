package dev.omnichannel.monitor.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.connector.file.sink.FileSinkCommittable;
import org.apache.flink.streaming.api.functions.sink.filesystem.InProgressFileWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The check a table's commit makes before publishing a part file: a file whose folder is gone fails
 * the commit, naming the table, the folder and the file, where Flink's local file system would skip
 * it without a word.
 */
class TableFileSinkTest {
  @TempDir Path dir;

  /** A committable that publishes {@code target} (as the file sink's committables do). */
  private static FileSinkCommittable publishing(Path target) {
    return new FileSinkCommittable("dt=2026-01-05", new Pending(target));
  }

  /** The pending file of a committable: where it is to be published, and its size. */
  private record Pending(Path target) implements InProgressFileWriter.PendingFileRecoverable {
    @Override
    public org.apache.flink.core.fs.Path getPath() {
      return org.apache.flink.core.fs.Path.fromLocalFile(target.toFile());
    }

    @Override
    public long getSize() {
      return 42;
    }
  }

  @Test
  void aFileWhoseFolderIsGoneShouldFailTheCommitNamingTableFolderAndFile() {
    Path folder = dir.resolve("journeys").resolve("dt=2026-01-05");
    Path target = folder.resolve("part-1-0.parquet");
    assertThatThrownBy(() -> TableFileSink.checkFolder("journeys", publishing(target)))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("cannot commit table journeys: the folder " + folder + " is gone")
        .hasMessageContaining("part-1-0.parquet")
        .hasMessageContaining("restarts from its last checkpoint");
  }

  @Test
  void aFileWhoseOutputIsNowAFileShouldFailTheCommit() throws Exception {
    Path out = dir.resolve("out");
    Files.writeString(out, "not a directory\n");
    Path target = out.resolve("events").resolve("dt=2026-01-05").resolve("part-1-0.parquet");
    assertThatThrownBy(() -> TableFileSink.checkFolder("events", publishing(target)))
        .hasMessageStartingWith("cannot commit table events: the folder ")
        .hasMessageContaining(out.resolve("events").resolve("dt=2026-01-05").toString());
  }

  @Test
  void aFileToPublishIntoAnExistingFolderShouldPass() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("friction").resolve("dt=2026-01-05"));
    assertThatCode(
            () ->
                TableFileSink.checkFolder("friction", publishing(folder.resolve("part-0.parquet"))))
        .doesNotThrowAnyException();
  }

  @Test
  void aFilePublishedBeforeARestartShouldPass() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("friction").resolve("dt=2026-01-05"));
    Path target = Files.writeString(folder.resolve("part-0.parquet"), "published");
    assertThatCode(() -> TableFileSink.checkFolder("friction", publishing(target)))
        .doesNotThrowAnyException();
    assertThat(target).exists();
  }
}
