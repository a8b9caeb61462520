package dev.omnichannel.monitor.flow;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The run summary written to {@code <output>/_runs/<run_id>.json}: what ran, on what, and where
 * every input record went. {@link Accounting#balanced()} is the "nothing lost silently" identity.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "run_id",
  "mode",
  "checkpoint_id",
  "status",
  "arguments",
  "started_at",
  "ended_at",
  "duration_ms",
  "range",
  "accounting",
  "suppression_list_identities",
  "tables",
  "persons",
  "journeys_by_status",
  "conversions",
  "conversion_value",
  "top_channel_paths",
  "rejected_links",
  "dead_letters_by_reason",
  "unreadable_files",
  "expired",
  "erased"
})
public class RunSummary {
  public String runId;

  /** Stream mode: the checkpoint whose consistent counts this summary holds. */
  public Long checkpointId;

  public String mode;
  public String status;
  public List<String> arguments;
  public String startedAt;
  public String endedAt;
  public long durationMs;
  public Map<String, String> range;
  public Accounting accounting = new Accounting();

  /**
   * Backfill and stream: how many identities the suppression list in force held (a backfill's as
   * read at its start; a stream's as of the checkpoint, once the job has applied it everywhere).
   */
  public Long suppressionListIdentities;

  public Map<String, Long> tables = new LinkedHashMap<>();
  public Long persons;
  public Map<String, Long> journeysByStatus;
  public Long conversions;
  public Double conversionValue;
  public List<Map<String, Object>> topChannelPaths;
  public Map<String, Long> journeyMatchesByPattern;
  public Map<String, Long> frictionByType;
  public Long rejectedLinks;
  public Map<String, Long> deadLettersByReason;

  /**
   * Backfill: the input files that could not be read to their end (not gzip, cut off, corrupt,
   * gone), one entry each: the file and line where reading stopped, then the reason. Absent when
   * every file was read whole.
   */
  public List<String> unreadableFiles;

  /**
   * Conversions credited per model and channel: rule-based models summed over the attribution
   * table, data-driven models (MARKOV, SHAPLEY) summed over the windows of attribution_channel.
   * Rounded to 2 decimals.
   */
  public Map<String, Map<String, Double>> attributedConversions;

  /** {@code expire} runs only: the retention applied and what it removed. */
  public Expired expired;

  /** {@code erase} runs only: the requests erased and what went. */
  public Erased erased;

  /** What an {@code erase} run removed, over all its requests. */
  @JsonPropertyOrder({
    "requests",
    "receipts",
    "persons",
    "rows_removed",
    "rows_redacted",
    "partitions_rewritten",
    "partitions_removed",
    "suppression_list_size"
  })
  public static class Erased {
    /** The request ids, in the order they were erased. */
    public List<String> requests;

    /** The receipt files written under {@code _erasures/}, one per request. */
    public List<String> receipts;

    /** The number of persons erased. */
    public long persons;

    /** Per table, the rows removed. */
    public Map<String, Long> rowsRemoved;

    /** Per table, the rows kept with an erased identity taken out. */
    public Map<String, Long> rowsRedacted;

    /** Per table, the partitions written again. */
    public Map<String, Long> partitionsRewritten;

    /** Per table, the partitions removed because no row was left. */
    public Map<String, Long> partitionsRemoved;

    /** The identities on the suppression list after the run. */
    public long suppressionListSize;
  }

  /** What an {@code expire} run removed. */
  @JsonPropertyOrder({
    "retention_days",
    "today",
    "keep_from",
    "partitions_removed",
    "rows_removed",
    "days_removed"
  })
  public static class Expired {
    /** The {@code --retention-days}. */
    public int retentionDays;

    /** The day counted back from ({@code --today}, or the UTC date of the run). */
    public String today;

    /** The first day kept: {@code today} minus {@code retention_days}; every earlier dt= went. */
    public String keepFrom;

    /** Per table, the dt= partitions removed. */
    public Map<String, Long> partitionsRemoved;

    /** Per table, the rows those partitions held. */
    public Map<String, Long> rowsRemoved;

    /** The days removed from some table, sorted. */
    public List<String> daysRemoved;
  }

  /** Where every input record went. */
  @JsonPropertyOrder({
    "input_records",
    "accepted_events",
    "duplicates",
    "late_events",
    "dead_letters",
    "out_of_range",
    "suppressed",
    "balanced"
  })
  public static class Accounting {
    public long inputRecords;
    public long acceptedEvents;
    public long duplicates;
    public long lateEvents;
    public long deadLetters;

    /** Valid records outside the read window of a bounded range (zero without --from/--to). */
    public long outOfRange;

    /**
     * Valid records dropped because one of their identities is on the suppression list (erased
     * persons; zero while nothing was erased).
     */
    public long suppressed;

    /** input = accepted + duplicates + late + dead letters + out of range + suppressed. */
    public boolean balanced() {
      return inputRecords
          == acceptedEvents + duplicates + lateEvents + deadLetters + outOfRange + suppressed;
    }

    public boolean isBalanced() {
      return balanced();
    }
  }

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(
              com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** The summary as indented JSON. */
  public byte[] toJson() throws IOException {
    return JSON.writeValueAsBytes(this);
  }

  /** Writes the summary to {@code <output>/_runs/<run_id>.json} and returns the path. */
  public Path write(Path output) throws IOException {
    Path dir = output.resolve("_runs");
    Files.createDirectories(dir);
    Path file = dir.resolve(runId + ".json");
    Path tmp = dir.resolve("." + runId + ".json.tmp");
    JSON.writeValue(tmp.toFile(), this);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return file;
  }

  public static RunSummary read(Path file) throws IOException {
    return JSON.readValue(file.toFile(), RunSummary.class);
  }

  /** A summary from its JSON ({@link #toJson}), as read from any file system. */
  public static RunSummary fromJson(byte[] json) throws IOException {
    return JSON.readValue(json, RunSummary.class);
  }
}
