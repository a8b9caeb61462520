package dev.omnichannel.monitor.cli;

import dev.omnichannel.monitor.erase.ErasureReceipt;
import dev.omnichannel.monitor.erase.ErasureRequest;
import dev.omnichannel.monitor.erase.ErasureTargets;
import dev.omnichannel.monitor.erase.PartitionEraser;
import dev.omnichannel.monitor.erase.RequestFile;
import dev.omnichannel.monitor.erase.RowEraser;
import dev.omnichannel.monitor.explain.IdentityEvidence;
import dev.omnichannel.monitor.flow.RunSummary;
import dev.omnichannel.monitor.flow.Table;
import dev.omnichannel.monitor.identity.Pseudonymiser;
import dev.omnichannel.monitor.identity.SuppressionList;
import dev.omnichannel.monitor.io.OutputClaims;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code erase}: the right to be forgotten. Removes every row of the persons a request names from
 * every table and partition of an output directory ({@link PartitionEraser}), takes their
 * identities out of other persons' rows, adds those identities to the suppression list ({@link
 * SuppressionList}), and writes a receipt per request ({@link ErasureReceipt}) and a run summary
 * with mode {@code erase}. It holds the days it rewrites as a backfill would ({@link
 * OutputClaims}): every day, or, while a stream job runs on the output, the days before the first
 * one that job may still write. Those later days are left for a later run (receipt {@code PENDING},
 * exit {@link #EXIT_PENDING}); the identities are suppressed first, so the running job, which reads
 * the list as it changes, writes nothing more of them.
 */
@Command(
    name = "erase",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Right to be forgotten: removes every row of the persons named (by an identity, a person id"
          + " or a file of requests) from every table and partition under --output, each"
          + " partition replaced atomically; takes their identities out of other persons' rows;"
          + " adds them (hashed) to _erasures/suppressed-identities.txt so later runs drop them;"
          + " writes a receipt _erasures/<request_id>.json without any identity value, and"
          + " _runs/<run_id>.json with mode erase.",
      "Idempotent: the same request again removes nothing and changes no table file. Refused"
          + " (exit 4) while a backfill holds the output. While a stream job runs on it, the"
          + " days that job may still write are left (exit 5, receipt PENDING): the job drops the"
          + " suppressed identities from then on; run erase again once it has moved past them."
    })
public class EraseCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--output",
      converter = LocalPathConverter.class,
      paramLabel = "DIR",
      required = true,
      description = "The output directory of backfill or stream runs.")
  Path output;

  @Option(
      names = "--identity",
      paramLabel = "NAMESPACE=VALUE",
      converter = IdentitySpec.class,
      description =
          "An identity of the person to erase, raw (email and phone are pseudonymised with the HMAC"
              + " key, as at ingestion), e.g. customer_id=C-1042 or email=ann@example.com."
              + " Repeatable.")
  List<String> identities = new ArrayList<>();

  @Option(
      names = "--person",
      paramLabel = "PERSON_ID",
      converter = PersonId.class,
      description = "A person id to erase, as in the tables (p-<16 hex>). Repeatable.")
  List<String> persons = new ArrayList<>();

  @Option(
      names = "--requests",
      converter = LocalPathConverter.class,
      paramLabel = "FILE",
      description =
          "A JSON Lines file of requests, one per line: {\"request_id\":\"dsr-1\",\"identity\":"
              + " [\"customer_id=C-1\"],\"person\":\"p-...\"}; each gets its own receipt. Not with"
              + " --identity, --person or --request-id.")
  Path requests;

  @Option(
      names = "--request-id",
      paramLabel = "ID",
      converter = RequestId.class,
      description =
          "The id of the request given by --identity/--person, naming its receipt (default:"
              + " erase- and 16 hex of SHA-256 over the sorted targets).")
  String requestId;

  @Option(
      names = "--hmac-key-file",
      converter = LocalPathConverter.class,
      paramLabel = "FILE",
      description =
          "File holding the HMAC key for pseudonymising email and phone identities (default: the"
              + " environment variable "
              + HmacKeys.ENV
              + "). Needed only for email or phone identities.")
  Path hmacKeyFile;

  @Option(
      names = "--dry-run",
      arity = "0",
      description = "Print what would be removed; change nothing and write no receipt.")
  boolean dryRun;

  /** The environment the HMAC key may come from. */
  Map<String, String> env = System.getenv();

  @Override
  public Integer call() throws Exception {
    List<ErasureRequest.Draft> drafts = validate();
    Pseudonymiser pseudonymiser = null;
    if (drafts.stream().anyMatch(ErasureRequest.Draft::needsKey)) {
      pseudonymiser = new Pseudonymiser(HmacKeys.resolve(hmacKeyFile, env));
    }
    List<ErasureRequest> requests = new ArrayList<>();
    for (ErasureRequest.Draft d : drafts) {
      requests.add(d.resolve(pseudonymiser));
    }
    String runId = RunIds.next("erase");
    PrintWriter out = spec.commandLine().getOut();
    Path suppression = SuppressionList.defaultPath(output);
    if (dryRun) {
      IdentityEvidence evidence = IdentityEvidence.load(output);
      List<ErasureTargets> targets = new ArrayList<>();
      for (ErasureRequest r : requests) {
        targets.add(ErasureTargets.resolve(r, evidence));
      }
      List<PartitionEraser.Result> plans =
          new PartitionEraser(output, runId).plan(targets, (LocalDate) null);
      for (int i = 0; i < requests.size(); i++) {
        print(requests.get(i), targets.get(i), plans.get(i), "would remove", out);
      }
      out.println("  (dry run: nothing removed, nothing suppressed, no receipt written)");
      out.flush();
      return 0;
    }
    Instant started = Instant.now();
    // The days a running stream job may still write are left for a later run (PENDING); the
    // identities are suppressed first, so that job drops them from then on.
    Optional<LocalDate> held = OutputClaims.streamWritesFrom(output, started);
    boolean noDayFree = held.isPresent() && held.get().equals(LocalDate.MIN);
    LocalDate through = held.isPresent() && !noDayFree ? held.get().minusDays(1) : null;
    boolean anyPending = false;
    // Refused (exit 4) while a backfill holds any of those days: nothing changed then.
    try (OutputClaims.Claim claim =
        noDayFree ? null : OutputClaims.claimBackfill(output, runId, null, through, started)) {
      IdentityEvidence evidence = IdentityEvidence.load(output);
      RunSummary.Erased total = new RunSummary.Erased();
      total.requests = new ArrayList<>();
      total.receipts = new ArrayList<>();
      total.rowsRemoved = zeros();
      total.rowsRedacted = zeros();
      total.partitionsRewritten = zeros();
      total.partitionsRemoved = zeros();
      List<Path> receipts = new ArrayList<>();
      // Suppressed first; then one read of the output erases every request.
      List<ErasureTargets> targets = new ArrayList<>();
      int[] addedBy = new int[requests.size()];
      for (int i = 0; i < requests.size(); i++) {
        ErasureTargets t = ErasureTargets.resolve(requests.get(i), evidence);
        targets.add(t);
        addedBy[i] = SuppressionList.add(suppression, t.identityKeys());
      }
      PartitionEraser eraser = new PartitionEraser(output, runId);
      List<PartitionEraser.Result> results =
          noDayFree ? eraser.plan(targets, LocalDate.MAX) : eraser.erase(targets, through);
      List<PartitionEraser.Result> left =
          held.isPresent() ? eraser.plan(targets, held.get()) : null;
      for (int i = 0; i < requests.size(); i++) {
        ErasureRequest r = requests.get(i);
        ErasureTargets t = targets.get(i);
        PartitionEraser.Result result = results.get(i);
        int added = addedBy[i];
        ErasureReceipt receipt = new ErasureReceipt().counts(result);
        if (left != null) {
          receipt.pending(held.get().toString(), left.get(i));
          anyPending |= ErasureReceipt.PENDING.equals(receipt.status);
        }
        receipt.requestId = r.requestId();
        receipt.runId = runId;
        receipt.erasedAt = Instant.now().toString();
        receipt.persons = List.copyOf(t.persons());
        receipt.personIds = List.copyOf(t.personIds());
        receipt.identities = t.identitiesPerNamespace();
        receipt.unknownIdentities = t.unknownIdentities();
        receipt.unknownPersons = t.unknownPersons();
        receipt.suppressedIdentitiesAdded = added;
        receipt.suppressionListSize = SuppressionList.load(suppression).size();
        Path file = receipt.write(output);
        receipts.add(file);
        print(r, t, result, "removed", out);
        out.printf(
            "  %-18s %s added (list now %,d)%n",
            "suppressed", count(added, "identity", "identities"), receipt.suppressionListSize);
        if (ErasureReceipt.PENDING.equals(receipt.status)) {
          out.printf(
              "  %-18s %s in the days from %s on, which a running stream job may still write;"
                  + " it drops these identities from now on. Run erase again once it has moved"
                  + " past them%n",
              "pending",
              count(
                  receipt.rowsPending.values().stream().mapToLong(Long::longValue).sum(),
                  "row",
                  "rows"),
              noDayFree ? "any day (the job has no watermark yet)" : held.get());
        }
        out.println("  receipt            " + file.toAbsolutePath().normalize());
        total.requests.add(r.requestId());
        total.receipts.add(output.relativize(file).toString());
        total.persons += t.persons().size();
        add(total.rowsRemoved, result.rowsRemoved());
        add(total.rowsRedacted, result.rowsRedacted());
        add(total.partitionsRewritten, result.partitionsRewritten());
        add(total.partitionsRemoved, result.partitionsRemoved());
        total.suppressionListSize = receipt.suppressionListSize;
      }
      RunSummary s = new RunSummary();
      s.runId = runId;
      s.mode = "erase";
      s.arguments = spec.commandLine().getParseResult().originalArgs();
      s.startedAt = started.toString();
      s.erased = total;
      Instant ended = Instant.now();
      s.endedAt = ended.toString();
      s.durationMs = Duration.between(started, ended).toMillis();
      s.status = anyPending ? ErasureReceipt.PENDING : "SUCCEEDED";
      Path file = s.write(output);
      out.println("  summary            " + file.toAbsolutePath().normalize());
      out.flush();
    }
    return anyPending ? EXIT_PENDING : 0;
  }

  /** The exit code when rows are left in days a running stream job holds (receipt PENDING). */
  public static final int EXIT_PENDING = 5;

  /**
   * Checks the flags before any work and returns the requests as written: {@code --output} holds
   * output; either {@code --requests} or {@code --identity}/{@code --person}; the requests file
   * parses; the suppression list, if any, is readable.
   */
  List<ErasureRequest.Draft> validate() throws IOException {
    ExpireCommand.checkHoldsOutput(output);
    if (hmacKeyFile != null) {
      PathChecks.inputFile("--hmac-key-file", hmacKeyFile);
    }
    List<ErasureRequest.Draft> drafts;
    if (requests != null) {
      PathChecks.inputFile("--requests", requests);
      if (!identities.isEmpty() || !persons.isEmpty() || requestId != null) {
        throw new UserException(
            "--requests "
                + requests
                + " cannot be combined with --identity, --person or --request-id (put them in"
                + " the file)");
      }
      try {
        drafts = RequestFile.read(requests);
      } catch (IllegalArgumentException e) {
        throw new UserException("--requests " + e.getMessage());
      }
    } else {
      if (identities.isEmpty() && persons.isEmpty()) {
        throw new UserException(
            "nothing to erase: give --identity NAMESPACE=VALUE, --person PERSON_ID or --requests"
                + " FILE");
      }
      drafts =
          List.of(new ErasureRequest.Draft(requestId, persons, identities, "the command line"));
    }
    try {
      SuppressionList.load(SuppressionList.defaultPath(output));
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage());
    }
    return drafts;
  }

  private void print(
      ErasureRequest r,
      ErasureTargets t,
      PartitionEraser.Result res,
      String verb,
      PrintWriter out) {
    out.println();
    out.printf(
        "Erase %s  (request %s: %s, %s)%n",
        output.toAbsolutePath().normalize(),
        r.requestId(),
        count(t.persons().size(), "person", "persons"),
        count(t.identities().size(), "identity", "identities"));
    if (res.totalRemoved() + res.totalRedacted() == 0) {
      out.printf(
          "  %-18s the output holds no row of this request%s%n",
          "nothing to erase",
          t.unknownIdentities() + t.unknownPersons() > 0
              ? " (" + (t.unknownIdentities() + t.unknownPersons()) + " unknown to the output)"
              : "");
      return;
    }
    out.printf(
        "  %-18s %s, %s redacted, %s changed%s%n",
        verb,
        count(res.totalRemoved(), "row", "rows"),
        count(res.totalRedacted(), "row", "rows"),
        count(res.totalPartitions(), "partition", "partitions"),
        res.days().isEmpty()
            ? ""
            : "  (days "
                + res.days().get(0)
                + " .. "
                + res.days().get(res.days().size() - 1)
                + ")");
    for (String table : res.rowsRemoved().keySet()) {
      long removed = res.rowsRemoved().get(table);
      long redacted = res.rowsRedacted().get(table);
      if (removed + redacted > 0) {
        out.printf(
            "    %-20s %14s removed %10s redacted %16s%n",
            table,
            count(removed, "row", "rows"),
            String.format("%,d", redacted),
            count(
                res.partitionsRewritten().get(table) + res.partitionsRemoved().get(table),
                "partition",
                "partitions"));
      }
    }
  }

  private static Map<String, Long> zeros() {
    Map<String, Long> m = new LinkedHashMap<>();
    for (Table t : RowEraser.ORDER) {
      m.put(t.tableName(), 0L);
    }
    return m;
  }

  private static void add(Map<String, Long> into, Map<String, Long> more) {
    more.forEach((k, v) -> into.merge(k, v, Long::sum));
  }

  private static String count(long n, String one, String many) {
    return String.format("%,d %s", n, n == 1 ? one : many);
  }

  /** {@code --identity}: {@code NAMESPACE=VALUE} with a usable value. */
  public static final class IdentitySpec implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      try {
        ErasureRequest.checkIdentity(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
      return value;
    }
  }

  /** {@code --person}: a person id as in the tables. */
  public static final class PersonId implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      try {
        ErasureRequest.checkPerson(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
      return value;
    }
  }

  /** {@code --request-id}: a name for a receipt file. */
  public static final class RequestId implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      try {
        ErasureRequest.checkRequestId(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
      return value;
    }
  }
}
