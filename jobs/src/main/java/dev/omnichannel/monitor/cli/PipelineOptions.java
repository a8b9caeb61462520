package dev.omnichannel.monitor.cli;

import dev.omnichannel.monitor.attribution.AttributionModel;
import dev.omnichannel.monitor.attribution.AttributionSettings;
import dev.omnichannel.monitor.attribution.AttributionWindows;
import dev.omnichannel.monitor.attribution.MarkovModel;
import dev.omnichannel.monitor.flow.FlowConfig;
import dev.omnichannel.monitor.identity.IdentityRules;
import dev.omnichannel.monitor.identity.IdentityRulesException;
import dev.omnichannel.monitor.identity.Namespaces;
import dev.omnichannel.monitor.identity.Pseudonymiser;
import dev.omnichannel.monitor.identity.SuppressionList;
import dev.omnichannel.monitor.io.ObjectStores;
import dev.omnichannel.monitor.io.StoreFiles;
import dev.omnichannel.monitor.io.ValidationRules;
import dev.omnichannel.monitor.journey.AttributionDimension;
import dev.omnichannel.monitor.journey.JourneyConfig;
import dev.omnichannel.monitor.patterns.CatalogueException;
import dev.omnichannel.monitor.patterns.PatternCatalogue;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The processing settings shared by the commands that run the pipeline: privacy key, validation,
 * identity guards, journey and touch rules. Each setting is declared once, with its default.
 */
public class PipelineOptions {
  @Option(
      names = "--hmac-key-file",
      paramLabel = "FILE",
      description =
          "File holding the HMAC key for pseudonymising email and phone (default: the environment"
              + " variable OMNI_HMAC_KEY).")
  Path hmacKeyFile;

  @Option(
      names = "--journey-inactivity-gap",
      paramLabel = "DURATION",
      defaultValue = "30d",
      converter = DurationConverter.class,
      description =
          "A journey is ABANDONED after this long without events (default: ${DEFAULT-VALUE}).")
  Duration inactivityGap;

  @Option(
      names = "--journey-max-events",
      paramLabel = "N",
      defaultValue = "5000",
      converter = Numbers.AtLeastOne.class,
      description = "A journey is TRUNCATED at this many events (default: ${DEFAULT-VALUE}).")
  int maxEvents;

  @Option(
      names = "--journey-max-duration",
      paramLabel = "DURATION",
      defaultValue = "90d",
      converter = DurationConverter.class,
      description =
          "A journey is TRUNCATED when an event comes more than this after its first event; also the"
              + " context read before --from (default: ${DEFAULT-VALUE}).")
  Duration maxDuration;

  @Option(
      names = "--touch-visit-timeout",
      paramLabel = "DURATION",
      defaultValue = "30m",
      converter = DurationConverter.class,
      description =
          "An event continues a touch when it comes at most this long after the previous one"
              + " (default: ${DEFAULT-VALUE}).")
  Duration visitTimeout;

  @Option(
      names = "--attribution-dimension",
      paramLabel = "channel|campaign",
      defaultValue = "channel",
      description = "What a touch is a run of: channel or campaign (default: ${DEFAULT-VALUE}).")
  String dimension;

  @Option(
      names = "--attribution-models",
      paramLabel = "LIST",
      defaultValue = "all",
      description =
          "Attribution models to compute, comma-separated: FIRST_TOUCH, LAST_TOUCH, LINEAR,"
              + " PARTICIPATION, TIME_DECAY, POSITION_BASED, J_CURVE, INVERSE_J, MARKOV, SHAPLEY, or"
              + " the groups all, none, rule-based, data-driven (default: ${DEFAULT-VALUE}).")
  String attributionModels;

  @Option(
      names = "--attribution-half-life",
      paramLabel = "DURATION",
      defaultValue = "7d",
      converter = DurationConverter.class,
      description = "TIME_DECAY half-life (default: ${DEFAULT-VALUE}).")
  Duration halfLife;

  @Option(
      names = "--markov-order",
      paramLabel = "K",
      defaultValue = "1",
      converter = Numbers.MarkovOrder.class,
      description = "MARKOV chain order, 1 to 4 (default: ${DEFAULT-VALUE}).")
  int markovOrder;

  @Option(
      names = "--attribution-window",
      paramLabel = "range|day|week",
      defaultValue = "range",
      description =
          "Window the data-driven models (MARKOV, SHAPLEY) are solved over: the whole backfill"
              + " range, UTC days, or ISO weeks (default: ${DEFAULT-VALUE}).")
  String attributionWindow;

