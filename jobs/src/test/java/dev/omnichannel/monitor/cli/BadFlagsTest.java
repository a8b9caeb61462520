package dev.omnichannel.monitor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every option of every subcommand, tried bad. The options are read from picocli's model of the
 * real command line, so an option added later is covered without touching this test. Each gets the
 * bad values of its kind (empty, negative, too large, not a number, a wrong unit, a wrong choice, a
 * missing file, a directory for a file, a file for a directory, ...), and each bad command line,
 * run in-process through {@link Main}, must exit 2 with exactly one line on stderr that names the
 * flag and the value (an empty value as {@code ''}), and no stack trace.
 *
 * <p>The bad value must be caught before any work. {@code backfill} and {@code stream} get an HMAC
 * key file that is too short, which they reject after checking every flag and before any work: a
 * bad value that slipped through would report the key instead of itself (and never reach Flink).
 * The other commands get the smallest valid settings, so a bad value that slipped through would run
 * a small job and exit 0.
 */
class BadFlagsTest {
  /** The options picocli adds to every command; they take no value. */
  static final Set<String> EXEMPT = Set.of("--help", "--version");

  static final String HUGE = "99999999999999999999"; // beyond long

  @TempDir Path dir;

  private Path keyTooShort;
  private Path events;
  private Path plain;
  private Path aDir;
  private Path otherFilesOnly;
  private Path missing;
  private Path csv;
  private Path badRules;
  private Path badMapping;
  private Path anOutput;

  /** What an option's value is, which decides its bad values. */
  enum Kind {
    FLAG,
    NUMBER,
    DURATION,
    DATE,
    INPUT_FILE,
    INPUT_DIR,
    OUTPUT_DIR,
    OUTPUT_LOCATION,
    INPUT_LOCATION,
    OUTPUT_FILE,
    OUTPUT_FILE_CREATING_DIRS,
    KEY_VALUE,
    CHOICE,
    MODEL_LIST,
    TEXT
  }

  /** Path options whose role is not the one their label suggests (FILE: input, DIR: output). */
  static final Map<String, Kind> PATH_ROLES =
      Map.of(
          "report --output", Kind.INPUT_DIR,
          "expire --output", Kind.INPUT_DIR,
          "erase --output", Kind.INPUT_DIR,
          "explain --output", Kind.INPUT_DIR,
          "files --output", Kind.INPUT_DIR,
          "report --report", Kind.OUTPUT_FILE_CREATING_DIRS,
          "attribute --output", Kind.OUTPUT_FILE);

  /** One bad command line; {@code value} is null when there is none to name. */
  record Case(String command, String option, String value, List<String> args, String[] mustName) {
    String name() {
      return command + " " + option + " = " + (value.isEmpty() ? "''" : value);
    }
  }

  @TestFactory
  Stream<DynamicNode> everyOptionOfEverySubcommandRefusesBadValuesInOneLine() throws Exception {
    fixtures();
    CommandLine root = Main.commandLine();
    for (OptionSpec o : root.getCommandSpec().options()) {
      assertThat(EXEMPT).as("the top-level options").contains(o.longestName());
    }
    List<DynamicNode> nodes = new ArrayList<>();
    int declared = 0;
    int covered = 0;
    int values = 0;
    List<String> exempt = new ArrayList<>();
    Map<String, CommandLine> subcommands = new TreeMap<>(root.getSubcommands());
    for (Map.Entry<String, CommandLine> sub : subcommands.entrySet()) {
      String command = sub.getKey();
      List<DynamicNode> tests = new ArrayList<>();
      int options = 0;
      for (OptionSpec o : sub.getValue().getCommandSpec().options()) {
        declared++;
        if (EXEMPT.contains(o.longestName())) {
          assertThat(o.usageHelp() || o.versionHelp()).as(o.longestName()).isTrue();
          exempt.add(command + " " + o.longestName());
          continue;
        }
        List<Case> cases = cases(command, o);
        assertThat(cases).as("bad values of %s %s", command, o.longestName()).isNotEmpty();
        covered++;
        options++;
        values += cases.size();
        for (Case c : cases) {
          tests.add(DynamicTest.dynamicTest(c.name(), () -> check(c)));
        }
      }
      nodes.add(
          DynamicContainer.dynamicContainer(
              command + ": " + options + " options, " + tests.size() + " bad values", tests));
    }
    String summary =
        "covered "
            + covered
            + " options of "
            + subcommands.size()
            + " subcommands with "
            + values
            + " bad values ("
            + exempt.size()
            + " exempt: --help and --version, which take no value)";
    System.out.println(summary);
    int total = declared;
    int all = covered;
    nodes.add(
        DynamicTest.dynamicTest(
            summary,
            () ->
                assertThat(all)
                    .as("options covered = options declared, less --help/--version")
                    .isEqualTo(total - exempt.size())));
    // A floor, so that a change in how options are found cannot quietly empty the test.
    assertThat(covered).as("options found").isGreaterThanOrEqualTo(70);
    return nodes.stream();
  }

