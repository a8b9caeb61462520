package dev.omnichannel.monitor.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * Everything the code under test prints or logs while this is open: {@code System.out}, {@code
 * System.err} (still passed through) and every Log4j event at INFO and above from every logger,
 * this project's, Flink's and Kafka's alike (the levels the project's {@code log4j2.properties}
 * sets higher are lowered to INFO meanwhile, as under a cluster's default configuration; the
 * console still shows WARN and above only). Close it to restore the streams and the levels.
 */
public final class CapturedOutput implements AutoCloseable {
  private final PrintStream originalOut = System.out;
  private final PrintStream originalErr = System.err;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final StringWriter logSink = new StringWriter();
  private final LoggerContext context;
  private final WriterAppender appender;
  private final Map<LoggerConfig, Level> levels = new LinkedHashMap<>();
  private final List<Appender> consoles = new ArrayList<>();

  private CapturedOutput() {
    System.setOut(new PrintStream(tee(originalOut, out), true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(tee(originalErr, err), true, StandardCharsets.UTF_8));
    context = (LoggerContext) LogManager.getContext(false);
    Configuration config = context.getConfiguration();
    Writer synced = new SynchronizedWriter(logSink);
    appender =
        WriterAppender.newBuilder()
            .setName("captured-output-" + System.identityHashCode(this))
            .setTarget(synced)
            .setLayout(PatternLayout.newBuilder().withPattern("%p %c - %m%n%throwable").build())
            .build();
    appender.start();
    config.addAppender(appender);
    for (LoggerConfig logger : config.getLoggers().values()) {
      lower(logger);
    }
    LoggerConfig root = config.getRootLogger();
    lower(root);
    // The console keeps showing only what it showed before (WARN and above).
    consoles.addAll(root.getAppenders().values());
    for (Appender console : consoles) {
      root.removeAppender(console.getName());
      root.addAppender(console, Level.WARN, null);
    }
    root.addAppender(appender, Level.INFO, null);
    context.updateLoggers();
  }

  /** Starts capturing. */
  public static CapturedOutput start() {
    return new CapturedOutput();
  }

  /** Lets INFO events through {@code logger}, remembering its level. */
  private void lower(LoggerConfig logger) {
    levels.putIfAbsent(logger, logger.getLevel());
    if (logger.getLevel().intLevel() < Level.INFO.intLevel()) {
      logger.setLevel(Level.INFO);
    }
  }

  /** What was printed to {@code System.out}. */
  public String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  /** What was printed to {@code System.err}. */
  public String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  /** The log events, one {@code LEVEL logger - message} line each, with stack traces. */
  public String logs() {
    synchronized (logSink) {
      return logSink.toString();
    }
  }

  @Override
  public void close() {
    System.out.flush();
    System.err.flush();
    System.setOut(originalOut);
    System.setErr(originalErr);
    Configuration config = context.getConfiguration();
    LoggerConfig root = config.getRootLogger();
    root.removeAppender(appender.getName());
    for (Appender console : consoles) {
      root.removeAppender(console.getName());
      root.addAppender(console, null, null);
    }
    levels.forEach(LoggerConfig::setLevel);
    context.updateLoggers();
    appender.stop();
  }

  private static OutputStream tee(OutputStream a, ByteArrayOutputStream b) {
    return new OutputStream() {
      @Override
      public synchronized void write(int x) {
        try {
          a.write(x);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        b.write(x);
      }

      @Override
      public synchronized void write(byte[] buf, int off, int len) {
        try {
          a.write(buf, off, len);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        b.write(buf, off, len);
      }

      @Override
      public void flush() throws java.io.IOException {
        a.flush();
      }
    };
  }

  /** A writer whose writes are serialised on the underlying {@link StringWriter}. */
  private static final class SynchronizedWriter extends Writer {
    private final StringWriter target;

    SynchronizedWriter(StringWriter target) {
      this.target = target;
    }

    @Override
    public void write(char[] cbuf, int off, int len) {
      synchronized (target) {
        target.write(cbuf, off, len);
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
