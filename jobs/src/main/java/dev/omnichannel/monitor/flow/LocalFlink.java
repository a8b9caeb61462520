package dev.omnichannel.monitor.flow;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The embedded mini cluster that {@code java -jar} runs on: every socket it opens (RPC, blob
 * server, shuffle, REST) binds to 127.0.0.1, never to all interfaces. Under {@code flink run} the
 * cluster's own configuration applies and these settings have no effect.
 */
public final class LocalFlink {
  private LocalFlink() {}

  /** Sets the loopback bind addresses on {@code conf} (unless already set) and returns it. */
  public static Configuration loopback(Configuration conf) {
    setIfAbsent(conf, "jobmanager.bind-host", "127.0.0.1");
    setIfAbsent(conf, "jobmanager.rpc.address", "127.0.0.1");
    setIfAbsent(conf, "taskmanager.bind-host", "127.0.0.1");
    setIfAbsent(conf, "taskmanager.host", "127.0.0.1");
    setIfAbsent(conf, "rest.bind-address", "127.0.0.1");
    setIfAbsent(conf, "rest.address", "127.0.0.1");
    return conf;
  }

  /**
   * Sizes the embedded cluster for this machine (unless already set):
   *
   * <ul>
   *   <li>Flink's local default of 128 MiB of managed memory makes every BATCH sort spill to disk,
   *       so the sorters get half the JVM's maximum heap (off-heap, at least 512 MiB);
   *   <li>the shuffle is not compressed: every exchange stays inside this process, where
   *       compression only costs CPU;
   *   <li>twice as many task slots as the job's parallelism: in BATCH execution a stage holds its
   *       slots until it ends, so with only as many slots as its parallelism, stages that do not
   *       depend on each other (de-duplication and the first identity rounds, say) would still run
   *       one after the other.
   * </ul>
   */
  public static Configuration sized(Configuration conf, int parallelism) {
    long managed = Math.max(512L << 20, Runtime.getRuntime().maxMemory() / 2);
    setIfAbsent(conf, "taskmanager.memory.managed.size", (managed >> 20) + "m");
    setIfAbsent(conf, "taskmanager.network.compression.codec", "NONE");
    setIfAbsent(conf, "taskmanager.numberOfTaskSlots", String.valueOf(2 * parallelism));
    return conf;
  }

  /**
   * An environment of {@code parallelism} with {@code conf}, the loopback bind addresses and, for
   * the embedded cluster, the sizes of {@link #sized}.
   */
  public static StreamExecutionEnvironment environment(Configuration conf, int parallelism) {
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(sized(loopback(conf), parallelism));
    env.setParallelism(parallelism);
    return env;
  }

  private static void setIfAbsent(Configuration conf, String key, String value) {
    if (!conf.containsKey(key)) {
      conf.setString(key, value);
    }
  }
}
