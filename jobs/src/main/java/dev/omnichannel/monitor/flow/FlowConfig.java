package dev.omnichannel.monitor.flow;

import dev.omnichannel.monitor.attribution.AttributionSettings;
import dev.omnichannel.monitor.attribution.AttributionWindows;
import dev.omnichannel.monitor.identity.NeverLinkRules;
import dev.omnichannel.monitor.identity.SuppressionList;
import dev.omnichannel.monitor.io.ValidationRules;
import dev.omnichannel.monitor.journey.JourneyConfig;
import dev.omnichannel.monitor.mapping.MappedSources;
import dev.omnichannel.monitor.mapping.Mapping;
import dev.omnichannel.monitor.patterns.PatternCatalogue;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything a backfill run needs, already validated by the CLI.
 *
 * @param inputs event files to read (resolved, sorted)
 * @param output output directory (absolute)
 * @param from first UTC day of the range, inclusive; null for the span of the data
 * @param to last UTC day of the range, inclusive; null for the span of the data
 * @param parallelism Flink parallelism
 * @param hmacKey key for pseudonymising email and phone
 * @param validation input validation rules
 * @param journey journey and touch rules
 * @param namespaceLimits identities per person, per namespace
 * @param neverLink pairs of identities no person may hold together (an identity-rules file's
 *     never_link), pseudonymised
 * @param patterns the pattern catalogue in force
 * @param attribution the attribution models and their parameters
 * @param attributionWindow the windows the data-driven models are solved over
 * @param runId id of this run (names the staging folder and the run summary)
 * @param suppressionFile the suppression list file (absolute): by default {@code
 *     <output>/_erasures/suppressed-identities.txt}; stream mode reads it as it changes
 * @param suppressed the suppression list as read when the run was configured (a backfill applies it
 *     for the whole run)
 * @param mapped the inputs that are rows of a legacy export, with their mappings ({@code backfill
 *     --mapping}, the demo's call log, {@code stream --mapping TOPIC=FILE}); {@link
 *     MappedSources#NONE} when every input is events
 */
public record FlowConfig(
    List<String> inputs,
    String output,
    LocalDate from,
    LocalDate to,
    int parallelism,
    byte[] hmacKey,
    ValidationRules validation,
    JourneyConfig journey,
    Map<String, Integer> namespaceLimits,
    NeverLinkRules neverLink,
    PatternCatalogue patterns,
    AttributionSettings attribution,
    AttributionWindows.Kind attributionWindow,
    String runId,
    String suppressionFile,
    SuppressionList suppressed,
    MappedSources mapped)
    implements Serializable {

  public FlowConfig {
    inputs = List.copyOf(inputs);
    if (suppressionFile == null) {
      suppressionFile = SuppressionList.defaultPath(Path.of(output)).toString();
    }
    suppressed = suppressed == null ? SuppressionList.EMPTY : suppressed;
    mapped = mapped == null ? MappedSources.NONE : mapped;
    namespaceLimits = new TreeMap<>(namespaceLimits);
    neverLink = neverLink == null ? NeverLinkRules.NONE : neverLink;
    if (from != null && to != null && to.isBefore(from)) {
      throw new IllegalArgumentException("--to " + to + " is before --from " + from);
    }
    if (parallelism < 1) {
      throw new IllegalArgumentException("--parallelism must be at least 1, got " + parallelism);
    }
  }

  /** A configuration with the default suppression list file, not read (nothing suppressed). */
  public FlowConfig(
      List<String> inputs,
      String output,
      LocalDate from,
      LocalDate to,
      int parallelism,
      byte[] hmacKey,
      ValidationRules validation,
      JourneyConfig journey,
      Map<String, Integer> namespaceLimits,
      NeverLinkRules neverLink,
      PatternCatalogue patterns,
      AttributionSettings attribution,
      AttributionWindows.Kind attributionWindow,
      String runId) {
    this(
        inputs,
        output,
        from,
        to,
        parallelism,
        hmacKey,
        validation,
        journey,
        namespaceLimits,
        neverLink,
        patterns,
        attribution,
        attributionWindow,
        runId,
        null,
        null,
        null);
  }

  /** This configuration with the suppression list {@code list}, read from {@code file}. */
  public FlowConfig withSuppression(Path file, SuppressionList list) {
    return new FlowConfig(
        inputs,
        output,
        from,
        to,
        parallelism,
        hmacKey,
        validation,
        journey,
        namespaceLimits,
        neverLink,
        patterns,
        attribution,
        attributionWindow,
        runId,
        file.toAbsolutePath().normalize().toString(),
        list,
        mapped);
  }

  /** This configuration reading every input file with {@code mapping} (null: event files). */
  public FlowConfig withMapping(Mapping mapping) {
    return withMapped(MappedSources.all(mapping));
  }

  /** This configuration reading the inputs of {@code mapped} as rows of legacy exports. */
  public FlowConfig withMapped(MappedSources mapped) {
    return new FlowConfig(
        inputs,
        output,
        from,
        to,
        parallelism,
        hmacKey,
        validation,
        journey,
        namespaceLimits,
        neverLink,
        patterns,
        attribution,
        attributionWindow,
        runId,
        suppressionFile,
        suppressed,
        mapped);
  }

  /** A configuration without never_link rules. */
  public FlowConfig(
      List<String> inputs,
      String output,
      LocalDate from,
      LocalDate to,
      int parallelism,
      byte[] hmacKey,
      ValidationRules validation,
      JourneyConfig journey,
      Map<String, Integer> namespaceLimits,
      PatternCatalogue patterns,
      AttributionSettings attribution,
      AttributionWindows.Kind attributionWindow,
      String runId) {
    this(
        inputs,
        output,
        from,
        to,
        parallelism,
        hmacKey,
        validation,
        journey,
        namespaceLimits,
        NeverLinkRules.NONE,
        patterns,
        attribution,
        attributionWindow,
        runId);
  }

  /** First event time read: {@code from} minus the journey max duration, as context. */
  public long readFrom() {
    if (from == null) {
      return Long.MIN_VALUE;
    }
    return from.atStartOfDay(ZoneOffset.UTC)
        .toInstant()
        .minus(journey.maxDuration())
        .toEpochMilli();
  }

  /** First event time not read: the start of the day after {@code to}. */
  public long readTo() {
    return to == null
        ? Long.MAX_VALUE
        : to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
  }

  /** The attribution windows of this run. */
  public AttributionWindows attributionWindows() {
    return new AttributionWindows(attributionWindow, from, to);
  }

  /** The end of input for journey closing when bounded by {@code --to}; null otherwise. */
  public Long fixedEndOfInput() {
    return to == null ? null : readTo();
  }
}
