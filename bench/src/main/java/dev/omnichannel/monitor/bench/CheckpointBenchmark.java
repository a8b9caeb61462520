package dev.omnichannel.monitor.bench;

import dev.omnichannel.monitor.avro.ChannelEvent;
import dev.omnichannel.monitor.cli.PipelineOptions;
import dev.omnichannel.monitor.flow.FlowConfig;
import dev.omnichannel.monitor.io.KafkaOptions;
import dev.omnichannel.monitor.stream.StreamRunner;
import dev.omnichannel.monitor.stream.StreamSettings;
import dev.omnichannel.monitor.testing.KafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Checkpoint sizes of a long stream run with the RocksDB state backend and incremental checkpoints.
 *
 * <p>{@code generate --kafka} writes the events of {@code customers} customers over 90 days; a
 * producer then replays them in event-time order at a fixed rate, each with its event time set to
 * the send time, into a topic read by an unbounded {@code stream --state-backend rocksdb} job that
 * checkpoints every {@code interval} seconds. As the replay moves through the 90 days, new
 * customers and identities keep arriving, so the keyed state (identity graph, de-duplication keys,
 * persons, open journeys) keeps growing.
 *
 * <p>A watcher lists the checkpoint directory every 200 ms. For each completed checkpoint {@code
 * chk-N} (its {@code _metadata} written) it prints the bytes that checkpoint uploaded (files in
 * {@code shared/} and {@code chk-N/} not seen before: its incremental size) and the bytes of every
 * file the checkpoint directory then holds (the full state the checkpoint refers to, plus files not
 * yet cleaned up). The incremental size should follow the events that arrived since the previous
 * checkpoint, not the full size.
 *
 * <p>Usage: {@code java -cp bench/target/omnichannel-bench.jar
 * dev.omnichannel.monitor.bench.CheckpointBenchmark [customers] [rate-per-second] [seconds]
 * [checkpoint-interval-seconds]}, default {@code 20000 5000 300 10}.
 */
public final class CheckpointBenchmark {

  private CheckpointBenchmark() {}

  public static void main(String[] args) throws Exception {
    int customers = args.length > 0 ? Integer.parseInt(args[0]) : 20000;
    int rate = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 300;
    int interval = args.length > 3 ? Integer.parseInt(args[3]) : 10;
    System.setProperty("omni.cores", String.valueOf(Runtime.getRuntime().availableProcessors()));
    Path dir = Files.createTempDirectory("omni-checkpoint-bench");
    int parallelism = Runtime.getRuntime().availableProcessors();
    try (KafkaBroker broker = KafkaBroker.start()) {
      broker.createTopic("events", 3);
      BenchEvents.generate(broker, "events", customers);
      List<ChannelEvent> events = BenchEvents.readByTime(broker, "events");
      broker.createTopic("live", 3);

      Path checkpoints = dir.resolve("checkpoints");
      FlowConfig config =
          PipelineOptions.defaults()
              .backfillConfig(
                  List.of(),
                  dir.resolve("out"),
                  null,
                  null,
                  parallelism,
                  BenchEvents.KEY,
                  "bench-checkpoints");
      StreamSettings settings =
          new StreamSettings(
              Duration.ofSeconds(1),
              Duration.ofSeconds(1),
              Duration.ZERO,
              Duration.ZERO,
              Duration.ofDays(1));
      StreamRunner.Run run =
          new StreamRunner.Run(
                  checkpoints.toUri().toString(),
                  Duration.ofSeconds(interval),
                  null,
                  null,
                  null,
                  0,
                  List.of("bench"))
              .withStateBackend(StreamRunner.StateBackend.ROCKSDB);
      StreamExecutionEnvironment env = StreamRunner.environment(config, run);
      StreamRunner.wire(
          env,
          config,
          settings,
          KafkaOptions.topics(broker.bootstrapServers(), "live")
              .withGroupId("checkpoints")
              .withStartingOffsets("earliest"),
          run);
      JobClient job = env.executeAsync("stream checkpoint bench");
      AtomicLong sent = new AtomicLong();
      AtomicBoolean stop = new AtomicBoolean();
      long t0 = System.nanoTime();
      Thread watcher = new Thread(() -> watch(checkpoints, sent, stop, t0), "checkpoint-watcher");
      System.out.printf(
          "RocksDB, incremental checkpoints every %d s, parallelism %d; %,d events/s for %d s%n",
          interval, parallelism, rate, seconds);
      System.out.println(
          "| checkpoint | at | events sent | incremental (new files) | all checkpoint files |");
      System.out.println("|---|---|---|---|---|");
      watcher.start();
      BenchEvents.replay(
          broker, "live", events, rate, (long) rate * seconds, (id, at) -> sent.incrementAndGet());
      Thread.sleep(3L * interval * 1000);
      stop.set(true);
      watcher.join();
      job.cancel().get();
    }
  }

  /** Prints a row per completed checkpoint until {@code stop}. */
  private static void watch(Path root, AtomicLong sent, AtomicBoolean stop, long t0) {
    Set<Path> seen = new HashSet<>();
    Set<String> done = new HashSet<>();
    while (!stop.get()) {
      try {
        Thread.sleep(200);
        if (!Files.isDirectory(root)) {
          continue;
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(root)) {
          files = s.filter(Files::isRegularFile).toList();
        }
        for (Path f : files) {
          if (!f.getFileName().toString().equals("_metadata")) {
            continue;
          }
          String chk = f.getParent().getFileName().toString();
          if (!done.add(chk)) {
            continue;
          }
          long incremental = 0;
          long all = 0;
          long completed = modified(f);
          for (Path g : files) {
            long size = size(g);
            all += size;
            boolean other =
                g.getParent().getFileName().toString().startsWith("chk-")
                    && !g.getParent().equals(f.getParent());
            // files written after the metadata belong to the next checkpoint
            if (!other && modified(g) <= completed && seen.add(g)) {
              incremental += size;
            }
          }
          System.out.printf(
              "| %s | %.0f s | %,d | %,d KiB | %,d KiB |%n",
              chk, (System.nanoTime() - t0) / 1e9, sent.get(), incremental / 1024, all / 1024);
        }
      } catch (InterruptedException e) {
        return;
      } catch (IOException | UncheckedIOException e) {
        // a file removed while listed: list again
      }
    }
  }

  private static long modified(Path f) {
    try {
      return Files.getLastModifiedTime(f).toMillis();
    } catch (IOException e) {
      return Long.MAX_VALUE;
    }
  }

  private static long size(Path f) {
    try {
      return Files.size(f);
    } catch (IOException e) {
      return 0;
    }
  }
}
