package dev.omnichannel.monitor.erase;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * The receipt of one erased request, {@code <output>/_erasures/<request_id>.json}: what was erased,
 * when, and how many rows went, without any identity value (raw or pseudonymised). A receipt is
 * never overwritten: running the same request again writes {@code <request_id>-2.json}, then {@code
 * -3}, and so on, so the first receipt keeps the record of what was removed.
 */
@JsonPropertyOrder({
  "request_id",
  "run_id",
  "erased_at",
  "status",
  "persons",
  "person_ids",
  "identities",
  "unknown_identities",
  "unknown_persons",
  "rows_removed",
  "rows_redacted",
  "partitions_rewritten",
  "partitions_removed",
  "days",
  "pending_from",
  "rows_pending",
  "suppressed_identities_added",
  "suppression_list_size"
})
public class ErasureReceipt {
  /** The folder of the receipts (and of the suppression list) under the output directory. */
  public static final String DIR = "_erasures";

  /** {@link #status} when rows were removed or redacted. */
  public static final String ERASED = "ERASED";

  /** {@link #status} when the output held no row of the request (unknown, or erased before). */
  public static final String NOTHING_TO_ERASE = "NOTHING_TO_ERASE";

  /**
   * {@link #status} when rows are left in days a running stream job may still write ({@link
   * #pendingFrom} on): the identities are suppressed, so the job writes nothing more of them; run
   * the erase again once it has moved past those days.
   */
  public static final String PENDING = "PENDING";

  public String requestId;
  public String runId;
  public String erasedAt;
  public String status;

  /** The persons erased (person ids). */
  public List<String> persons;

  /** Those and the earlier person ids merged into them, under which rows may have been written. */
  public List<String> personIds;

  /** How many identities per namespace were erased and suppressed (counts, never values). */
  public Map<String, Integer> identities;

  public int unknownIdentities;
  public int unknownPersons;
  public Map<String, Long> rowsRemoved;
  public Map<String, Long> rowsRedacted;
  public Map<String, Long> partitionsRewritten;
  public Map<String, Long> partitionsRemoved;
  public List<String> days;

  /** With {@link #PENDING}: the first day held by a running stream job, not erased yet. */
  public String pendingFrom;

  /** With {@link #PENDING}: rows of the request left in those days, per table. */
  public Map<String, Long> rowsPending;

  public int suppressedIdentitiesAdded;
  public int suppressionListSize;

  static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** Fills in the counts of {@code r}. */
  public ErasureReceipt counts(PartitionEraser.Result r) {
    rowsRemoved = r.rowsRemoved();
    rowsRedacted = r.rowsRedacted();
    partitionsRewritten = r.partitionsRewritten();
    partitionsRemoved = r.partitionsRemoved();
    days = r.days();
    status = r.totalRemoved() + r.totalRedacted() > 0 ? ERASED : NOTHING_TO_ERASE;
    return this;
  }

  /**
   * Marks rows left in the days from {@code from} on, which a running stream job holds: {@link
   * #PENDING} when {@code left} has any.
   */
  public ErasureReceipt pending(String from, PartitionEraser.Result left) {
    if (left.totalRemoved() + left.totalRedacted() > 0) {
      status = PENDING;
      pendingFrom = from;
      rowsPending = new java.util.LinkedHashMap<>();
      left.rowsRemoved()
          .forEach((t, n) -> rowsPending.put(t, n + left.rowsRedacted().getOrDefault(t, 0L)));
    }
    return this;
  }

  /**
   * Writes the receipt to {@code <output>/_erasures/<request_id>.json}, or to {@code
   * <request_id>-N.json} with the smallest N from 2 that is free when that exists.
   *
   * @return the file written
   */
  public Path write(Path output) throws IOException {
    Path dir = output.resolve(DIR);
    Files.createDirectories(dir);
    Path file = dir.resolve(requestId + ".json");
    for (int n = 2; Files.exists(file); n++) {
      file = dir.resolve(requestId + "-" + n + ".json");
    }
    Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
    JSON.writeValue(tmp.toFile(), this);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    return file;
  }

  public static ErasureReceipt read(Path file) throws IOException {
    return JSON.readValue(file.toFile(), ErasureReceipt.class);
  }
}
