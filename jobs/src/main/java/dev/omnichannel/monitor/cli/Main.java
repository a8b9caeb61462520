package dev.omnichannel.monitor.cli;

import dev.omnichannel.monitor.config.Secrets;
import dev.omnichannel.monitor.io.OutputBusyException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDate;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The one entry point, for {@code java -jar} (embedded Flink mini cluster) and {@code flink run}
 * (the cluster). Errors the user can fix print one line naming the flag and the bad value and exit
 * 2: a value picocli cannot convert (every number flag declares its range in {@link Numbers}, text
 * flags may not be empty, dates are YYYY-MM-DD, paths are local), an unknown or missing option, or
 * a {@link UserException} from a command's checks, which run before any work. Anything else prints
 * its root cause and exits 1. A run refused because another writer holds its days of the output
 * prints one line naming that writer and exits 4. Set {@code OMNI_DEBUG=1} for stack traces. Every
 * message is printed with its secrets masked ({@link Secrets#redactText}).
 */
@Command(
    name = "omnichannel-monitor",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "Cross-channel journey analytics on Apache Flink: identity stitching, journeys, friction and"
          + " attribution, written as Parquet."
    },
    subcommands = {
      DemoCommand.class,
      GenerateCommand.class,
      BackfillCommand.class,
      FilesCommand.class,
      StreamCommand.class,
      ExpireCommand.class,
      ExplainCommand.class,
      EraseCommand.class,
      BenchCommand.class,
      AttributeCommand.class,
      ReportCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the CLI and returns its exit code. */
  public static int execute(String... args) {
    return commandLine().execute(args);
  }

  /** The configured command line, with the converters and error handling described above. */
  public static CommandLine commandLine() {
    if (System.getProperty("omni.cores") == null) {
      // the default --parallelism: the cores, within the range the flag accepts
      int cores = Runtime.getRuntime().availableProcessors();
      System.setProperty(
          "omni.cores", String.valueOf(Math.max(1, Math.min(Numbers.MAX_PARALLELISM, cores))));
    }
    CommandLine cl = new CommandLine(new Main());
    cl.registerConverter(String.class, new FlagConverters.NonEmpty());
    cl.registerConverter(LocalDate.class, new FlagConverters.Date());
    cl.registerConverter(Path.class, new LocalPathConverter());
    cl.setExecutionExceptionHandler(Main::handle);
    cl.setParameterExceptionHandler(Main::parameterError);
    return cl;
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
    PrintWriter err = cl.getErr();
    if (debug()) {
      java.io.StringWriter trace = new java.io.StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      err.print(Secrets.redactText(trace.toString()));
    }
    Throwable busy = find(e, OutputBusyException.class);
    if (busy != null) {
      err.println("error: " + oneLine(Secrets.redactText(busy.getMessage())));
      err.flush();
      return OutputBusyException.EXIT_CODE;
    }
    Throwable user = find(e, UserException.class);
    if (user == null) {
      user = find(e, IllegalArgumentException.class);
    }
    if (user != null) {
      err.println("error: " + oneLine(Secrets.redactText(user.getMessage())));
      err.flush();
      return 2;
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    err.println(
        "error: "
            + root.getClass().getSimpleName()
            + ": "
            + oneLine(Secrets.redactText(root.getMessage())));
    if (!debug()) {
      err.println("(set OMNI_DEBUG=1 to see the stack trace)");
    }
    err.flush();
    return 1;
  }

  /**
   * A command line picocli could not parse: one line, {@code error: <flag> <what is wrong>}, and
   * exit 2; no usage text (it would bury the line; {@code --help} shows it).
   */
  private static int parameterError(ParameterException e, String[] args) {
    PrintWriter err = e.getCommandLine().getErr();
    if (debug()) {
      java.io.StringWriter trace = new java.io.StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      err.print(Secrets.redactText(trace.toString()));
    }
    err.println("error: " + oneLine(Secrets.redactText(describe(e))));
    err.flush();
    return e.getCommandLine().getCommandSpec().exitCodeOnInvalidInput();
  }

  /** The message of a parse error, naming the flag and the value. */
  static String describe(ParameterException e) {
    if (e instanceof UnmatchedArgumentException u) {
      String message = u.getMessage();
      if (!u.getSuggestions().isEmpty()) {
        message += " (did you mean " + String.join(" or ", u.getSuggestions()) + "?)";
      }
      return message;
    }
    ArgSpec arg = e.getArgSpec();
    if (e.getCause() instanceof TypeConversionException t && arg != null) {
      String name = arg instanceof OptionSpec o ? o.longestName() : arg.paramLabel();
      String why = t.getMessage();
      // "--days must be between 1 and 3650, got 0"; "--from: '2026-13-01' is not a date ..."
      return name + (why.startsWith("'") ? ": " : " ") + why;
    }
    return e.getMessage();
  }

  /** The message on one line: a line break would split the one line an error prints. */
  private static String oneLine(String message) {
    return message == null ? "null" : message.strip().replaceAll("\\s*\\R\\s*", "; ");
  }

  private static Throwable find(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return c;
      }
    }
    return null;
  }

  private static boolean debug() {
    String d = System.getenv("OMNI_DEBUG");
    return d != null && !d.isEmpty() && !d.equals("0");
  }

  /** The version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"omnichannel-monitor " + (v == null ? "dev" : v) + " (Flink 2.2)"};
    }
  }
}
