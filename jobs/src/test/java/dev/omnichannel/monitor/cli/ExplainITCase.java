package dev.omnichannel.monitor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnichannel.monitor.generate.Generator;
import dev.omnichannel.monitor.generate.GeneratorConfig;
import dev.omnichannel.monitor.identity.IdentityKey;
import dev.omnichannel.monitor.identity.PersonIds;
import dev.omnichannel.monitor.identity.Pseudonymiser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code explain} over real backfill output, checked exactly. A planted data set: Ann uses a phone,
 * a laptop and a tablet, with an email and a cookie; Bob logs in once on Ann's tablet, so the
 * customer_id limit rejects that link. The whole text of {@code explain} is compared, and its JSON.
 * Then a generated data set: for every shared device the generator planted, explaining the other
 * customer names each rejected link and the customer_id limit; for a true person with several
 * devices, {@code explain} lists exactly its identities, each with an event of the input that
 * carries that identity and the one it was linked through.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExplainITCase {
  private static final String KEY = "explain-itcase-hmac-key-0123456789";
  private static final Pseudonymiser P = new Pseudonymiser(KEY.getBytes(StandardCharsets.UTF_8));
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String EMAIL = P.hmacHex("ann@example.com");
  private static final String P_ANN = pid("customer_id:c-ann");
  private static final String P_BOB = pid("customer_id:c-bob");

  private Path key;
  private Path planted;
  private Path generated;
  private Path generatedInput;

  private static String pid(String key) {
    return PersonIds.personId(IdentityKey.parse(key));
  }

  private static String event(String id, String time, String ids) {
    return "{\"event_id\":\""
        + id
        + "\",\"event_time\":\""
        + time
        + "\",\"channel\":\"WEB\",\"event_type\":\"PAGE_VIEW\",\"identities\":["
        + ids
        + "]}\n";
  }

  private static String id(String ns, String value) {
    return "{\"namespace\":\"" + ns + "\",\"value\":\"" + value + "\"}";
  }

  @BeforeAll
  void backfills(@TempDir Path dir) throws Exception {
    key = Files.writeString(dir.resolve("hmac.key"), KEY + "\n");
    Path input = dir.resolve("events.jsonl");
    Files.writeString(
        input,
        event(
                "a1",
                "2026-01-05T10:00:00Z",
                id("customer_id", "c-ann")
                    + ","
                    + id("email", " Ann@Example.com")
                    + ","
                    + id("device_id", "phone-ann"))
            + event(
                "a2",
                "2026-01-05T11:00:00Z",
                id("device_id", "phone-ann") + "," + id("cookie_id", "ck-1"))
            + event(
                "a3",
                "2026-01-06T09:00:00Z",
                id("customer_id", "c-ann") + "," + id("device_id", "laptop-ann"))
            + event(
                "a4",
                "2026-01-06T12:00:00Z",
                id("customer_id", "c-ann") + "," + id("device_id", "tablet-1"))
            + event(
                "b1",
                "2026-01-07T09:00:00Z",
                id("customer_id", "c-bob") + "," + id("device_id", "tablet-1")));
    planted = dir.resolve("planted");
    backfill(input.toString(), planted.toString());

    generatedInput = dir.resolve("generated-input");
    GeneratorConfig d = GeneratorConfig.defaults();
    Generator.generate(
        new GeneratorConfig(
            150, 45, 23L, d.start(), GeneratorConfig.Format.JSONL, false, 0.0, true, 0),
        generatedInput);
    generated = dir.resolve("generated");
    backfill(generatedInput.resolve("events").toString(), generated.toString());
  }

  private void backfill(String input, String output) {
    assertThat(
            Main.execute(
                "backfill",
                "--input",
                input,
                "--output",
                output,
                "--parallelism",
                "2",
                "--hmac-key-file",
                key.toString()))
        .isZero();
  }

  private CliTest.Run explain(Path output, String... args) {
    List<String> a = new ArrayList<>(List.of("explain", "--output", output.toString()));
    a.addAll(List.of(args));
    a.addAll(List.of("--hmac-key-file", key.toString()));
    return CliTest.run(a.toArray(String[]::new));
  }

  @Test
  void theMultiDeviceCustomerIsExplainedExactly() {
    CliTest.Run r = explain(planted, "--identity", "email=ANN@example.com ");
    assertThat(r.err()).isEmpty();
    assertThat(r.code()).isZero();
    String email = "email:" + EMAIL;
    String expected =
        ("Person P_ANN  (identity EMAIL)\n"
                + "  canonical identity   customer_id:c-ann\n"
                + "  identities           6: customer_id 1, email 1, device_id 3, cookie_id 1\n"
                + "\n"
                + "Identities, each with the first link that joined it\n"
                + "  customer_id:c-ann  canonical; event a1 at 2026-01-05T10:00:00Z, linked to"
                + " EMAIL\n"
                + "  EMAIL  event a1 at 2026-01-05T10:00:00Z, linked to customer_id:c-ann\n"
                + "  device_id:laptop-ann  event a3 at 2026-01-06T09:00:00Z, linked to"
                + " customer_id:c-ann\n"
                + "  device_id:phone-ann  event a1 at 2026-01-05T10:00:00Z, linked to"
                + " customer_id:c-ann\n"
                + "  device_id:tablet-1  event a4 at 2026-01-06T12:00:00Z, linked to"
                + " customer_id:c-ann\n"
                + "  cookie_id:ck-1  event a2 at 2026-01-05T11:00:00Z, linked to"
                + " device_id:phone-ann\n"
                + "\n"
                + "Links that merged persons, in order (5)\n"
                + "  2026-01-05T10:00:00Z  a1  customer_id:c-ann x EMAIL  P_EMAIL -> P_ANN\n"
                + "  2026-01-05T10:00:00Z  a1  customer_id:c-ann x device_id:phone-ann  P_PHONE"
                + " -> P_ANN\n"
                + "  2026-01-05T11:00:00Z  a2  device_id:phone-ann x cookie_id:ck-1  P_COOKIE ->"
                + " P_ANN\n"
                + "  2026-01-06T09:00:00Z  a3  customer_id:c-ann x device_id:laptop-ann"
                + "  P_LAPTOP -> P_ANN\n"
                + "  2026-01-06T12:00:00Z  a4  customer_id:c-ann x device_id:tablet-1  P_TABLET"
                + " -> P_ANN\n"
                + "\n"
                + "Rejected links (1)\n"
                + "  2026-01-07T09:00:00Z  b1  customer_id:c-bob x device_id:tablet-1\n"
                + "    refused by the namespace limit of customer_id (the merged person would"
                + " hold more customer_id identities than its limit)\n"
                + "    device_id:tablet-1 stays in P_ANN\n"
                + "\n"
                + "Profile (persons, as of 2026-01-07T09:00:00Z)\n"
                + "  seen                 2026-01-05T10:00:00Z .. 2026-01-06T12:00:00Z\n"
                + "  events               4 {WEB=4}, preferred WEB\n"
                + "  journeys             1: converted 0, abandoned 0, truncated 0, open 1; last"
                + " OPEN\n"
                + "  lifetime value       0.00\n"
                + "  friction             0 {}, open in the last 7 days 0\n"
                + "  sentiment            mean none, latest none\n"
                + "  rejected links       0\n")
            .replace("P_EMAIL", pid(email))
            .replace("P_PHONE", pid("device_id:phone-ann"))
            .replace("P_COOKIE", pid("cookie_id:ck-1"))
            .replace("P_LAPTOP", pid("device_id:laptop-ann"))
            .replace("P_TABLET", pid("device_id:tablet-1"))
            .replace("P_ANN", P_ANN)
            .replace("EMAIL", email);
    assertThat(r.out()).isEqualTo(expected);
    // the same person by id, and by any of its identities
    assertThat(explain(planted, "--person", P_ANN).out())
        .isEqualTo(expected.replace("(identity " + email + ")", "(person " + P_ANN + ")"));
    assertThat(explain(planted, "--identity", "cookie_id=ck-1").out())
        .isEqualTo(expected.replace("(identity " + email + ")", "(identity cookie_id:ck-1)"));
  }

  @Test
  void theSharedDeviceNamesTheRejectedLinkAndTheLimit() throws Exception {
    CliTest.Run r = explain(planted, "--identity", "customer_id=c-bob", "--format", "json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode j = JSON.readTree(r.out());
    assertThat(j.get("person_id").asText()).isEqualTo(P_BOB);
    assertThat(j.get("identities").toString())
        .isEqualTo("[{\"identity\":\"customer_id:c-bob\",\"canonical\":true}]");
    assertThat(j.get("links").size()).isZero();
    assertThat(j.get("rejected_links").toString())
        .isEqualTo(
            ("[{\"event_id\":\"b1\",\"event_time\":\"2026-01-07T09:00:00Z\","
                    + "\"primary_identity\":\"customer_id:c-bob\","
                    + "\"other_identity\":\"device_id:tablet-1\",\"guard\":\"namespace_limit\","
                    + "\"limit_namespace\":\"customer_id\",\"reason\":\"namespace_limit:customer_id"
                    + " (customer_id:c-bob x device_id:tablet-1)\",\"event_person_id\":\"P_BOB\","
                    + "\"other_person_id\":\"P_ANN\"}]")
                .replace("P_BOB", P_BOB)
                .replace("P_ANN", P_ANN));
    assertThat(j.get("profile").get("events").asInt()).isEqualTo(1);
    assertThat(j.get("profile").get("rejected_links").asInt()).isEqualTo(1);
    // the text names the limit too
    String text = explain(planted, "--identity", "customer_id=c-bob").out();
    assertThat(text)
        .contains(
            "b1  customer_id:c-bob x device_id:tablet-1\n"
                + "    refused by the namespace limit of customer_id",
            "device_id:tablet-1 stays in " + P_ANN,
            "customer_id:c-bob  canonical; the only identity");
  }

  @Test
  void anUnknownIdentityOrPersonExitsOneAndNamesIt() {
    CliTest.Run r = explain(planted, "--identity", "customer_id=c-nobody");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().strip())
        .isEqualTo("explain: the output " + planted + " has no identity customer_id:c-nobody");
    CliTest.Run p = explain(planted, "--person", "p-0000000000000000");
    assertThat(p.code()).isEqualTo(1);
    assertThat(p.err()).contains("has no person p-0000000000000000");
  }

  @Test
  void generatedSharedDevicesAndMultiDeviceCustomersAreExplained() throws Exception {
    JsonNode truth = JSON.readTree(generatedInput.resolve("ground-truth.json").toFile());
    JsonNode devices = truth.get("shared_devices");
    assertThat(devices.size()).isPositive();
    java.util.Map<String, JsonNode> persons = new java.util.HashMap<>();
    for (JsonNode p : truth.get("persons")) {
      persons.put(p.get("person").asText(), p);
    }
    for (JsonNode d : devices) {
      String device = d.get("namespace").asText() + ":" + d.get("value").asText();
      String other = personId(persons.get(d.get("other").asText()));
      String owner = personId(persons.get(d.get("owner").asText()));
      JsonNode j = JSON.readTree(explain(generated, "--person", other, "--format", "json").out());
      Set<String> rejectedEvents = new TreeSet<>();
      for (JsonNode r : j.get("rejected_links")) {
        if (r.get("other_identity").asText().equals(device)) {
          assertThat(r.get("guard").asText()).isEqualTo("namespace_limit");
          assertThat(r.get("limit_namespace").asText()).isEqualTo("customer_id");
          assertThat(r.get("event_person_id").asText()).isEqualTo(other);
          assertThat(r.get("other_person_id").asText()).isEqualTo(owner);
          rejectedEvents.add(r.get("event_id").asText());
        }
      }
      Set<String> expected = new TreeSet<>();
      d.get("rejected_event_ids").forEach(e -> expected.add(e.asText()));
      assertThat(rejectedEvents).as("rejected links of %s", device).isEqualTo(expected);
    }

    // a customer with the most devices: every identity, each with a linking event of the input
    JsonNode multi = null;
    for (JsonNode p : truth.get("persons")) {
      if (devices(p) > (multi == null ? 1 : devices(multi))) {
        multi = p;
      }
    }
    assertThat(multi).isNotNull();
    Set<String> trueIds = new TreeSet<>();
    for (JsonNode i : multi.get("identities")) {
      String ns = i.get("namespace").asText();
      trueIds.add(ns + ":" + P.apply(ns, i.get("value").asText()));
    }
    JsonNode j =
        JSON.readTree(explain(generated, "--person", personId(multi), "--format", "json").out());
    // a shared device belongs to the customer who used it first (ground truth lists it apart)
    for (JsonNode d : devices) {
      if (d.get("owner").asText().equals(multi.get("person").asText())) {
        trueIds.add(d.get("namespace").asText() + ":" + d.get("value").asText());
      }
    }
    // every input event's identities, as the output holds them
    java.util.Map<String, Set<String>> carried = new java.util.HashMap<>();
    try (var files = Files.walk(generatedInput.resolve("events"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        for (String line : Files.readAllLines(f)) {
          JsonNode e = JSON.readTree(line);
          Set<String> ids =
              carried.computeIfAbsent(e.get("event_id").asText(), k -> new TreeSet<>());
          for (JsonNode i : e.get("identities")) {
            String ns = i.get("namespace").asText();
            ids.add(ns + ":" + P.apply(ns, i.get("value").asText()));
          }
        }
      }
    }
    Set<String> explained = new TreeSet<>();
    for (JsonNode i : j.get("identities")) {
      String identity = i.get("identity").asText();
      explained.add(identity);
      assertThat(i.get("event_id")).as("%s has a linking event", identity).isNotNull();
      assertThat(carried.get(i.get("event_id").asText()))
          .as("the linking event of %s carries it and the identity it was linked through", identity)
          .contains(identity, i.get("linked_through").asText());
    }
    assertThat(explained).isEqualTo(trueIds);
    assertThat(j.get("links").size()).isEqualTo(trueIds.size() - 1);
  }

  private static long devices(JsonNode person) {
    long n = 0;
    for (JsonNode i : person.get("identities")) {
      n += i.get("namespace").asText().equals("device_id") ? 1 : 0;
    }
    return n;
  }

  /** The output's person id of a true person: that of its highest-priority identity. */
  private static String personId(JsonNode person) {
    IdentityKey best = null;
    for (JsonNode i : person.get("identities")) {
      String ns = i.get("namespace").asText();
      IdentityKey k = new IdentityKey(ns, P.apply(ns, i.get("value").asText()));
      if (best == null || k.compareTo(best) < 0) {
        best = k;
      }
    }
    return PersonIds.personId(best);
  }
}
