package dev.omnichannel.monitor.cli;

import dev.omnichannel.monitor.explain.Explanation;
import dev.omnichannel.monitor.explain.IdentityEvidence;
import dev.omnichannel.monitor.identity.IdentityKey;
import dev.omnichannel.monitor.identity.IdentitySpec;
import dev.omnichannel.monitor.identity.PersonIds;
import dev.omnichannel.monitor.identity.Pseudonymiser;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code explain}: why a person's identities are one person, from the Parquet output alone ({@link
 * IdentityEvidence}, {@link Explanation}). Exit 0 with the explanation, 1 when the output does not
 * know the person or identity.
 */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Explains a person from the Parquet output alone: its identities (email and phone"
          + " pseudonymised), the link (event, time, identity) that joined each, the links that"
          + " a guard rejected and why, and a summary of its profile.",
      "Give --person, or --identity NAMESPACE=VALUE with the raw value: email and phone are"
          + " pseudonymised with the HMAC key (OMNI_HMAC_KEY or --hmac-key-file) before the"
          + " lookup. Exit 1 when the output has no such person or identity."
    })
public class ExplainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--output",
      converter = LocalPathConverter.class,
      paramLabel = "DIR",
      required = true,
      description = "The output directory of backfill or stream runs.")
  Path output;

  @ArgGroup(multiplicity = "1")
  Target target;

  /** Exactly one of --person and --identity. */
  static class Target {
    @Option(
        names = "--person",
        paramLabel = "P",
        description = "The person id, as in the tables (p- and 16 hex characters).")
    String person;

    @Option(
        names = "--identity",
        paramLabel = "NAMESPACE=VALUE",
        description =
            "An identity with its raw value, e.g. email=ann@example.com or device_id=d-42.")
    String identity;
  }

  @Option(
      names = "--format",
      paramLabel = "text|json",
      description = "text (default): one screen for people; json: the same content for tools.")
  String format = "text";

  @Option(
      names = "--hmac-key-file",
      converter = LocalPathConverter.class,
      paramLabel = "FILE",
      description =
          "File holding the HMAC key, for an email or phone --identity (default: the environment"
              + " variable OMNI_HMAC_KEY).")
  Path hmacKeyFile;

  @Override
  public Integer call() throws Exception {
    if (!format.equals("text") && !format.equals("json")) {
      throw new UserException("--format " + Numbers.quote(format) + " is not text or json");
    }
    ExpireCommand.checkHoldsOutput(output);
    if (hmacKeyFile != null) {
      PathChecks.inputFile("--hmac-key-file", hmacKeyFile);
    }
    String person;
    String query;
    IdentityEvidence evidence;
    if (target.person != null) {
      if (!PersonIds.isPersonId(target.person)) {
        throw new UserException(
            "--person "
                + Numbers.quote(target.person)
                + " is not a person id (p- and 16 hex characters)");
      }
      evidence = IdentityEvidence.load(output);
      person = evidence.finalPerson(target.person);
      query =
          person.equals(target.person)
              ? "person " + person
              : "person " + target.person + ", merged into " + person;
    } else {
      IdentityKey key = identity(target.identity, hmacKeyFile);
      evidence = IdentityEvidence.load(output);
      Optional<String> found = evidence.personOf(key);
      query = "identity " + key;
      if (found.isEmpty()) {
        return notFound(query);
      }
      person = found.get();
    }
    Optional<Explanation> e = Explanation.of(evidence, person, query);
    if (e.isEmpty()) {
      return notFound(query);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(format.equals("json") ? e.get().toJson() + "\n" : e.get().toText());
    out.flush();
    return 0;
  }

  private int notFound(String query) {
    PrintWriter err = spec.commandLine().getErr();
    err.println("explain: the output " + output + " has no " + query);
    err.flush();
    return 1;
  }

  /**
   * Parses {@code NAMESPACE=VALUE} into the identity key the output holds ({@link IdentitySpec}):
   * email and phone values pseudonymised with the HMAC key, as ingestion does.
   */
  static IdentityKey identity(String text, Path hmacKeyFile) {
    try {
      IdentitySpec.check(text);
    } catch (IllegalArgumentException e) {
      throw new UserException("--identity " + e.getMessage());
    }
    Pseudonymiser p =
        IdentitySpec.needsKey(text)
            ? new Pseudonymiser(HmacKeys.resolve(hmacKeyFile, System.getenv()))
            : null;
    return IdentitySpec.parse(text, p);
  }
}