  @Option(
      names = "--plausible-from",
      paramLabel = "DATE",
      defaultValue = "2000-01-01",
      description = "Earliest plausible event date (default: ${DEFAULT-VALUE}).")
  LocalDate plausibleFrom;

  @Option(
      names = "--plausible-to",
      paramLabel = "DATE",
      defaultValue = "2100-01-01",
      description = "Event times from this date on are implausible (default: ${DEFAULT-VALUE}).")
  LocalDate plausibleTo;

  @Option(
      names = "--blocked-identity-value",
      paramLabel = "VALUE",
      description =
          "An extra placeholder identity value to ignore (repeatable); the built-in ones are empty,"
              + " 0, -1, null, none, undefined, unknown, anonymous, n/a and all zeros.")
  List<String> blockedValues = new ArrayList<>();

  @Option(
      names = "--namespace-limit",
      paramLabel = "NAMESPACE=N",
      converter = FlagConverters.KeyValue.class,
      description =
          "Maximum identities of a namespace per person (repeatable). Defaults: customer_id=1,"
              + " loyalty_id=1, email=3, phone=3, social_id=5, device_id=10, cookie_id=50.")
  List<String> namespaceLimits = new ArrayList<>();

  @Option(
      names = "--identity-rules",
      paramLabel = "FILE",
      description =
          "An identity-rules file (YAML): blocked values per namespace, namespace limits and"
              + " never_link pairs of identities (corrections of wrong merges). Its blocked values"
              + " add to --blocked-identity-value; --namespace-limit overrides its limits. See"
              + " README, 'Corrections'.")
  Path identityRulesFile;

  /** The rules file as read, checked once; null before it is read or without a file. */
  private IdentityRules.Parsed identityRules;

  @Option(
      names = "--suppression-list",
      paramLabel = "FILE",
      converter = LocalPathConverter.class,
      description =
          "The suppression list of erased persons' identities whose events this run drops and counts"
              + " as suppressed (default: <output>/_erasures/suppressed-identities.txt, when it"
              + " exists). Stream mode reads it again whenever it changes. See README, 'Suppression"
              + " list'.")
  Path suppressionListFile;

  @Option(
      names = "--patterns",
      paramLabel = "FILE",
      description =
          "A pattern catalogue (YAML) that extends or overrides the built-in one (repeatable; later"
              + " files win). See README, 'Patterns and friction'.")
  List<Path> patternFiles = new ArrayList<>();

  @Option(
      names = "--pattern-param",
      paramLabel = "NAME=VALUE",
      converter = FlagConverters.KeyValue.class,
      description = "Overrides a catalogue parameter, e.g. cart.abandon-after=2h (repeatable).")
  List<String> patternParams = new ArrayList<>();

  /**
   * The pattern catalogue in force; a {@link dev.omnichannel.monitor.patterns.CatalogueException}
   * names what is wrong.
   */
  public PatternCatalogue patternCatalogue() {
    return PatternCatalogue.load(patternFiles, patternParams());
  }

