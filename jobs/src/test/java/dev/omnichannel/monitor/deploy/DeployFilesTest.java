package dev.omnichannel.monitor.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.omnichannel.monitor.cli.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.HighAvailabilityOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import picocli.CommandLine;

/**
 * Static checks of the files in {@code deploy/} (kubernetes, docker, cron): no Docker engine or
 * Kubernetes cluster runs on the build machine, so these files are parsed and cross-checked instead
 * of run. Every command line they hold is parsed with the job's real picocli command spec, so a
 * renamed or misspelt flag fails here.
 */
class DeployFilesTest {
  /** Tests run in {@code jobs/}; the repository root is its parent. */
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  static final Path KUBERNETES = ROOT.resolve("deploy/kubernetes");
  static final Path DOCKERFILE = ROOT.resolve("deploy/docker/Dockerfile");
  static final Path COMPOSE = ROOT.resolve("deploy/docker/compose.yaml");
  static final Path CRONTAB = ROOT.resolve("deploy/cron/crontab.example");

  static final String JAR_NAME = "omnichannel-monitor.jar";
  static final String FLINK_API = "flink.apache.org/v1beta1";

  /** Any date: the crontab's {@code $(date ...)} substitutions are replaced by it. */
  static final String SOME_DATE = "2026-01-04";

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @BeforeAll
  static void cores() {
    // Main.execute sets it before parsing; --parallelism's default refers to it.
    if (System.getProperty("omni.cores") == null) {
      System.setProperty("omni.cores", "2");
    }
  }

  // ---------------------------------------------------------------- YAML

  @Test
  void everyYamlFileParses() throws IOException {
    List<Path> files = new ArrayList<>(kubernetesFiles());
    files.add(COMPOSE);
    assertThat(kubernetesFiles()).as("YAML files under %s", KUBERNETES).isNotEmpty();
    for (Path f : files) {
      List<JsonNode> docs = documents(f);
      assertThat(docs).as("documents in %s", ROOT.relativize(f)).isNotEmpty();
    }
    for (Path f : kubernetesFiles()) {
      for (JsonNode doc : documents(f)) {
        String where = ROOT.relativize(f).toString();
        assertThat(text(doc, "apiVersion")).as("apiVersion in %s", where).isNotBlank();
        assertThat(text(doc, "kind")).as("kind in %s", where).isNotBlank();
        assertThat(text(doc, "metadata", "name")).as("metadata.name in %s", where).isNotBlank();
      }
    }
  }

  // ---------------------------------------------------------------- FlinkDeployments

  @Test
  void everyFlinkDeploymentHasWhatTheOperatorNeeds() throws IOException {
    List<Named> deployments = resources("FlinkDeployment");
    assertThat(deployments).as("FlinkDeployments under deploy/kubernetes").hasSizeGreaterThan(1);
    String jarPath = dockerJarPath();
    for (Named d : deployments) {
      JsonNode r = d.node();
      String where = d.where();
      assertThat(text(r, "apiVersion")).as("apiVersion of %s", where).isEqualTo(FLINK_API);
      assertThat(text(r, "spec", "image")).as("spec.image of %s", where).isNotBlank();
      assertThat(text(r, "spec", "flinkVersion"))
          .as("spec.flinkVersion of %s (the image is Flink 2.x)", where)
          .matches("v2_\\d+");
      assertThat(text(r, "spec", "jobManager", "resource", "memory"))
          .as("spec.jobManager.resource.memory of %s", where)
          .isNotBlank();
      assertThat(text(r, "spec", "taskManager", "resource", "memory"))
          .as("spec.taskManager.resource.memory of %s", where)
          .isNotBlank();
      assertThat(text(r, "spec", "job", "jarURI"))
          .as("spec.job.jarURI of %s: the jar the Dockerfile puts in the image", where)
          .isEqualTo("local://" + jarPath);
      assertThat(text(r, "spec", "job", "entryClass"))
          .as("spec.job.entryClass of %s", where)
          .isEqualTo(Main.class.getName());
      assertThat(text(r, "spec", "job", "upgradeMode"))
          .as("spec.job.upgradeMode of %s", where)
          .isIn("savepoint", "last-state", "stateless");
      List<String> args = strings(r.at("/spec/job/args"));
      assertThat(args).as("spec.job.args of %s", where).isNotEmpty();
      // The job sets its parallelism from --parallelism (default: the cores of the JVM running
      // main(), i.e. the JobManager pod), which overrides spec.job.parallelism.
      JsonNode parallelism = r.at("/spec/job/parallelism");
      assertThat(parallelism.isMissingNode()).as("spec.job.parallelism of %s", where).isFalse();
      assertThat(option(args, "--parallelism"))
          .as("--parallelism in the args of %s must equal spec.job.parallelism", where)
          .isEqualTo(parallelism.asText());
      // main() runs in the JobManager: it resolves --input and creates --output there, and the
      // TaskManagers read and write the same paths.
      for (String role : List.of("jobManager", "taskManager")) {
        List<String> mounts = mountPaths(r.at("/spec/" + role + "/podTemplate/spec"));
        assertPathsMounted(args, mounts, where + " " + role);
      }
      assertThat(hmacSecret(r.at("/spec/jobManager/podTemplate/spec/containers")))
          .as("env OMNI_HMAC_KEY of the JobManager of %s, from a Secret", where)
          .isIn(exampleSecretKeys());
    }
  }

