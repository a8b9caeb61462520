package dev.omnichannel.monitor.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FingerprintsTest {
  @Test
  void topBitsAreTheNamespaceRank() {
    List<String> order =
        List.of(
            "customer_id:C1",
            "loyalty_id:L",
            "email:e",
            "phone:p",
            "social_id:s",
            "device_id:d",
            "cookie_id:c",
            "acme_id:a");
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < order.size(); i++) {
      long fp = Fingerprints.of(order.get(i));
      assertThat(Fingerprints.rank(fp)).as(order.get(i)).isEqualTo(i);
      ids.add(fp);
    }
    // unsigned order follows the namespace priority, whatever the hash
    for (int i = 1; i < ids.size(); i++) {
      assertThat(Fingerprints.compare(ids.get(i - 1), ids.get(i))).isNegative();
    }
    assertThat(Fingerprints.rank(Fingerprints.of("zz_other:x"))).isEqualTo(7);
  }

  @Test
  void deterministicAndSpreadOverTheHashBits() {
    assertThat(Fingerprints.of("cookie_id:ck_1")).isEqualTo(Fingerprints.of("cookie_id:ck_1"));
    Set<Long> seen = new HashSet<>();
    Set<Long> lowBytes = new HashSet<>();
    for (int i = 0; i < 200_000; i++) {
      long fp = Fingerprints.of("cookie_id:ck_" + i);
      assertThat(seen.add(fp)).as("no collision among 200k similar keys").isTrue();
      lowBytes.add(fp & 0xFF);
    }
    assertThat(lowBytes).hasSize(256);
  }
}