  /** The {@code --pattern-param} overrides, by name; a later one wins. */
  Map<String, String> patternParams() {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : patternParams) {
      int eq = pair.indexOf('=');
      out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
    }
    return out;
  }

  /**
   * Checks every setting, before any work: the files exist, names and values are known, the
   * catalogue builds. A {@link UserException} names the flag and the value.
   */
  public void validate() {
    if (hmacKeyFile != null) {
      PathChecks.inputFile("--hmac-key-file", hmacKeyFile);
    }
    if (identityRulesFile != null) {
      PathChecks.inputFile("--identity-rules", identityRulesFile);
      // every check of the file, the pseudonymised ones too (they do not depend on the key)
      identityRules(new Pseudonymiser(new byte[] {1}));
    }
    for (Path f : patternFiles) {
      PathChecks.inputFile("--patterns", f);
    }
    if (suppressionListFile != null) {
      PathChecks.inputFile("--suppression-list", suppressionListFile);
      suppressionList(suppressionListFile);
    }
    journeyConfig();
    validationRules();
    limits();
    attributionSettings();
    attributionWindow();
    // a broken catalogue file: its message names the file (the value of --patterns), the pattern
    // and the field, as the README's worked example shows
    PatternCatalogue.load(patternFiles, Map.of());
    for (String pair : patternParams) {
      int eq = pair.indexOf('=');
      try {
        PatternCatalogue.load(
            patternFiles, Map.of(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim()));
      } catch (CatalogueException e) {
        String why = e.getMessage();
        if ("--pattern-param".equals(e.file())) {
          why = why.substring("--pattern-param: ".length());
        }
        throw new UserException("--pattern-param " + pair + ": " + why, e);
      }
    }
    patternCatalogue(); // all overrides together
  }

  /** The options with every default applied, as if no flag were given. */
  public static PipelineOptions defaults() {
    return CommandLine.populateCommand(new PipelineOptions());
  }

  /** A backfill configuration with these settings. */
  public FlowConfig backfillConfig(
      List<String> files,
      Path output,
      LocalDate from,
      LocalDate to,
      int parallelism,
      byte[] hmacKey,
      String runId) {
    Path suppressionFile =
        suppressionListFile != null ? suppressionListFile : SuppressionList.defaultPath(output);
    return backfillConfig(
        files,
        output.toAbsolutePath().normalize().toString(),
        from,
        to,
        parallelism,
        hmacKey,
        runId,
        suppressionFile.toAbsolutePath().normalize().toString(),
        suppressionList(suppressionFile));
  }

  /**
   * As {@link #backfillConfig(List, Path, LocalDate, LocalDate, int, byte[], String)}, for an
   * output on an object store ({@code s3://bucket/prefix}); its default suppression list is {@code
   * <output>/_erasures/suppressed-identities.txt} on the store.
   */
  public FlowConfig backfillConfigOnStore(
      List<String> files,
      String output,
      LocalDate from,
      LocalDate to,
      int parallelism,
      byte[] hmacKey,
      String runId) {
    if (suppressionListFile != null) {
      return backfillConfig(
          files,
          output,
          from,
          to,
          parallelism,
          hmacKey,
          runId,
          suppressionListFile.toAbsolutePath().normalize().toString(),
          suppressionList(suppressionListFile));
    }
    String stored = output + "/_erasures/" + SuppressionList.FILE_NAME;
    return backfillConfig(
        files,
        output,
        from,
        to,
        parallelism,
        hmacKey,
        runId,
        stored,
        storedSuppressionList(stored));
  }

  private FlowConfig backfillConfig(
      List<String> files,
      String output,
      LocalDate from,
      LocalDate to,
      int parallelism,
      byte[] hmacKey,
      String runId,
      String suppressionFile,
      SuppressionList suppressed) {
    IdentityRules rules = identityRules(new Pseudonymiser(hmacKey));
    return new FlowConfig(
        files,
        output,
        from,
        to,
        parallelism,
        hmacKey,
        validationRules(rules.blockedValues()),
        journeyConfig(),
        limits(),
        rules.neverLink(),
        patternCatalogue(),
        attributionSettings(),
        attributionWindow(),
        runId,
        suppressionFile,
        suppressed,
        null);
  }

  /**
   * A stream configuration writing under {@code output}: a local folder (absolute) as {@link
   * #backfillConfig} makes it, or an object store's URI ({@code s3://bucket/prefix}), whose default
   * suppression list {@code <output>/_erasures/suppressed-identities.txt} is read through Flink's
   * file systems ({@link ObjectStores} registered first).
   */
  public FlowConfig streamConfig(String output, int parallelism, byte[] hmacKey, String runId) {
    if (!ObjectStores.isObjectStore(output)) {
      return backfillConfig(List.of(), Path.of(output), null, null, parallelism, hmacKey, runId);
    }
    return backfillConfigOnStore(List.of(), output, null, null, parallelism, hmacKey, runId);
  }

  /**
   * The suppression list at {@code uri} on an object store (empty when there is none); a {@link
   * UserException} names the object when it cannot be read or a line is malformed.
   */
  private static SuppressionList storedSuppressionList(String uri) {
    try {
      byte[] bytes = StoreFiles.readOrNull(new org.apache.flink.core.fs.Path(uri));
      return bytes == null
          ? SuppressionList.EMPTY
          : SuppressionList.parse(
              uri, new String(bytes, java.nio.charset.StandardCharsets.UTF_8).lines().toList());
    } catch (java.io.IOException e) {
      throw new UserException("cannot read the suppression list " + uri + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage(), e);
    }
  }

  /**
   * The suppression list in {@code file} (empty when the file does not exist); a {@link
   * UserException} names the file and the line of a malformed one.
   */
  SuppressionList suppressionList(Path file) {
    try {
      return SuppressionList.load(file);
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      String why = e.getMessage();
      if (suppressionListFile != null && why.startsWith("suppression list ")) {
        why = "--suppression-list " + why.substring("suppression list ".length());
      }
      throw new UserException(why, e);
    }
  }

  /** The attribution models and parameters; a {@link UserException} names a bad value. */
  public AttributionSettings attributionSettings() {
    Set<AttributionModel> models;
    if (List.of(attributionModels.split(",", -1)).stream().anyMatch(String::isBlank)) {
      throw new UserException(
          "--attribution-models has an empty entry, got '" + attributionModels + "'");
    }
    try {
      models = AttributionModel.parseList(attributionModels);
    } catch (IllegalArgumentException e) {
      throw new UserException("--attribution-models: " + e.getMessage());
    }
    if (markovOrder < 1 || markovOrder > MarkovModel.MAX_ORDER) {
      throw new UserException(
          "--markov-order must be between 1 and " + MarkovModel.MAX_ORDER + ", got " + markovOrder);
    }
    if (halfLife.isZero() || halfLife.isNegative()) {
      throw new UserException("--attribution-half-life must be positive, got " + halfLife);
    }
    return new AttributionSettings(models, markovOrder, halfLife);
  }

  /** The attribution window kind; a {@link UserException} names a bad value. */
  public AttributionWindows.Kind attributionWindow() {
    try {
      return AttributionWindows.Kind.parse(attributionWindow);
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage());
    }
  }

  /** The journey rules; a {@link UserException} names a bad value. */
  public JourneyConfig journeyConfig() {
    AttributionDimension dim;
    try {
      dim = AttributionDimension.valueOf(dimension.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UserException(
          "--attribution-dimension must be channel or campaign, got '" + dimension + "'");
    }
    if (maxEvents < 1) {
      throw new UserException("--journey-max-events must be at least 1, got " + maxEvents);
    }
    return new JourneyConfig(inactivityGap, maxEvents, maxDuration, visitTimeout, dim);
  }

  /**
   * The identity-rules file pseudonymised with {@code pseudonymiser}, or {@link IdentityRules#NONE}
   * without {@code --identity-rules}; a {@link UserException} names the flag, the file, the field
   * and what is wrong.
   */
  public IdentityRules identityRules(Pseudonymiser pseudonymiser) {
    IdentityRules.Parsed parsed = parsedRules();
    if (parsed == null) {
      return IdentityRules.NONE;
    }
    try {
      return parsed.resolve(pseudonymiser, blockedValues);
    } catch (IdentityRulesException e) {
      throw new UserException("--identity-rules " + e.getMessage(), e);
    }
  }

  /** The identity-rules file, read and checked once; null without {@code --identity-rules}. */
  private IdentityRules.Parsed parsedRules() {
    if (identityRulesFile == null) {
      return null;
    }
    if (identityRules == null) {
      try {
        identityRules = IdentityRules.read(identityRulesFile);
      } catch (IdentityRulesException e) {
        throw new UserException("--identity-rules " + e.getMessage(), e);
      }
    }
    return identityRules;
  }

  /** The namespace limits of the identity-rules file; empty without one. */
  private Map<String, Integer> fileLimits() {
    IdentityRules.Parsed parsed = parsedRules();
    return parsed == null ? Map.of() : parsed.namespaceLimits();
  }

  /** The validation rules. */
  public ValidationRules validationRules() {
    return validationRules(Map.of());
  }

  /** The validation rules with per-namespace blocked values ({@link IdentityRules}). */
  private ValidationRules validationRules(Map<String, ? extends Set<String>> blockedByNamespace) {
    if (!plausibleFrom.isBefore(plausibleTo)) {
      throw new UserException(
          "--plausible-from " + plausibleFrom + " must be before --plausible-to " + plausibleTo);
    }
    return new ValidationRules(
        plausibleFrom.atStartOfDay(ZoneOffset.UTC).toInstant(),
        plausibleTo.atStartOfDay(ZoneOffset.UTC).toInstant(),
        blockedValues,
        1e12,
        Map.copyOf(blockedByNamespace));
  }

  /**
   * The namespace limits: the defaults, overridden by the identity-rules file, overridden by {@code
   * --namespace-limit}.
   */
  public Map<String, Integer> limits() {
    Map<String, Integer> limits = new TreeMap<>(Namespaces.DEFAULT_LIMITS);
    limits.putAll(fileLimits());
    for (String pair : namespaceLimits) {
      int eq = pair.indexOf('=');
      String ns = pair.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      String value = pair.substring(eq + 1).trim();
      BigInteger n;
      try {
        n = new BigInteger(value);
      } catch (NumberFormatException ex) {
        throw new UserException(
            "--namespace-limit " + pair + ": the limit is not a number, got '" + value + "'");
      }
      if (n.signum() < 1 || n.bitLength() > 31) {
        throw new UserException(
            "--namespace-limit "
                + pair
                + ": the limit must be between 1 and "
                + Integer.MAX_VALUE
                + ", got "
                + value);
      }
      limits.put(ns, n.intValue());
    }
    return limits;
  }
}