  @Test
  void theStreamDeploymentKeepsItsStateDurably() throws IOException {
    Named stream = deploymentRunning("stream");
    JsonNode r = stream.node();
    String where = stream.where();
    assertThat(text(r, "spec", "job", "upgradeMode"))
        .as("spec.job.upgradeMode of %s", where)
        .isEqualTo("savepoint");
    JsonNode conf = r.at("/spec/flinkConfiguration");
    String checkpoints = config(conf, CheckpointingOptions.CHECKPOINTS_DIRECTORY);
    String savepoints = config(conf, CheckpointingOptions.SAVEPOINT_DIRECTORY);
    String haType = config(conf, HighAvailabilityOptions.HA_MODE);
    String haDir = config(conf, HighAvailabilityOptions.HA_STORAGE_PATH);
    assertThat(checkpoints).as("state.checkpoints.dir of %s", where).isNotBlank();
    assertThat(savepoints).as("state.savepoints.dir of %s", where).isNotBlank();
    assertThat(haType).as("high-availability.type of %s", where).isEqualTo("kubernetes");
    assertThat(haDir).as("high-availability.storageDir of %s", where).isNotBlank();
    for (String dir : List.of(checkpoints, savepoints, haDir)) {
      assertThat(dir).as("durable storage of %s is a URI outside the pods", where).contains("://");
      assertThat(dir).doesNotStartWith("file:");
    }
    List<String> args = strings(r.at("/spec/job/args"));
    // The job sets the checkpoint directory from --checkpoint-dir (default: under --output),
    // which overrides the cluster's state.checkpoints.dir.
    assertThat(option(args, "--checkpoint-dir"))
        .as("--checkpoint-dir in the args of %s must equal state.checkpoints.dir", where)
        .isEqualTo(checkpoints);
    assertThat(option(args, "--run-id"))
        .as("a stable --run-id in the args of %s", where)
        .isNotBlank();
  }

  @Test
  void theBackfillDeploymentIsStateless() throws IOException {
    Named backfill = deploymentRunning("backfill");
    assertThat(text(backfill.node(), "spec", "job", "upgradeMode"))
        .as("spec.job.upgradeMode of %s", backfill.where())
        .isEqualTo("stateless");
  }

  // ---------------------------------------------------------------- CronJob

  @Test
  void theReplayCronJobRunsABackfillOnTheSameImage() throws IOException {
    List<Named> cronJobs = resources("CronJob");
    assertThat(cronJobs).as("CronJobs under deploy/kubernetes").isNotEmpty();
    Set<String> images = imagesOfFlinkDeployments();
    String jarPath = dockerJarPath();
    for (Named c : cronJobs) {
      JsonNode r = c.node();
      String where = c.where();
      assertThat(text(r, "apiVersion")).as("apiVersion of %s", where).isEqualTo("batch/v1");
      assertThat(text(r, "spec", "schedule"))
          .as("spec.schedule of %s", where)
          .matches("\\S+( \\S+){4}");
      assertThat(text(r, "spec", "concurrencyPolicy"))
          .as(
              "spec.concurrencyPolicy of %s: two replays must not replace the same days at once",
              where)
          .isEqualTo("Forbid");
      JsonNode pod = r.at("/spec/jobTemplate/spec/template/spec");
      JsonNode containers = pod.path("containers");
      assertThat(containers.size()).as("containers of %s", where).isPositive();
      for (JsonNode container : containers) {
        String image = text(container, "image");
        assertThat(image).as("image of %s", where).isNotBlank();
        assertThat(images)
            .as("the image of %s is the one the FlinkDeployments run", where)
            .containsExactly(image);
        List<String> command = new ArrayList<>(strings(container.path("command")));
        command.addAll(strings(container.path("args")));
        List<String> cli = afterJar(command, where);
        assertThat(command).as("command of %s", where).contains(jarPath);
        assertThat(cli).as("command of %s", where).first().isEqualTo("backfill");
        assertPathsMounted(cli, mountPaths(pod), where);
        assertThat(hmacSecret(containers))
            .as("env OMNI_HMAC_KEY of %s", where)
            .isIn(exampleSecretKeys());
      }
    }
  }

