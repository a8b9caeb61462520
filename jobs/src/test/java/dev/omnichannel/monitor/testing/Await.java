package dev.omnichannel.monitor.testing;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * Waiting for an observable condition of a running job (a summary's count, a lease's watermark, a
 * committed file) instead of sleeping a fixed time: a slow machine waits longer, never fails. The
 * timeout is only a hang guard.
 */
public final class Await {
  /** The hang guard: long enough for any machine, short enough to end a stuck test. */
  public static final Duration TIMEOUT = Duration.ofMinutes(3);

  private Await() {}

  /** Waits until {@code condition} holds; fails naming {@code what} after {@link #TIMEOUT}. */
  public static void until(String what, Callable<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!Boolean.TRUE.equals(condition.call())) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + TIMEOUT + " waiting for " + what);
      }
      Thread.sleep(100);
    }
  }
}
