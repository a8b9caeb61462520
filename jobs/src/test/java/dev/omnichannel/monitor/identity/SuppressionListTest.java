package dev.omnichannel.monitor.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SuppressionListTest {
  @TempDir Path dir;

  @Test
  void aMissingFileIsTheEmptyList() {
    SuppressionList l = SuppressionList.load(SuppressionList.defaultPath(dir));
    assertThat(l.isEmpty()).isTrue();
    assertThat(l.contains("customer_id:c-1")).isFalse();
  }

  @Test
  void addedIdentitiesAreSuppressedAndOnlyTheirHashesAreStored() throws Exception {
    Path f = SuppressionList.defaultPath(dir);
    assertThat(SuppressionList.add(f, List.of("customer_id:c-1", "cookie_id:k-9"))).isEqualTo(2);
    assertThat(SuppressionList.add(f, List.of("cookie_id:k-9", "device_id:d-3"))).isEqualTo(1);
    assertThat(SuppressionList.add(f, List.of("device_id:d-3"))).isZero();

    SuppressionList l = SuppressionList.load(f);
    assertThat(l.size()).isEqualTo(3);
    assertThat(l.contains("customer_id:c-1")).isTrue();
    assertThat(l.containsAny(new String[] {"email:ab", "device_id:d-3"})).isTrue();
    assertThat(l.containsAny(new String[] {"email:ab", "customer_id:c-2"})).isFalse();
    String text = Files.readString(f, StandardCharsets.UTF_8);
    assertThat(text).doesNotContain("c-1").doesNotContain("k-9").doesNotContain("d-3");
    // SHA-256("customer_id:c-1"), so any tool can check a list
    assertThat(SuppressionList.hash("customer_id:c-1"))
        .hasSize(64)
        .isEqualTo(SuppressionList.hash("customer_id:c-1"));
    assertThat(text).contains(SuppressionList.hash("customer_id:c-1"));
    assertThat(SuppressionList.of(List.of("customer_id:c-1")).contains("customer_id:c-1")).isTrue();
  }

  @Test
  void hashIsSha256HexOfTheKey() {
    assertThat(SuppressionList.hash("abc"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void aBadLineNamesTheFileAndLine() throws Exception {
    Path f = dir.resolve("list.txt");
    Files.writeString(f, "# header\n\ncustomer_id:c-1\n");
    assertThatThrownBy(() -> SuppressionList.load(f))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("list.txt line 3")
        .hasMessageContaining("'customer_id:c-1'");
  }

  @Test
  void aDeadLettersPayloadCarriesAListedIdentityOnlyAsAWholeToken() {
    SuppressionList l = SuppressionList.of(List.of("customer_id:c-81", "email:" + "ab".repeat(32)));
    assertThat(l.carriedBy("{\"identities\":[{\"namespace\":\"customer_id\",\"value\":\"c-81\"}"))
        .isTrue();
    assertThat(l.carriedBy("broken c-81;")).isTrue(); // the namespace need not be readable
    assertThat(l.carriedBy("hmac:" + "ab".repeat(32) + " garbage")).isTrue();
    assertThat(l.carriedBy("{\"value\":\"c-812\"}")).isFalse();
    assertThat(l.carriedBy("xc-81")).isFalse();
    assertThat(l.carriedBy("device c-8")).isFalse();
    assertThat(SuppressionList.EMPTY.carriedBy("c-81")).isFalse();
    assertThat(l.carriedBy("")).isFalse();
  }
}
