package dev.omnichannel.monitor.erase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.omnichannel.monitor.identity.IdentityKey;
import dev.omnichannel.monitor.identity.Pseudonymiser;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ErasureRequestTest {
  private final Pseudonymiser key =
      new Pseudonymiser("erase-test-key-0123456789".getBytes(StandardCharsets.UTF_8));

  @Test
  void emailAndPhoneArePseudonymisedAsAtIngestionOtherNamespacesKeptAsGiven() {
    ErasureRequest r =
        new ErasureRequest.Draft(
                null,
                List.of("p-0123456789abcdef"),
                List.of(" Email = Ann@Example.COM ", "phone=+1 (555) 010-0199", "cookie_id=Ck-1"),
                "test")
            .resolve(key);
    assertThat(r.identities())
        .containsExactly(
            new IdentityKey("email", key.hmacHex("ann@example.com")),
            new IdentityKey("phone", key.hmacHex("+15550100199")),
            new IdentityKey("cookie_id", "Ck-1"));
    assertThat(r.persons()).containsExactly("p-0123456789abcdef");
  }

  @Test
  void theDerivedIdDependsOnlyOnTheSortedTargets() {
    ErasureRequest a =
        new ErasureRequest.Draft(null, List.of(), List.of("customer_id=C1", "cookie_id=x"), "a")
            .resolve(null);
    ErasureRequest b =
        new ErasureRequest.Draft(null, List.of(), List.of("cookie_id=x", "customer_id=C1"), "b")
            .resolve(null);
    ErasureRequest c =
        new ErasureRequest.Draft(null, List.of(), List.of("customer_id=C2"), "c").resolve(null);
    assertThat(a.requestId()).matches("erase-[0-9a-f]{16}").isEqualTo(b.requestId());
    assertThat(c.requestId()).isNotEqualTo(a.requestId());
    assertThat(ErasureRequest.derivedId(new TreeSet<>(), a.identities())).isEqualTo(a.requestId());
    assertThat(
            new ErasureRequest.Draft("dsr-7", List.of(), List.of("customer_id=C1"), "d")
                .resolve(null)
                .requestId())
        .isEqualTo("dsr-7");
  }

  @Test
  void onlyEmailAndPhoneNeedTheKey() {
    assertThat(new ErasureRequest.Draft(null, List.of(), List.of("customer_id=1"), "").needsKey())
        .isFalse();
    assertThat(new ErasureRequest.Draft(null, List.of(), List.of("EMAIL=a@b.c"), "").needsKey())
        .isTrue();
    assertThat(new ErasureRequest.Draft(null, List.of(), List.of("phone=+1 2"), "").needsKey())
        .isTrue();
  }

  @Test
  void badIdentitiesPersonsAndRequestIdsAreRefusedNamingTheValue() {
    for (String bad :
        List.of("novalue", "=x", ":a=1", "email=", "customer_id=unknown", "phone=x")) {
      assertThatThrownBy(() -> ErasureRequest.checkIdentity(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + bad + "'");
    }
    for (String bad : List.of("p-123", "P-0123456789ABCDEF", "x", "p-0123456789abcdefa")) {
      assertThatThrownBy(() -> ErasureRequest.checkPerson(bad))
          .hasMessageContaining("'" + bad + "'");
    }
    for (String bad : List.of("a/b", "..", "-a", "", "x".repeat(129))) {
      assertThatThrownBy(() -> ErasureRequest.checkRequestId(bad))
          .hasMessageContaining("'" + bad + "'");
    }
    ErasureRequest.checkRequestId("dsr-2026.01_x");
    ErasureRequest.checkPerson("p-0123456789abcdef");
    ErasureRequest.checkIdentity("device_id=tab-1");
  }
}
