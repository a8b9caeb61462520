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

  /** An execution environment with {@code conf} and the loopback bind addresses. */
  public static StreamExecutionEnvironment environment(Configuration conf) {
    return StreamExecutionEnvironment.getExecutionEnvironment(loopback(conf));
  }

  private static void setIfAbsent(Configuration conf, String key, String value) {
    if (!conf.containsKey(key)) {
      conf.setString(key, value);
    }
  }
}
