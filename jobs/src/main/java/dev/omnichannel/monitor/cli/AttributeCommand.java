package dev.omnichannel.monitor.cli;

import dev.omnichannel.monitor.attribution.AttributionModel;
import dev.omnichannel.monitor.attribution.AttributionSettings;
import dev.omnichannel.monitor.attribution.MarkovModel;
import dev.omnichannel.monitor.attribution.ModelCredit;
import dev.omnichannel.monitor.attribution.PathAttribution;
import dev.omnichannel.monitor.attribution.PathCsv;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code attribute}: runs every attribution model over path-level data (a CSV of aggregated paths)
 * with the same model code as the pipeline, prints a table and optionally writes the credits as
 * CSV. No Flink. Invalid values throw a {@link UserException} that names the flag and the value;
 * problems in the file name the file and the line.
 */
@Command(
    name = "attribute",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Attributes conversions over path-level data, the exchange format of attribution tools: a"
          + " CSV with the columns path;total_conversions[;total_conversion_value][;total_null],"
          + " channels joined by ' > ' (each element is one touch).",
      "Runs every model (Markov of order --order) with the same code as the pipeline and prints"
          + " the attributed conversions per channel and model. TIME_DECAY is not computed: path"
          + " data has no touch times. With --output, writes"
          + " model,channel,attributed_conversions,attributed_value,removal_effect,value_removal_effect as CSV.",
      "Columns are found by name, in any order; without total_conversion_value the value is 0,"
          + " without total_null Markov sees no non-converting paths. Rows with the same path are"
          + " summed."
    })
public final class AttributeCommand implements Callable<Integer> {
  /** The models of the default run: every model except TIME_DECAY. */
  static final EnumSet<AttributionModel> DEFAULT_MODELS =
      EnumSet.complementOf(EnumSet.of(AttributionModel.TIME_DECAY));

  @Spec CommandSpec spec;

  @Option(
      names = "--input",
      required = true,
      paramLabel = "FILE",
      description = "The path-level CSV file.")
  Path input;

  @Option(
      names = "--order",
      paramLabel = "N",
      defaultValue = "1",
      description = "Markov chain order, 1..4 (default: ${DEFAULT-VALUE}).")
  String order;

  @Option(
      names = "--models",
      paramLabel = "LIST",
      description =
          "Comma-separated models (FIRST_TOUCH, LAST_TOUCH, LINEAR, PARTICIPATION,"
              + " POSITION_BASED, J_CURVE, INVERSE_J, MARKOV, SHAPLEY) or the groups all,"
              + " rule-based, data-driven (default: all). TIME_DECAY cannot be asked for; the"
              + " groups leave it out.")
  String models;

  @Option(
      names = "--separator",
      paramLabel = "CHAR",
      defaultValue = ";",
      description =
          "Field separator of the input, one character, or 'tab' (default: ${DEFAULT-VALUE}).")
  String separator;

  @Option(
      names = "--output",
      converter = LocalPathConverter.class,
      paramLabel = "FILE.csv",
      description =
          "Also write model,channel,attributed_conversions,attributed_value,removal_effect,"
              + "value_removal_effect (the removal effects only for MARKOV) to this CSV file"
              + " (replaced if it exists).")
  Path output;