  /**
   * The other ways to get a command line wrong, for every subcommand: an unknown option, each
   * required option left out, each option that takes a value given none. One line naming the
   * option, exit 2.
   */
  @TestFactory
  Stream<DynamicNode> unknownMissingAndValuelessOptionsAreOneLine() throws Exception {
    fixtures();
    CommandLine root = Main.commandLine();
    List<DynamicNode> nodes = new ArrayList<>();
    nodes.add(
        DynamicTest.dynamicTest(
            "an unknown subcommand",
            () -> check(new Case("", "nope", null, List.of("nope"), new String[0]))));
    int cases = 0;
    for (Map.Entry<String, CommandLine> sub : new TreeMap<>(root.getSubcommands()).entrySet()) {
      String command = sub.getKey();
      List<DynamicNode> tests = new ArrayList<>();
      List<String> unknown = args(command, base(command));
      // picocli's help command takes a command name, and shows the general usage for an option
      String wrong = command.equals("help") ? "nope" : "--no-such-option";
      unknown.add(wrong);
      Case u = new Case(command, wrong, null, unknown, new String[0]);
      tests.add(DynamicTest.dynamicTest(command + " " + wrong, () -> check(u)));
      for (OptionSpec o : sub.getValue().getCommandSpec().options()) {
        String name = o.longestName();
        // an option of a group of alternatives is "required" only when the base uses it
        if (o.required() && (o.group() == null || base(command).containsKey(name))) {
          Map<String, List<String>> m = base(command);
          m.remove(name);
          Case c = new Case(command, name, null, args(command, m), new String[] {"required"});
          tests.add(DynamicTest.dynamicTest(command + " without " + name, () -> check(c)));
        }
        if (o.arity().min() >= 1) {
          Map<String, List<String>> m = base(command);
          m.remove(name);
          context(command, name, m);
          List<String> a = args(command, m);
          a.add(name);
          Case c = new Case(command, name, null, a, new String[] {"parameter"});
          tests.add(
              DynamicTest.dynamicTest(command + " " + name + " without a value", () -> check(c)));
        }
      }
      cases += tests.size();
      nodes.add(DynamicContainer.dynamicContainer(command + ": " + tests.size() + " cases", tests));
    }
    assertThat(cases).as("cases").isGreaterThanOrEqualTo(80);
    return nodes.stream();
  }

  /** Runs one bad command line and checks the one line it must print. */
  private static void check(Case c) {
    CliTest.Run r = CliTest.run(c.args().toArray(String[]::new));
    String line = r.err().strip();
    assertThat(r.code()).as("exit code of %s; stderr: %s", c.args(), r.err()).isEqualTo(2);
    assertThat(r.err().lines().toList()).as("stderr of %s", c.args()).hasSize(1);
    assertThat(line)
        .as("the line for %s", c.args())
        .startsWith("error: ")
        .contains(c.option())
        .doesNotContain("\tat ", "Exception", "at dev.omnichannel");
    if (c.value() != null) {
      assertThat(line)
          .as("the line for %s", c.args())
          .contains(c.value().isEmpty() ? "''" : c.value());
    }
    for (String s : c.mustName()) {
      assertThat(line).as("the line for %s", c.args()).contains(s);
    }
  }

  /** A mapping that checks: the example call-log mapping. */
  private static final Path EXAMPLE_MAPPING =
      Path.of("..", "examples", "mappings", "contact-centre.yaml").toAbsolutePath().normalize();

