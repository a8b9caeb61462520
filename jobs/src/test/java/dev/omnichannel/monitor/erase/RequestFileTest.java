package dev.omnichannel.monitor.erase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RequestFileTest {
  @TempDir Path dir;

  @Test
  void readsOneRequestPerLineWithStringsOrArraysAndSkipsBlankLines() throws Exception {
    Path f =
        Files.writeString(
            dir.resolve("r.jsonl"),
            "{\"request_id\":\"dsr-1\",\"identity\":\"customer_id=C1\"}\n"
                + "\n"
                + "{\"identity\":[\"email=a@b.c\",\"cookie_id=k\"],\"person\":[\"p-0123456789abcdef\"]}\n"
                + "{\"person\":\"p-fedcba9876543210\"}\n");
    List<ErasureRequest.Draft> r = RequestFile.read(f);
    assertThat(r).hasSize(3);
    assertThat(r.get(0).requestId()).isEqualTo("dsr-1");
    assertThat(r.get(0).identities()).containsExactly("customer_id=C1");
    assertThat(r.get(1).requestId()).isNull();
    assertThat(r.get(1).identities()).containsExactly("email=a@b.c", "cookie_id=k");
    assertThat(r.get(1).persons()).containsExactly("p-0123456789abcdef");
    assertThat(r.get(1).where()).isEqualTo(f + " line 3");
    assertThat(r.get(2).persons()).containsExactly("p-fedcba9876543210");
  }

  @Test
  void aBadLineIsNamedByFileAndLine() throws Exception {
    String ok = "{\"identity\":\"customer_id=C1\"}\n";
    List<List<String>> cases =
        List.of(
            List.of("not json", "not a JSON object"),
            List.of("[1]", "not a JSON object"),
            List.of("{\"identity\":\"customer_id=C1\",\"why\":\"x\"}", "unknown field 'why'"),
            List.of("{\"request_id\":\"dsr-1\"}", "names no identity and no person"),
            List.of("{\"identity\":\"nothing\"}", "'nothing' is not NAMESPACE=VALUE"),
            List.of("{\"identity\":[1]}", "identity must hold strings"),
            List.of("{\"person\":{}}", "person must be a string or an array"),
            List.of("{\"person\":\"p-1\"}", "'p-1' is not a person id"),
            List.of("{\"request_id\":\"a/b\",\"person\":\"p-0123456789abcdef\"}", "'a/b'"),
            List.of("{\"request_id\":7,\"person\":\"p-0123456789abcdef\"}", "request_id must be"));
    for (List<String> c : cases) {
      Path f = Files.writeString(dir.resolve("bad.jsonl"), ok + c.get(0) + "\n");
      assertThatThrownBy(() -> RequestFile.read(f))
          .as(c.get(0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith(f + " line 2: ")
          .hasMessageContaining(c.get(1));
    }
    Path dup =
        Files.writeString(
            dir.resolve("dup.jsonl"),
            "{\"request_id\":\"r\",\"person\":\"p-0123456789abcdef\"}\n"
                + "{\"request_id\":\"r\",\"person\":\"p-0123456789abcdee\"}\n");
    assertThatThrownBy(() -> RequestFile.read(dup))
        .hasMessage(dup + " line 2: request_id 'r' is repeated");
    Path empty = Files.writeString(dir.resolve("empty.jsonl"), "\n\n");
    assertThatThrownBy(() -> RequestFile.read(empty)).hasMessage(empty + " holds no request");
  }
}