  @Override
  public Integer call() throws IOException {
    int k = order();
    EnumSet<AttributionModel> enabled = models();
    char sep = separator();
    checkInput();
    checkOutput();

    PathCsv.Data data = PathCsv.read(input, sep);
    AttributionSettings settings =
        new AttributionSettings(enabled, k, AttributionSettings.DEFAULTS.halfLife());
    List<ModelCredit> credits = PathAttribution.attribute(data.paths(), settings);

    if (output != null) {
      write(credits);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(describe(data, enabled, k, credits));
    if (output != null) {
      out.println("Wrote " + credits.size() + " rows to " + output);
    }
    out.flush();
    return 0;
  }

  int order() {
    String text = order.trim();
    int k;
    try {
      k = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new UserException(
          "--order must be a whole number 1.." + MarkovModel.MAX_ORDER + ", got '" + order + "'");
    }
    if (k < 1 || k > MarkovModel.MAX_ORDER) {
      throw new UserException("--order must be 1.." + MarkovModel.MAX_ORDER + ", got " + k);
    }
    return k;
  }

  EnumSet<AttributionModel> models() {
    if (models == null) {
      return EnumSet.copyOf(DEFAULT_MODELS);
    }
    EnumSet<AttributionModel> out = EnumSet.noneOf(AttributionModel.class);
    for (String entry : models.split(",")) {
      String name = entry.trim().toUpperCase(Locale.ROOT).replace('-', '_');
      if (name.equals(AttributionModel.TIME_DECAY.name())) {
        throw new UserException(
            "--models "
                + models
                + ": TIME_DECAY needs touch times, which path-level data does not have; leave it"
                + " out");
      }
      if (name.isEmpty()) {
        throw new UserException("--models " + models + " has an empty entry");
      }
      EnumSet<AttributionModel> parsed;
      try {
        parsed = AttributionModel.parseList(entry);
      } catch (IllegalArgumentException e) {
        throw new UserException("--models: " + e.getMessage());
      }
      out.addAll(parsed);
    }
    out.remove(AttributionModel.TIME_DECAY);
    if (out.isEmpty()) {
      throw new UserException("--models " + models + " selects no model");
    }
    return out;
  }

  char separator() {
    String s = separator;
    if (s.equalsIgnoreCase("tab") || s.equals("\\t")) {
      return '\t';
    }
    if (s.length() != 1) {
      throw new UserException(
          "--separator must be one character (or 'tab'), got '" + separator + "'");
    }
    try {
      PathCsv.checkSeparator(s.charAt(0));
    } catch (IllegalArgumentException e) {
      throw new UserException("--separator: " + e.getMessage());
    }
    return s.charAt(0);
  }

  private void checkInput() {
    PathChecks.inputFile("--input", input);
  }

  private void checkOutput() throws IOException {
    if (output == null) {
      return;
    }
    PathChecks.outputFile("--output", output);
    if (Files.exists(output) && Files.isSameFile(output, input)) {
      throw new UserException("--output " + output + " is the input file");
    }
  }

  /** Writes next to the target, then renames, so a failed run never leaves half a file. */
  private void write(List<ModelCredit> credits) throws IOException {
    Path target = output.toAbsolutePath();
    Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
    try {
      try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        PathCsv.write(credits, w);
      }
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** The summary lines and the table: a row per channel, a column per model, then the totals. */
  static String describe(
      PathCsv.Data data, EnumSet<AttributionModel> enabled, int order, List<ModelCredit> credits) {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "%d rows, %d distinct paths, %d channels; %.2f conversions, value %.2f, %s.%n",
            data.rows(),
            data.paths().size(),
            data.channels(),
            data.conversions(),
            data.value(),
            data.hasNulls()
                ? String.format(Locale.ROOT, "%.2f non-converting journeys", data.nulls())
                : "no total_null column (Markov sees no non-converting paths)"));
    if (!data.hasValue()) {
      b.append("No total_conversion_value column: every value is 0.")
          .append(System.lineSeparator());
    }
    boolean markov = enabled.contains(AttributionModel.MARKOV);
    b.append("Attributed conversions per channel")
        .append(markov ? " (Markov order " + order + "):" : ":")
        .append(System.lineSeparator());

    List<AttributionModel> cols = new ArrayList<>(enabled);
    Map<String, Map<AttributionModel, ModelCredit>> rows = new LinkedHashMap<>();
    for (ModelCredit c : credits) {
      rows.computeIfAbsent(c.channel(), k -> new LinkedHashMap<>()).put(c.model(), c);
    }
    List<String> header = new ArrayList<>();
    header.add("channel");
    cols.forEach(m -> header.add(m.name()));
    boolean markovValue = markov && data.hasValue();
    if (markov) {
      header.add("MARKOV_REMOVAL_EFFECT");
    }
    if (markovValue) {
      header.add("MARKOV_VALUE");
      header.add("MARKOV_VALUE_REMOVAL_EFFECT");
    }
    List<List<String>> table = new ArrayList<>();
    table.add(header);
    double[] totals = new double[cols.size()];
    rows.forEach(
        (channel, byModel) -> {
          List<String> row = new ArrayList<>();
          row.add(channel);
          for (int i = 0; i < cols.size(); i++) {
            double v = byModel.get(cols.get(i)).conversions();
            totals[i] += v;
            row.add(fmt(v, 2));
          }
          if (markov) {
            row.add(fmt(byModel.get(AttributionModel.MARKOV).removalEffect(), 4));
          }
          if (markovValue) {
            ModelCredit m = byModel.get(AttributionModel.MARKOV);
            row.add(fmt(m.value(), 2));
            row.add(fmt(m.valueRemovalEffect(), 4));
          }
          table.add(row);
        });
    List<String> total = new ArrayList<>();
    total.add("TOTAL");
    for (double t : totals) {
      total.add(fmt(t, 2));
    }
    if (markov) {
      total.add("");
    }
    if (markovValue) {
      total.add(fmt(data.value(), 2));
      total.add("");
    }
    table.add(total);

    int[] width = new int[header.size()];
    for (List<String> row : table) {
      for (int i = 0; i < row.size(); i++) {
        width[i] = Math.max(width[i], row.get(i).length());
      }
    }
    for (List<String> row : table) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        String cell = row.get(i);
        if (i == 0) {
          line.append(cell).append(" ".repeat(width[0] - cell.length()));
        } else {
          line.append("  ").append(" ".repeat(width[i] - cell.length())).append(cell);
        }
      }
      b.append(line.toString().stripTrailing()).append(System.lineSeparator());
    }
    b.append("TIME_DECAY is not computed for path data: it needs touch times.")
        .append(System.lineSeparator());
    return b.toString();
  }

  private static String fmt(double v, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }
}