  private void fixtures() throws Exception {
    keyTooShort = Files.writeString(dir.resolve("short.key"), "abc");
    events = Files.writeString(dir.resolve("events.jsonl"), "{}\n");
    plain = Files.writeString(dir.resolve("plain.txt"), "not a directory\n");
    aDir = Files.createDirectories(dir.resolve("a-dir"));
    otherFilesOnly = Files.createDirectories(dir.resolve("other-files"));
    Files.writeString(otherFilesOnly.resolve("notes.txt"), "x\n");
    missing = dir.resolve("missing").resolve("nothing-here");
    anOutput = Files.createDirectories(dir.resolve("an-output").resolve("_runs")).getParent();
    badRules = Files.writeString(dir.resolve("bad-rules.yaml"), "never_link: [[email:a@x.com]]\n");
    badMapping = Files.writeString(dir.resolve("bad-mapping.yaml"), "format: xls\n");
    csv =
        Files.writeString(
            dir.resolve("paths.csv"),
            "path;total_conversions;total_conversion_value;total_null\nA > B;2;10;1\n");
  }

  /** A valid command line of each subcommand, option by option. */
  private Map<String, List<String>> base(String command) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    Path out = dir.resolve("out-" + command);
    switch (command) {
      case "backfill" -> {
        m.put("--input", List.of(events.toString()));
        m.put("--output", List.of(out.toString()));
        m.put("--hmac-key-file", List.of(keyTooShort.toString()));
      }
      case "stream" -> {
        m.put("--bootstrap-servers", List.of("127.0.0.1:9"));
        m.put("--topic", List.of("events"));
        m.put("--output", List.of(out.toString()));
        m.put("--hmac-key-file", List.of(keyTooShort.toString()));
      }
      case "generate" -> {
        m.put("--output", List.of(out.toString()));
        m.put("--customers", List.of("1"));
        m.put("--days", List.of("1"));
      }
      case "demo" -> {
        m.put("--output", List.of(out.toString()));
        m.put("--customers", List.of("1"));
        m.put("--days", List.of("1"));
      }
      case "bench" -> m.put("--events", List.of("1000"));
      case "attribute" -> m.put("--input", List.of(csv.toString()));
      case "report" -> m.put("--output", List.of(aDir.toString()));
      case "expire" -> {
        m.put("--output", List.of(anOutput.toString()));
        m.put("--retention-days", List.of("30"));
      }
      case "erase" -> {
        m.put("--output", List.of(anOutput.toString()));
        m.put("--person", List.of("p-0000000000000000"));
      }
      case "explain" -> {
        m.put("--output", List.of(anOutput.toString()));
        m.put("--person", List.of("p-0123456789abcdef"));
      }
      case "files" -> {
        m.put("--output", List.of(anOutput.toString()));
        m.put("--table", List.of("events"));
      }
      default -> {}
    }
    return m;
  }

  /** The other options an option needs to be looked at, and the ones it excludes. */
  private void context(String command, String option, Map<String, List<String>> m) {
    switch (command + " " + option) {
      case "backfill --today" -> m.put("--replay-days", List.of("1"));
      case "generate --topic" -> m.put("--kafka", List.of("127.0.0.1:9"));
      case "generate --kafka" -> m.put("--topic", List.of("events"));
      case "generate --kafka-property", "generate --schema-registry" -> {
        m.put("--kafka", List.of("127.0.0.1:9"));
        m.put("--topic", List.of("events"));
      }
      case "stream --alerts-format" -> m.put("--alerts-topic", List.of("alerts"));
      case "stream --dlq-format" -> m.put("--dlq-topic", List.of("dead-letters"));
      case "generate --events" -> m.remove("--customers");
      case "demo --customers" -> m.remove("--days"); // the default 60 days: a larger data set
      case "stream --topic-pattern" -> m.remove("--topic");
      case "bench --repeat" -> m.put("--attribution-paths", List.of(csv.toString()));
      case "erase --requests" -> m.remove("--person");
      case "explain --identity" -> m.remove("--person"); // one of the two
      default -> {}
    }
  }

  /** Extra bad values of text options, whose type says nothing of their domain. */
  private List<String> extras(String command, String option) {
    return switch (command + " " + option) {
      case "backfill --input" ->
          List.of(
              missing.toString(),
              plain.toString(),
              otherFilesOnly.toString(),
              dir.resolve("*.nothing").toString());
      case "stream --bootstrap-servers", "generate --kafka" ->
          List.of("nohost", "127.0.0.1:" + HUGE, "127.0.0.1:0");
      case "stream --topic", "stream --alerts-topic", "stream --dlq-topic", "generate --topic" ->
          List.of("bad/name");
      case "stream --topic-pattern" -> List.of("events-(");
      // registry needs --schema-registry
      case "stream --alerts-format", "stream --dlq-format" -> List.of("registry", "avro");
      case "stream --schema-registry", "generate --schema-registry" ->
          List.of(
              "127.0.0.1:8081",
              "ftp://127.0.0.1:8081",
              "http://",
              "http://127.0.0.1:8081/?x=1",
              "http://bad host:8081");
      case "stream --starting-offsets" ->
          List.of("NOPE", "timestamp:-1", "timestamp:" + HUGE, "timestamp:soon");
      case "stream --run-id" -> List.of("a/b", "..");
      case "stream --checkpoint-dir" ->
          List.of(
              plain.toString(),
              plain.resolve("sub").toString(),
              "s3:///checkpoints",
              "s3://Bad_Bucket/checkpoints",
              "gs://bucket/checkpoints");
      case "stream --restore-from" ->
          List.of(missing.toString(), "s3://", "s3a:///savepoints", "gs://bucket/savepoints");
      case "expire --output", "erase --output", "explain --output" ->
          List.of(aDir.toString()); // a directory that holds no output
      case "erase --identity" ->
          List.of("customer_id=unknown", "email=", "email= ", ":x=1", "phone=call me");
      case "erase --person" -> List.of("p-123", "P-0123456789ABCDEF", "customer_id=C1");
      case "erase --request-id" -> List.of("a/b", "..", "-x");
      case "erase --requests" -> List.of(plain.toString()); // not JSON Lines
      // a mapping that does not check, a file that is not a mapping at all
      case "backfill --mapping" -> List.of(badMapping.toString(), plain.toString());
      // TOPIC=FILE: no file, a missing file or a directory, a mapping that does not check, a
      // topic the job does not read (with a good mapping)
      case "stream --mapping" ->
          List.of(
              "events=",
              "events=" + missing,
              "events=" + aDir,
              "events=" + badMapping,
              "events=" + plain,
              "other=" + EXAMPLE_MAPPING);
      case "backfill --identity-rules", "stream --identity-rules" ->
          List.of(badRules.toString(), plain.toString());
      // a file that is not a suppression list: the error names the file and the line
      case "backfill --suppression-list", "stream --suppression-list" -> List.of(plain.toString());
      case "backfill --namespace-limit", "stream --namespace-limit" ->
          List.of("cookie_id=0", "cookie_id=lots", "cookie_id=" + HUGE, "cookie_id=");
      case "backfill --pattern-param", "stream --pattern-param" ->
          List.of("no.such.param=3", "cart.abandon-after=soon", "cart.abandon-after=");
      case "stream --kafka", "generate --kafka-property" ->
          List.of("bootstrap.servers=127.0.0.1:1", "group.id=g");
      case "attribute --separator" -> List.of("ab", ">");
      case "attribute --models" -> List.of("TIME_DECAY");
      case "explain --person" -> List.of("c-17", "p-0123");
      case "explain --identity" -> List.of("customer_id=", "=c-17", "customer_id=unknown");
      default -> List.of();
    };
  }

  /**
   * Values in range whose data set would need more than 40 GB of heap: refused up front, naming the
   * flag and -Xmx, instead of running out of memory later. Only tried in a JVM with less than 32 GB
   * of heap, where they cannot fit.
   */
  private static List<String> tooLargeForTheHeap(String command, String option) {
    if (Runtime.getRuntime().maxMemory() >= 32L << 30) {
      return List.of();
    }
    return switch (command + " " + option) {
      case "generate --events", "bench --events" -> List.of("1000000000");
      case "demo --customers" -> List.of("10000000");
      default -> List.of();
    };
  }

  private List<Case> cases(String command, OptionSpec o) {
    String name = o.longestName();
    Kind kind = kind(command, o);
    List<Case> out = new ArrayList<>();
    Consumer<String> bad = v -> out.add(make(command, o, v, false));
    switch (kind) {
      case FLAG -> {
        out.add(make(command, o, "NOPE", true));
        out.add(make(command, o, "", true));
      }
      case NUMBER -> numbers(o).forEach((v, bound) -> out.add(make(command, o, v, false, bound)));
      case DURATION -> {
        for (String v : List.of("", "5 parsecs", "5y", "3")) {
          out.add(make(command, o, v, false, UNITS));
        }
        for (String v : List.of("-3m", "PT-5M")) {
          out.add(make(command, o, v, false, "negative"));
        }
        for (String v : List.of(HUGE + "d", "36501d", "PT" + HUGE + "H")) {
          out.add(make(command, o, v, false, "at most 36500d"));
        }
        if (!(converter(o) instanceof DurationConverter.NonNegative)) {
          bad.accept("0s");
        }
      }
      case DATE -> {
        for (String v : List.of("", "2026-13-01", "2026-02-30", "yesterday", "+999999999-12-31")) {
          bad.accept(v);
        }
      }
      case INPUT_FILE -> {
        for (Path p : List.of(missing, aDir)) {
          bad.accept(p.toString());
        }
        bad.accept("s3://bucket/file");
        bad.accept("");
      }
      case INPUT_DIR -> {
        for (Path p : List.of(missing, plain)) {
          bad.accept(p.toString());
        }
        bad.accept("");
      }
      case OUTPUT_DIR -> {
        for (Path p : List.of(plain, plain.resolve("sub"))) {
          bad.accept(p.toString());
        }
        bad.accept("s3://bucket/out");
        bad.accept("");
      }
      case OUTPUT_LOCATION, INPUT_LOCATION -> {
        // a local folder, or an object store's URI (which must name a bucket)
        List<Path> local =
            kind == Kind.OUTPUT_LOCATION
                ? List.of(plain, plain.resolve("sub"))
                : List.of(plain, missing);
        for (Path p : local) {
          bad.accept(p.toString());
        }
        for (String v :
            List.of(
                "s3://",
                "s3:///out",
                "s3:/bucket/out",
                "s3://Bad_Bucket/out",
                "s3://bucket:9000/out",
                "s3://bucket/out?x=1",
                "s3://bucket/../out",
                "hdfs://namenode/out",
                "")) {
          bad.accept(v);
        }
        // GCS is reached through its S3 interoperability endpoint: the line says so
        out.add(make(command, o, "gs://bucket/out", false, "S3 interoperability endpoint"));
      }
      case OUTPUT_FILE -> {
        for (Path p : List.of(aDir, missing.resolve("x.csv"), plain.resolve("x.csv"))) {
          bad.accept(p.toString());
        }
        bad.accept("s3://bucket/out.csv");
        bad.accept("");
      }
      case OUTPUT_FILE_CREATING_DIRS -> {
        for (Path p : List.of(aDir, plain.resolve("x.html"), plain.resolve("sub/x.html"))) {
          bad.accept(p.toString());
        }
        bad.accept("s3://bucket/out.html");
        bad.accept("");
      }
      case KEY_VALUE -> {
        for (String v : List.of("", "novalue", "=3")) {
          bad.accept(v);
        }
      }
      case CHOICE -> {
        List<String> choices = Arrays.asList(o.paramLabel().split("\\|"));
        bad.accept("");
        Case c = make(command, o, "NOPE", false);
        // a wrong choice is told the right ones
        out.add(
            new Case(c.command(), c.option(), c.value(), c.args(), choices.toArray(String[]::new)));
      }
      case MODEL_LIST -> {
        for (String v : List.of("", "NOPE", ",", "LINEAR,,MARKOV")) {
          bad.accept(v);
        }
      }
      case TEXT -> bad.accept("");
    }
    extras(command, name).forEach(bad);
    tooLargeForTheHeap(command, name).forEach(v -> out.add(make(command, o, v, false, "-Xmx")));
    return out;
  }

  /**
   * The bad values of a number option, from the range its converter declares, each with the bound
   * its line must name (or null).
   */
  private static Map<String, String> numbers(OptionSpec o) {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("", null);
    values.put("abc", null);
    if (converter(o) instanceof Numbers.Bounded b) {
      boolean decimal = b instanceof Numbers.DoubleRange;
      String min = plain(new BigDecimal(b.min().toString()));
      String max = plain(new BigDecimal(b.max().toString()));
      if (decimal) {
        for (String v : List.of("NaN", "Infinity", "1e400", "0x10")) {
          values.put(v, null);
        }
      } else {
        values.put("1.5", null);
        values.put(HUGE, max);
        values.put("-" + HUGE, min);
      }
      BigDecimal lo = new BigDecimal(b.min().toString());
      BigDecimal hi = new BigDecimal(b.max().toString());
      if (lo.compareTo(new BigDecimal(typeMin(o))) > 0) {
        values.put(plain(lo.subtract(BigDecimal.ONE)), min);
      }
      if (hi.compareTo(new BigDecimal(typeMax(o))) < 0) {
        values.put(plain(hi.add(BigDecimal.ONE)), max);
      }
    } else {
      // a count given as text (--replay-days, --order): none of these is one
      for (String v : List.of("1.5", "-1", "0", HUGE)) {
        values.put(v, null);
      }
    }
    return values;
  }

  private static String plain(BigDecimal d) {
    return d.stripTrailingZeros().toPlainString();
  }

  private static String typeMin(OptionSpec o) {
    Class<?> t = o.type();
    if (t == int.class || t == Integer.class) {
      return String.valueOf(Integer.MIN_VALUE);
    }
    if (t == long.class || t == Long.class) {
      return String.valueOf(Long.MIN_VALUE);
    }
    return "-1e308";
  }

  private static String typeMax(OptionSpec o) {
    Class<?> t = o.type();
    if (t == int.class || t == Integer.class) {
      return String.valueOf(Integer.MAX_VALUE);
    }
    if (t == long.class || t == Long.class) {
      return String.valueOf(Long.MAX_VALUE);
    }
    return "1e308";
  }

  private static ITypeConverter<?> converter(OptionSpec o) {
    ITypeConverter<?>[] c = o.converters();
    return c == null || c.length == 0 ? null : c[0];
  }

  /** The kind of an option, from its type, converter and label. */
  static Kind kind(String command, OptionSpec o) {
    String name = o.longestName();
    Class<?> type = o.type();
    Class<?> element = o.auxiliaryTypes().length > 0 ? o.auxiliaryTypes()[0] : type;
    String label = o.paramLabel();
    if (o.arity().max() == 0) {
      return Kind.FLAG;
    }
    if (Set.of(int.class, Integer.class, long.class, Long.class, double.class, Double.class)
        .contains(type)) {
      if (!(converter(o) instanceof Numbers.Bounded)) {
        fail(
            "%s %s is a number without a declared range: give it a converter from Numbers",
            command, name);
      }
      return Kind.NUMBER;
    }
    if (type == Duration.class) {
      return Kind.DURATION;
    }
    if (type == LocalDate.class) {
      return Kind.DATE;
    }
    if (element == OutputLocation.class) {
      Kind role = PATH_ROLES.get(command + " " + name);
      return role == Kind.INPUT_DIR ? Kind.INPUT_LOCATION : Kind.OUTPUT_LOCATION;
    }
    if (element == Path.class) {
      Kind role = PATH_ROLES.get(command + " " + name);
      if (role != null) {
        return role;
      }
      if (label.startsWith("FILE")) {
        return Kind.INPUT_FILE;
      }
      if (label.equals("DIR")) {
        return Kind.OUTPUT_DIR;
      }
      fail(
          "%s %s is a path of unknown role (label %s): add it to PATH_ROLES", command, name, label);
    }
    if (element == String.class) {
      if (label.contains("=")) {
        return Kind.KEY_VALUE;
      }
      if (label.contains("|")) {
        return Kind.CHOICE;
      }
      if (label.equals("N") || label.equals("K")) {
        return Kind.NUMBER;
      }
      if (label.equals("LIST")) {
        return Kind.MODEL_LIST;
      }
      return Kind.TEXT;
    }
    return fail("%s %s has a type this test does not know: %s", command, name, type);
  }

  /** The command line of {@code command} with {@code value} for {@code o}. */
  private Case make(String command, OptionSpec o, String value, boolean attached) {
    return make(command, o, value, attached, null);
  }

  /** The same, and a text the line must contain besides the flag and the value (or null). */
  private Case make(String command, OptionSpec o, String value, boolean attached, String mustName) {
    String name = o.longestName();
    Map<String, List<String>> m = base(command);
    m.remove(name);
    context(command, name, m);
    List<String> args = args(command, m);
    if (attached) {
      args.add(name + "=" + value);
    } else {
      args.add(name);
      args.add(value);
    }
    return new Case(
        command, name, value, args, mustName == null ? new String[0] : new String[] {mustName});
  }

  /** The command line of {@code command} with the options of {@code m}. */
  private static List<String> args(String command, Map<String, List<String>> m) {
    List<String> args = new ArrayList<>();
    args.add(command);
    m.forEach(
        (k, v) -> {
          args.add(k);
          args.addAll(v);
        });
    return args;
  }

  /** The unit list a wrong duration must show. */
  static final String UNITS = "ms, s, m, h, d or w";
}
