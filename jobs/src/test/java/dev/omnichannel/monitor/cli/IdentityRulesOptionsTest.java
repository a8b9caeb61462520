package dev.omnichannel.monitor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.flow.FlowConfig;
import dev.omnichannel.monitor.identity.NeverLinkRules;
import dev.omnichannel.monitor.identity.Pseudonymiser;
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code --identity-rules} with the flags it combines with: blocked values are the union of the
 * flag's (every namespace) and the file's (per namespace); a limit comes from {@code
 * --namespace-limit}, else the file, else the default; never_link pairs come from the file, with
 * email and phone pseudonymised by the run's key. No raw email reaches the job's configuration.
 */
class IdentityRulesOptionsTest {
  private static final byte[] KEY = "options-test-key-0123456789".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;

  private Path rules() throws Exception {
    return Files.writeString(
        dir.resolve("rules.yaml"),
        """
        blocked_values:
          device_id: [Shared-Kiosk-01]
        namespace_limits:
          device_id: 4
          cookie_id: 20
          crm_id: 2
        never_link:
          - ["email:alice@example.com", "email:bob@example.com"]
        """);
  }

  @Test
  void flagsAndFileCombine() throws Exception {
    PipelineOptions o =
        CommandLine.populateCommand(
            new PipelineOptions(),
            "--identity-rules",
            rules().toString(),
            "--namespace-limit",
            "device_id=7",
            "--blocked-identity-value",
            "kiosk-9");
    o.validate();
    FlowConfig c = o.backfillConfig(List.of(), dir.resolve("out"), null, null, 1, KEY, "run-1");
    Map<String, Integer> expected =
        new TreeMap<>(dev.omnichannel.monitor.identity.Namespaces.DEFAULT_LIMITS);
    expected.put("device_id", 7); // the flag wins over the file
    expected.put("cookie_id", 20); // the file wins over the default
    expected.put("crm_id", 2); // a namespace only the file limits
    assertThat(c.namespaceLimits()).isEqualTo(expected);
    assertThat(c.validation().extraBlockedValues()).containsExactly("kiosk-9");
    assertThat(c.validation().blockedByNamespace())
        .isEqualTo(Map.of("device_id", Set.of("shared-kiosk-01")));
    Pseudonymiser p = new Pseudonymiser(KEY);
    assertThat(c.neverLink())
        .isEqualTo(
            new NeverLinkRules(
                List.of(
                    NeverLinkRules.Pair.of(
                        "email:" + p.hmacHex("alice@example.com"),
                        "email:" + p.hmacHex("bob@example.com")))));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(c);
    }
    assertThat(bytes.toString(StandardCharsets.ISO_8859_1)).doesNotContain("alice", "bob@");
  }

  @Test
  void withoutTheFileNothingChanges() {
    PipelineOptions o = PipelineOptions.defaults();
    FlowConfig c = o.backfillConfig(List.of(), dir.resolve("out"), null, null, 1, KEY, "run-2");
    assertThat(c.neverLink().isEmpty()).isTrue();
    assertThat(c.validation().blockedByNamespace()).isEmpty();
    assertThat(c.namespaceLimits())
        .isEqualTo(new TreeMap<>(dev.omnichannel.monitor.identity.Namespaces.DEFAULT_LIMITS));
  }

  @Test
  void aBrokenFileIsOneLineNamingTheFlagTheFileAndTheFieldButNotTheValue() throws Exception {
    Path bad =
        Files.writeString(
            dir.resolve("bad.yaml"),
            "never_link:\n  - [\"email:alice@example.com\", \"bob@example.com\"]\n");
    CliTest.Run r =
        CliTest.run(
            "backfill",
            "--input",
            Files.writeString(dir.resolve("e.jsonl"), "{}\n").toString(),
            "--output",
            dir.resolve("out").toString(),
            "--identity-rules",
            bad.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().lines().toList())
        .containsExactly(
            "error: --identity-rules "
                + bad
                + ": never_link[0][1]: not an identity (expected namespace:value, e.g."
                + " email:alice@example.com)");
    assertThat(r.err()).doesNotContain("bob");
  }
}