  // ---------------------------------------------------------------- command lines

  /** Every command line of the job in deploy/, parsed with the real CLI. */
  @TestFactory
  Stream<DynamicTest> everyCommandLineIsValidForTheRealCli() throws IOException {
    Map<String, List<String>> lines = commandLines();
    assertThat(lines.keySet())
        .as("command lines found")
        .anyMatch(k -> k.contains("stream-deployment"))
        .anyMatch(k -> k.contains("backfill-job"))
        .anyMatch(k -> k.contains("replay-cronjob"))
        .anyMatch(k -> k.contains("compose"))
        .anyMatch(k -> k.contains("crontab"));
    assertThat(lines.values()).as("a --replay-days run").anyMatch(a -> a.contains("--replay-days"));
    return lines.entrySet().stream()
        .map(
            e ->
                DynamicTest.dynamicTest(
                    e.getKey() + ": " + String.join(" ", e.getValue()),
                    () -> parses(e.getKey(), e.getValue())));
  }

  private static void parses(String where, List<String> args) {
    try {
      CommandLine.ParseResult parsed = Main.commandLine().parseArgs(args.toArray(String[]::new));
      assertThat(parsed.hasSubcommand()).as("%s names a subcommand", where).isTrue();
    } catch (CommandLine.ParameterException e) {
      fail("%s is not a valid command line: %s%n  %s", where, e.getMessage(), args);
    }
    for (String flag : List.of("--input", "--output")) {
      for (String value : options(args, flag)) {
        // The job reads and writes these with java.nio: Path.of("s3://b/x") quietly becomes the
        // local relative path "s3:/b/x".
        assertThat(value)
            .as("%s %s in %s is a file path, not a URI", flag, value, where)
            .doesNotContain("://");
      }
    }
  }

