package dev.omnichannel.monitor.erase;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ErasureReceiptTest {
  @TempDir Path out;

  private static PartitionEraser.Result result(long removed, long redacted) {
    return new PartitionEraser.Result(
        Map.of("events", removed),
        Map.of("events", redacted),
        Map.of("events", removed + redacted > 0 ? 1L : 0L),
        Map.of("events", 0L),
        removed + redacted > 0 ? List.of("2026-03-01") : List.of());
  }

  @Test
  void aReceiptIsNeverOverwrittenARerunGetsTheNextNumber() throws Exception {
    ErasureReceipt first = new ErasureReceipt().counts(result(5, 1));
    first.requestId = "dsr-1";
    first.identities = Map.of("customer_id", 1, "email", 2);
    ErasureReceipt again = new ErasureReceipt().counts(result(0, 0));
    again.requestId = "dsr-1";
    Path a = first.write(out);
    Path b = again.write(out);
    Path c = again.write(out);
    assertThat(a).isEqualTo(out.resolve("_erasures/dsr-1.json"));
    assertThat(b).isEqualTo(out.resolve("_erasures/dsr-1-2.json"));
    assertThat(c).isEqualTo(out.resolve("_erasures/dsr-1-3.json"));
    ErasureReceipt read = ErasureReceipt.read(a);
    assertThat(read.status).isEqualTo(ErasureReceipt.ERASED);
    assertThat(read.rowsRemoved).containsEntry("events", 5L);
    assertThat(read.rowsRedacted).containsEntry("events", 1L);
    assertThat(read.identities).containsEntry("email", 2);
    assertThat(ErasureReceipt.read(b).status).isEqualTo(ErasureReceipt.NOTHING_TO_ERASE);
    assertThat(Files.readString(a)).contains("\"request_id\" : \"dsr-1\"", "\"rows_removed\"");
    try (var s = Files.list(out.resolve("_erasures"))) {
      assertThat(s.map(p -> p.getFileName().toString()).sorted().toList())
          .containsExactly("dsr-1-2.json", "dsr-1-3.json", "dsr-1.json");
    }
  }
}
