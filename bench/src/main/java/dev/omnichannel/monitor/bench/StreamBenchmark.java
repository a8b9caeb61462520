package dev.omnichannel.monitor.bench;

import dev.omnichannel.monitor.avro.ChannelEvent;
import dev.omnichannel.monitor.cli.PipelineOptions;
import dev.omnichannel.monitor.flow.Alert;
import dev.omnichannel.monitor.flow.Counters;
import dev.omnichannel.monitor.flow.FlowConfig;
import dev.omnichannel.monitor.flow.RunSummary;
import dev.omnichannel.monitor.io.KafkaOptions;
import dev.omnichannel.monitor.stream.StreamRunner;
import dev.omnichannel.monitor.stream.StreamSettings;
import dev.omnichannel.monitor.testing.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Stream-mode figures on a real (in-JVM KRaft) broker.
 *
 * <ol>
 *   <li>Throughput: {@code generate --kafka} writes the events to a 3-partition topic, then a
 *       bounded {@code stream} job reads them all; events per second = records / job wall time.
 *   <li>Alert latency: a producer replays the same well-formed events at a fixed rate with their
 *       event time set to the send time, into a second topic read by an unbounded job (stitch delay
 *       0, 200 ms out of order); latency = when an alert is read from the alerts topic minus when
 *       its last evidence event was sent. Prints p50 and p99.
 * </ol>
 *
 * Usage: {@code java -cp bench/target/omnichannel-bench.jar
 * dev.omnichannel.monitor.bench.StreamBenchmark [customers] [rate-per-second] [seconds]}.
 */
public final class StreamBenchmark {

  private StreamBenchmark() {}

  public static void main(String[] args) throws Exception {
    int customers = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int rate = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 60;
    System.setProperty("omni.cores", String.valueOf(Runtime.getRuntime().availableProcessors()));
    Path dir = Files.createTempDirectory("omni-stream-bench");
    int parallelism = Runtime.getRuntime().availableProcessors();
    try (KafkaBroker broker = KafkaBroker.start()) {
      broker.createTopic("events", 3);
      long t0 = System.nanoTime();
      BenchEvents.generate(broker, "events", customers);
      System.out.printf("generate --kafka: %.1f s%n", (System.nanoTime() - t0) / 1e9);

      Path out = dir.resolve("throughput");
      FlowConfig config =
          PipelineOptions.defaults()
              .backfillConfig(
                  List.of(), out, null, null, parallelism, BenchEvents.KEY, "bench-throughput");
      StreamSettings settings =
          new StreamSettings(
              Duration.ofMinutes(1),
              Duration.ofSeconds(5),
              Duration.ZERO,
              Duration.ofMinutes(10),
              Duration.ofDays(7));
      StreamRunner.Run run =
          new StreamRunner.Run(
              dir.resolve("cp1").toUri().toString(),
              Duration.ofSeconds(10),
              null,
              null,
              null,
              0,
              List.of("bench"));
      long t1 = System.nanoTime();
      JobExecutionResult result =
          StreamRunner.run(
              config,
              settings,
              KafkaOptions.topics(broker.bootstrapServers(), "events")
                  .withGroupId("bench")
                  .withStartingOffsets("earliest")
                  .withBounded(true),
              run);
      double s = (System.nanoTime() - t1) / 1e9;
      RunSummary summary = RunSummary.read(out.resolve("_runs").resolve("bench-throughput.json"));
      long records = summary.accounting.inputRecords;
      System.out.printf(
          "| stream throughput (bounded read, parallelism %d) | %,d records | %.1f s | %,.0f"
              + " events/s |%n",
          parallelism, records, s, records / s);

      long accepted = summary.accounting.acceptedEvents;
      long links = counter(result, Counters.COORDINATOR_LINKS);
      long linkEvents = counter(result, Counters.COORDINATOR_EVENTS);
      System.out.printf(
          "| identity coordinator (one task) | %,d links from %,d events | %.2f %% of %,d accepted"
              + " events |%n",
          links, linkEvents, 100.0 * linkEvents / Math.max(1, accepted), accepted);

      latency(broker, dir, parallelism, rate, seconds);
    }
  }

  private static long counter(JobExecutionResult result, String name) {
    Object v = result.getAccumulatorResult(name);
    return v instanceof Number n ? n.longValue() : 0;
  }

  private static void latency(KafkaBroker broker, Path dir, int parallelism, int rate, int seconds)
      throws Exception {
    List<ChannelEvent> events = BenchEvents.readByTime(broker, "events");
    broker.createTopic("live", 3);
    broker.createTopic("alerts", 1);
    Path out = dir.resolve("latency");
    FlowConfig config =
        PipelineOptions.defaults()
            .backfillConfig(
                List.of(), out, null, null, parallelism, BenchEvents.KEY, "bench-latency");
    StreamSettings settings =
        new StreamSettings(
            Duration.ofMillis(200),
            Duration.ofSeconds(1),
            Duration.ZERO,
            Duration.ZERO,
            Duration.ofDays(1));
    StreamRunner.Run run =
        new StreamRunner.Run(
            dir.resolve("cp2").toUri().toString(),
            Duration.ofSeconds(10),
            null,
            "alerts",
            null,
            0,
            List.of("bench"));
    StreamExecutionEnvironment env = StreamRunner.environment(config, run);
    KafkaOptions kafka =
        KafkaOptions.topics(broker.bootstrapServers(), "live")
            .withGroupId("latency")
            .withStartingOffsets("earliest");
    StreamRunner.wire(env, config, settings, kafka, run);
    JobClient job = env.executeAsync("stream latency bench");
    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean stop = new AtomicBoolean();
    Thread consumer =
        new Thread(
            () -> {
              try (KafkaConsumer<byte[], byte[]> c =
                  new KafkaConsumer<>(
                      Map.of(
                          "bootstrap.servers", broker.bootstrapServers(),
                          "group.id", "latency-reader",
                          "auto.offset.reset", "earliest",
                          "key.deserializer",
                              "org.apache.kafka.common.serialization.ByteArrayDeserializer",
                          "value.deserializer",
                              "org.apache.kafka.common.serialization.ByteArrayDeserializer"))) {
                c.subscribe(List.of("alerts"));
                while (!stop.get()) {
                  ConsumerRecords<byte[], byte[]> rs = c.poll(Duration.ofMillis(100));
                  long now = System.currentTimeMillis();
                  for (ConsumerRecord<byte[], byte[]> r : rs) {
                    Alert a = Alert.fromJson(new String(r.value(), StandardCharsets.UTF_8));
                    Long sent =
                        sentAt.get(a.evidenceEventIds().get(a.evidenceEventIds().size() - 1));
                    if (sent != null) {
                      latencies.add(now - sent);
                    }
                  }
                }
              }
            });
    consumer.start();
    Thread.sleep(5000); // the job starts
    long start = System.nanoTime();
    long sent =
        BenchEvents.replay(broker, "live", events, rate, (long) rate * seconds, sentAt::put);
    double took = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "latency run: sent %,d events in %.1f s (%,.0f/s)%n", sent, took, sent / took);
    Thread.sleep(15_000); // let the job catch up
    stop.set(true);
    consumer.join();
    job.cancel().get();
    long[] l = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    if (l.length == 0) {
      System.out.println("no alerts were read");
      return;
    }
    System.out.printf(
        "| alert latency at %,d events/s | %,d alerts | p50 %,d ms | p99 %,d ms | max %,d ms |%n",
        rate,
        l.length,
        l[l.length / 2],
        l[(int) Math.min(l.length - 1, l.length * 0.99)],
        l[l.length - 1]);
  }
}