  /** Where each command line was found, and its arguments after the jar. */
  static Map<String, List<String>> commandLines() throws IOException {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Named d : resources("FlinkDeployment")) {
      out.put(d.where() + " spec.job.args", strings(d.node().at("/spec/job/args")));
    }
    for (Named c : resources("CronJob")) {
      int i = 0;
      for (JsonNode container : c.node().at("/spec/jobTemplate/spec/template/spec/containers")) {
        List<String> command = new ArrayList<>(strings(container.path("command")));
        command.addAll(strings(container.path("args")));
        out.put(c.where() + " container " + i++, afterJar(command, c.where()));
      }
    }
    JsonNode services = documents(COMPOSE).get(0).path("services");
    services
        .fields()
        .forEachRemaining(
            s -> {
              List<String> command = commandOf(s.getValue());
              if (command.stream().anyMatch(t -> t.endsWith(JAR_NAME))) {
                String where = "compose.yaml service " + s.getKey();
                out.put(where, afterJar(command, where));
              }
            });
    int n = 0;
    for (String entry : crontabEntries()) {
      n++;
      if (entry.contains(JAR_NAME)) {
        String where = "crontab.example entry " + n;
        out.put(where, afterJar(shellWords(entry), where));
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- crontab

  @Test
  void theCrontabSchedulesADailyRunAndTheReplayInUtc() throws IOException {
    List<String> entries = crontabEntries();
    assertThat(entries).as("schedule lines in %s", CRONTAB).hasSizeGreaterThanOrEqualTo(2);
    List<String> active =
        Files.readAllLines(CRONTAB).stream().filter(l -> l.matches("^[0-9*@].*")).toList();
    assertThat(active)
        .as("active lines")
        .anyMatch(l -> l.contains("--replay-days"))
        .anyMatch(l -> l.contains("--from") && l.contains("--to"));
    for (String line : Files.readAllLines(CRONTAB)) {
      String body = line.replaceFirst("^#\\s*", "");
      if (!isCronEntry(body)) {
        continue;
      }
      // cron turns a bare % into a newline: the command would be cut short.
      assertThat(body.replace("\\%", ""))
          .as("unescaped %% in the crontab entry %s", line)
          .doesNotContain("%");
      Matcher date = Pattern.compile("\\bdate\\b([^)]*)\\)").matcher(body);
      while (date.find()) {
        assertThat(date.group(1)).as("dates are UTC days (date -u) in %s", line).contains("-u");
      }
    }
  }

  /** The crontab's schedule lines, commented-out alternatives included, without the schedule. */
  static List<String> crontabEntries() throws IOException {
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(CRONTAB)) {
      String body = line.replaceFirst("^#\\s*", "");
      if (isCronEntry(body)) {
        String command = body.trim().split("\\s+", 6)[5];
        out.add(command.replace("\\%", "%"));
      }
    }
    return out;
  }

  private static boolean isCronEntry(String line) {
    return line.matches("^[0-9*][0-9*/,-]*(\\s+[0-9*][0-9*/,A-Za-z-]*){4}\\s+\\S.*");
  }

  /**
   * Splits a shell command into words (quotes and backslashes as the shell does), replacing each
   * {@code $(...)} with a date and stopping at the first redirection, pipe or separator.
   */
  static List<String> shellWords(String command) {
    String s = command.replaceAll("\\$\\([^)]*\\)", SOME_DATE);
    List<String> words = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    boolean inWord = false;
    char quote = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else if (c == '\\' && quote == '"' && i + 1 < s.length()) {
          w.append(s.charAt(++i));
        } else {
          w.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        inWord = true;
      } else if (c == '\\' && i + 1 < s.length()) {
        w.append(s.charAt(++i));
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(w.toString());
          w.setLength(0);
          inWord = false;
        }
      } else if (!inWord && (c == '>' || c == '|' || c == ';' || c == '&')) {
        break;
      } else if (!inWord && Character.isDigit(c) && i + 1 < s.length() && s.charAt(i + 1) == '>') {
        break;
      } else {
        w.append(c);
        inWord = true;
      }
    }
    assertThat((int) quote).as("unbalanced quote in %s", command).isZero();
    if (inWord) {
      words.add(w.toString());
    }
    return words;
  }

  // ---------------------------------------------------------------- Docker

  @Test
  void theDockerfileBuildsInOneStageAndRunsOnTheOfficialFlinkImage() throws IOException {
    List<String> from =
        Files.readAllLines(DOCKERFILE).stream()
            .map(String::trim)
            .filter(l -> l.regionMatches(true, 0, "FROM ", 0, 5))
            .toList();
    assertThat(from).as("FROM lines of %s", DOCKERFILE).hasSize(2);
    assertThat(from.get(0))
        .as("the build stage")
        .containsPattern("(?i)FROM\\s+maven:\\S*17\\S*\\s+AS\\s+\\w+");
    assertThat(from.get(1))
        .as("the runtime stage: the official Flink 2.2 image on Java 17")
        .matches("(?i)FROM\\s+flink:2\\.2(\\.\\d+)?-java17");
    String stage = from.get(0).replaceAll("(?i).*\\s+AS\\s+", "").trim();
    String copy =
        Files.readAllLines(DOCKERFILE).stream()
            .filter(
                l ->
                    l.trim().regionMatches(true, 0, "COPY --from=" + stage, 0, 12 + stage.length()))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no COPY --from=" + stage + " in " + DOCKERFILE));
    assertThat(copy).as("the jar copied from the build").contains("jobs/target/" + JAR_NAME);
    assertThat(dockerJarPath()).startsWith("/opt/flink/usrlib/");
  }

  @Test
  void theComposeStackStartsInOrderAndPublishesOnLoopbackOnly() throws IOException {
    JsonNode compose = documents(COMPOSE).get(0);
    JsonNode services = compose.path("services");
    assertThat(names(services)).contains("kafka", "jobmanager", "taskmanager", "topics", "submit");
    services
        .fields()
        .forEachRemaining(
            s -> {
              for (JsonNode port : s.getValue().path("ports")) {
                String where = "compose.yaml service " + s.getKey() + " port " + port;
                if (port.isObject()) {
                  assertThat(text(port, "host_ip")).as(where).isEqualTo("127.0.0.1");
                } else {
                  assertThat(port.asText()).as(where).startsWith("127.0.0.1:");
                }
              }
            });
    assertThat(text(services, "jobmanager", "command")).isEqualTo("jobmanager");
    assertThat(text(services, "taskmanager", "command")).isEqualTo("taskmanager");
    assertThat(services.at("/jobmanager/healthcheck/test").isMissingNode())
        .as("a jobmanager healthcheck, which submit waits for")
        .isFalse();
    JsonNode submit = services.path("submit");
    assertThat(text(submit, "depends_on", "jobmanager", "condition")).isEqualTo("service_healthy");
    assertThat(text(submit, "depends_on", "topics", "condition"))
        .as("the topics exist before the job starts")
        .isEqualTo("service_completed_successfully");
    List<String> submitArgs = afterJar(commandOf(submit), "compose.yaml service submit");
    String topicsScript = String.join(" ", commandOf(services.path("topics")));
    for (String flag : List.of("--topic", "--alerts-topic", "--dlq-topic")) {
      for (String topic : options(submitArgs, flag)) {
        assertThat(topicsScript)
            .as("the topics service creates %s %s", flag, topic)
            .contains(topic);
      }
    }
    JsonNode kafka = services.path("kafka").path("environment");
    assertThat(kafka.path("KAFKA_LOG_RETENTION_MS").asText())
        .as("no time retention on the test broker")
        .isEqualTo("-1");
    assertThat(kafka.path("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR").asText()).isEqualTo("1");
    assertThat(kafka.path("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR").asText())
        .isEqualTo("1");
  }

  // ---------------------------------------------------------------- helpers

  record Named(String where, JsonNode node) {}

  static List<Path> kubernetesFiles() throws IOException {
    try (Stream<Path> s = Files.list(KUBERNETES)) {
      return s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
          .sorted()
          .toList();
    }
  }

  /** The documents of a (multi-document) YAML file, empty documents left out. */
  static List<JsonNode> documents(Path file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    try (MappingIterator<JsonNode> it =
        YAML.readerFor(JsonNode.class).readValues(YAML.getFactory().createParser(file.toFile()))) {
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && !doc.isNull() && !doc.isEmpty()) {
          out.add(doc);
        }
      }
    }
    return out;
  }

  static List<Named> resources(String kind) throws IOException {
    List<Named> out = new ArrayList<>();
    for (Path f : kubernetesFiles()) {
      for (JsonNode doc : documents(f)) {
        if (kind.equals(text(doc, "kind"))) {
          out.add(
              new Named(f.getFileName() + " " + kind + " " + text(doc, "metadata", "name"), doc));
        }
      }
    }
    return out;
  }

  static Named deploymentRunning(String subcommand) throws IOException {
    List<Named> found =
        resources("FlinkDeployment").stream()
            .filter(
                d ->
                    subcommand.equals(
                        strings(d.node().at("/spec/job/args")).stream().findFirst().orElse(null)))
            .toList();
    assertThat(found).as("FlinkDeployments running %s", subcommand).hasSize(1);
    return found.get(0);
  }

  static Set<String> imagesOfFlinkDeployments() throws IOException {
    return resources("FlinkDeployment").stream()
        .map(d -> text(d.node(), "spec", "image"))
        .collect(java.util.stream.Collectors.toSet());
  }

  /** The names of the Secret keys in secret-example.yaml, as {@code name/key}. */
  static Set<String> exampleSecretKeys() throws IOException {
    Set<String> out = new java.util.TreeSet<>();
    for (Named s : resources("Secret")) {
      String name = text(s.node(), "metadata", "name");
      for (String field : List.of("stringData", "data")) {
        s.node().path(field).fieldNames().forEachRemaining(k -> out.add(name + "/" + k));
      }
    }
    assertThat(out).as("keys of the example Secret").isNotEmpty();
    return out;
  }

  /** The Secret ({@code name/key}) that env OMNI_HMAC_KEY comes from in these containers. */
  static String hmacSecret(JsonNode containers) {
    for (JsonNode c : containers) {
      for (JsonNode env : c.path("env")) {
        if ("OMNI_HMAC_KEY".equals(env.path("name").asText())) {
          JsonNode ref = env.at("/valueFrom/secretKeyRef");
          return ref.path("name").asText() + "/" + ref.path("key").asText();
        }
      }
    }
    return null;
  }

  /**
   * The mount paths of the volumes of a pod spec's containers, each backed by a declared volume.
   */
  static List<String> mountPaths(JsonNode podSpec) {
    Set<String> volumes = new java.util.HashSet<>();
    for (JsonNode v : podSpec.path("volumes")) {
      volumes.add(v.path("name").asText());
    }
    List<String> out = new ArrayList<>();
    for (JsonNode c : podSpec.path("containers")) {
      for (JsonNode m : c.path("volumeMounts")) {
        assertThat(volumes).as("volume of mount %s", m).contains(m.path("name").asText());
        out.add(m.path("mountPath").asText());
      }
    }
    return out;
  }

  static void assertPathsMounted(List<String> args, List<String> mounts, String where) {
    for (String flag : List.of("--input", "--output")) {
      for (String path : options(args, flag)) {
        assertThat(mounts)
            .as("%s %s of %s lies on a mounted volume", flag, path, where)
            .anyMatch(m -> path.equals(m) || path.startsWith(m.endsWith("/") ? m : m + "/"));
      }
    }
  }

  /** The arguments after the jar in a command (java -jar JAR ..., flink run [opts] JAR ...). */
  static List<String> afterJar(List<String> command, String where) {
    for (int i = 0; i < command.size(); i++) {
      if (command.get(i).endsWith("/" + JAR_NAME) || command.get(i).equals(JAR_NAME)) {
        return List.copyOf(command.subList(i + 1, command.size()));
      }
    }
    throw new AssertionError("no " + JAR_NAME + " in the command of " + where + ": " + command);
  }

  /** A compose service's command as words (list form, or a string split like the shell would). */
  static List<String> commandOf(JsonNode service) {
    JsonNode command = service.path("command");
    return command.isArray() ? strings(command) : shellWords(command.asText());
  }

  /** The jar's path in the image, from the Dockerfile's COPY into /opt/flink/usrlib. */
  static String dockerJarPath() throws IOException {
    Pattern copy = Pattern.compile("(?i)^\\s*COPY\\s+.*\\s(/opt/flink/usrlib/\\S+)\\s*$");
    for (String line : Files.readAllLines(DOCKERFILE)) {
      Matcher m = copy.matcher(line);
      if (m.matches()) {
        String dest = m.group(1);
        return dest.endsWith("/") ? dest + JAR_NAME : dest;
      }
    }
    throw new AssertionError("no COPY into /opt/flink/usrlib/ in " + DOCKERFILE);
  }

  /** The value of a Flink option in a flinkConfiguration map, under its key or a fallback key. */
  static String config(JsonNode conf, ConfigOption<?> option) {
    List<String> keys = new ArrayList<>();
    keys.add(option.key());
    for (FallbackKey k : option.fallbackKeys()) {
      keys.add(k.getKey());
    }
    List<String> present = keys.stream().filter(conf::hasNonNull).toList();
    assertThat(present).as("at most one of %s in flinkConfiguration", keys).hasSizeLessThan(2);
    return present.isEmpty() ? null : conf.get(present.get(0)).asText();
  }

  static String text(JsonNode node, String... path) {
    JsonNode n = node;
    for (String p : path) {
      n = n.path(p);
    }
    return n.isMissingNode() || n.isNull() ? null : n.asText();
  }

  static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  static List<String> names(JsonNode object) {
    List<String> out = new ArrayList<>();
    object.fieldNames().forEachRemaining(out::add);
    return out;
  }

  /** The value of a single-valued option ({@code --flag value} or {@code --flag=value}). */
  static String option(List<String> args, String flag) {
    List<String> values = options(args, flag);
    assertThat(values).as("%s given at most once in %s", flag, args).hasSizeLessThan(2);
    return values.isEmpty() ? null : values.get(0);
  }

  /** Every value of an option, for {@code --flag value} and {@code --flag=value}. */
  static List<String> options(List<String> args, String flag) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals(flag) && i + 1 < args.size()) {
        out.add(args.get(++i));
      } else if (a.startsWith(flag + "=")) {
        out.add(a.substring(flag.length() + 1));
      }
    }
    return out;
  }
}
