package dev.omnichannel.monitor.cli;

import dev.omnichannel.monitor.config.Secrets;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one entry point, for {@code java -jar} (embedded Flink mini cluster) and {@code flink run}
 * (the cluster). Errors the user can fix print one line naming the bad value and exit 2; anything
 * else prints its root cause and exits 1. Set {@code OMNI_DEBUG=1} for stack traces. Every message
 * is printed with its secrets masked ({@link Secrets#redactText}).
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
      StreamCommand.class,
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
    if (System.getProperty("omni.cores") == null) {
      System.setProperty(
          "omni.cores", String.valueOf(Math.max(1, Runtime.getRuntime().availableProcessors())));
    }
    return commandLine().execute(args);
  }

  /** The configured command line, with the error handling described above. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler(Main::handle);
    cl.setParameterExceptionHandler(Main::handleBadArguments);
    return cl;
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /**
   * Picocli's own handling of unparseable arguments (the message, then suggestions or the usage),
   * with the message's secrets masked: picocli quotes the arguments it could not match.
   */
  private static int handleBadArguments(CommandLine.ParameterException e, String[] args) {
    CommandLine cl = e.getCommandLine();
    PrintWriter err = cl.getErr();
    err.println(cl.getColorScheme().errorText(Secrets.redactText(e.getMessage())));
    if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, err)) {
      cl.usage(err, cl.getColorScheme());
    }
    err.flush();
    return cl.getCommandSpec().exitCodeOnInvalidInput();
  }

  private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
    PrintWriter err = cl.getErr();
    if (debug()) {
      java.io.StringWriter trace = new java.io.StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      err.print(Secrets.redactText(trace.toString()));
    }
    Throwable user = find(e, UserException.class);
    if (user == null) {
      user = find(e, IllegalArgumentException.class);
    }
    if (user != null) {
      err.println("error: " + Secrets.redactText(user.getMessage()));
      err.flush();
      return 2;
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    err.println(
        "error: " + root.getClass().getSimpleName() + ": " + Secrets.redactText(root.getMessage()));
    if (!debug()) {
      err.println("(set OMNI_DEBUG=1 to see the stack trace)");
    }
    err.flush();
    return 1;
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
