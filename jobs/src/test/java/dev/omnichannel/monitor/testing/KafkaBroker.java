package dev.omnichannel.monitor.testing;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.BrokerServer;
import kafka.server.ControllerServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.PreboundSocketFactoryManager;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.ServerSocketFactory;

/**
 * A real single-node Kafka (KRaft, broker and controller in one) inside the test JVM, from {@code
 * org.apache.kafka:kafka-test-common-runtime} ({@link KafkaClusterTestKit}). Starts in a few
 * seconds; close it to stop it and delete its data.
 *
 * <p>Set up for a one-broker cluster that tests can trust: every listener on 127.0.0.1 only, all
 * internal topics with replication factor 1 and min ISR 1 (with the default of 3, offset commits
 * hang and a {@code KafkaSource} takes 30 s to close), no time or size retention (events carry old
 * timestamps and would otherwise be deleted at once), no automatic topic creation (create topics
 * with {@link #createTopic} before a job reads them).
 *
 * <p>The test kit pre-binds its listener sockets to the wildcard address; this class swaps in a
 * socket manager that binds them to the loopback address instead, and binds the same ports again
 * when the node is {@link #stop stopped} and {@link #restart restarted} (a broker outage).
 */
public final class KafkaBroker implements AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final KafkaClusterTestKit cluster;
  private final String bootstrapServers;

  private KafkaBroker(KafkaClusterTestKit cluster, String bootstrapServers) {
    this.cluster = cluster;
    this.bootstrapServers = bootstrapServers;
  }

  /** Formats and starts a broker, and waits until it is ready. */
  public static KafkaBroker start() throws Exception {
    TestKitNodes nodes =
        new TestKitNodes.Builder()
            .setCombined(true)
            .setNumBrokerNodes(1)
            .setNumControllerNodes(1)
            .build();
    KafkaClusterTestKit.Builder builder =
        new KafkaClusterTestKit.Builder(nodes)
            .setConfigProp(
                "listeners",
                nodes.brokerListenerName().value()
                    + "://127.0.0.1:0,"
                    + nodes.controllerListenerName().value()
                    + "://127.0.0.1:0")
            .setConfigProp("auto.create.topics.enable", "false")
            .setConfigProp("offsets.topic.replication.factor", "1")
            .setConfigProp("offsets.topic.num.partitions", "1")
            .setConfigProp("transaction.state.log.replication.factor", "1")
            .setConfigProp("transaction.state.log.min.isr", "1")
            .setConfigProp("share.coordinator.state.topic.replication.factor", "1")
            .setConfigProp("share.coordinator.state.topic.min.isr", "1")
            .setConfigProp("default.replication.factor", "1")
            .setConfigProp("min.insync.replicas", "1")
            .setConfigProp("log.retention.ms", "-1")
            .setConfigProp("log.retention.bytes", "-1")
            .setConfigProp("group.initial.rebalance.delay.ms", "0");
    bindToLoopback(builder);
    KafkaClusterTestKit cluster = builder.build();
    try {
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
      // The kit names its listeners "localhost"; the broker listens on 127.0.0.1 only.
      String servers = cluster.bootstrapServers().replace("localhost", "127.0.0.1");
      return new KafkaBroker(cluster, servers);
    } catch (Exception | Error e) {
      cluster.close();
      throw e;
    }
  }

  /** {@code 127.0.0.1:port} of the broker. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** Creates {@code topic} with {@code partitions} partitions (replication factor 1). */
  public void createTopic(String topic, int partitions) throws Exception {
    createTopic(topic, partitions, Map.of());
  }

  /** Creates {@code topic} with topic configs such as {@code max.message.bytes}. */
  public void createTopic(String topic, int partitions, Map<String, String> configs)
      throws Exception {
    try (Admin admin = admin()) {
      admin
          .createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(configs)))
          .all()
          .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
    // A producer that asks for the topic before its partitions have a leader may hold its records
    // until they expire (seen on a loaded machine): wait until every partition is led.
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!led(topic)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("topic " + topic + " has no leader after " + TIMEOUT);
      }
      Thread.sleep(50);
    }
  }

  /**
   * Sends the values to {@code topic} without keys, in order, round-robin over the partitions
   * (record {@code i} to partition {@code i % partitions}), and returns where each was written. A
   * null value is a tombstone.
   */
  public List<RecordMetadata> produce(String topic, List<byte[]> values) throws Exception {
    int partitions;
    try (Admin admin = admin()) {
      partitions =
          admin
              .describeTopics(List.of(topic))
              .allTopicNames()
              .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
              .get(topic)
              .partitions()
              .size();
    }
    List<Future<RecordMetadata>> futures = new ArrayList<>(values.size());
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      for (int i = 0; i < values.size(); i++) {
        futures.add(
            producer.send(new ProducerRecord<>(topic, i % partitions, null, values.get(i))));
      }
      producer.flush();
    }
    List<RecordMetadata> out = new ArrayList<>(futures.size());
    for (Future<RecordMetadata> f : futures) {
      out.add(f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    }
    return out;
  }

  /** Sends the values to one partition of {@code topic}, without keys, in order. */
  public void produce(String topic, int partition, List<byte[]> values) throws Exception {
    List<Future<RecordMetadata>> futures = new ArrayList<>(values.size());
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      for (byte[] value : values) {
        futures.add(producer.send(new ProducerRecord<>(topic, partition, null, value)));
      }
      producer.flush();
    }
    for (Future<RecordMetadata> f : futures) {
      f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Every record of {@code topic} from the start to the end offsets as of the call. */
  public List<ConsumerRecord<byte[], byte[]>> consumeAll(String topic) {
    return consumeAll(bootstrapServers, topic);
  }

  /**
   * Every record of {@code topic} on {@code bootstrapServers} from the start to the end offsets.
   */
  public static List<ConsumerRecord<byte[], byte[]>> consumeAll(
      String bootstrapServers, String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts = new ArrayList<>();
      consumer
          .partitionsFor(topic, TIMEOUT)
          .forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts, TIMEOUT);
      List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (parts.stream().anyMatch(tp -> consumer.position(tp, TIMEOUT) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read " + topic + " to " + end);
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
            out.add(r);
          }
        }
      }
      return out;
    }
  }

  /** A producer of byte keys and values: idempotent, {@code acks=all}. */
  public KafkaProducer<byte[], byte[]> producer() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(8 << 20));
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  /** An admin client of this broker. */
  public Admin admin() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return Admin.create(p);
  }

  /**
   * Stops the node as a clean shutdown of a broker process does: the broker first (its listener
   * closes, so clients get "connection refused"; its logs are flushed and closed), then the
   * controller. The log directories and the ports are kept for {@link #restart}.
   */
  public void stop() {
    cluster.brokers().values().forEach(BrokerServer::shutdown);
    cluster.controllers().values().forEach(ControllerServer::shutdown);
  }

  /**
   * Starts the node stopped by {@link #stop} again, on the same ports and log directories (so
   * {@link #bootstrapServers} and every record stay the same), and waits until every partition of
   * {@code topics} has a leader again.
   */
  public void restart(String... topics) throws Exception {
    cluster.controllers().values().forEach(ControllerServer::startup);
    cluster.brokers().values().forEach(BrokerServer::startup);
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!led(topics)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the broker did not come back within " + TIMEOUT);
      }
      Thread.sleep(100);
    }
  }

  /** Whether every partition of {@code topics} has a leader. */
  private boolean led(String... topics) throws InterruptedException {
    try (Admin admin = admin()) {
      return admin
          .describeTopics(List.of(topics))
          .allTopicNames()
          .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .values()
          .stream()
          .flatMap(d -> d.partitions().stream())
          .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
    } catch (ExecutionException | TimeoutException e) {
      return false; // not ready yet
    }
  }

  @Override
  public void close() throws Exception {
    cluster.close();
  }

  // ---------------------------------------------------------------------------------------------
  // Loopback-only listener sockets

  private static void bindToLoopback(KafkaClusterTestKit.Builder builder) throws Exception {
    Field f = KafkaClusterTestKit.Builder.class.getDeclaredField("socketFactoryManager");
    f.setAccessible(true);
    PreboundSocketFactoryManager old = (PreboundSocketFactoryManager) f.get(builder);
    old.close(); // has not opened anything yet
    f.set(builder, new LoopbackSocketFactoryManager());
  }

  /**
   * Pre-binds each node's listener sockets (so that their ports are known before the nodes start,
   * as the kit needs) to 127.0.0.1 rather than to every interface.
   */
  private static final class LoopbackSocketFactoryManager extends PreboundSocketFactoryManager {
    private final Map<Integer, Map<String, ServerSocketChannel>> sockets = new HashMap<>();
    private final Map<Integer, Map<String, Boolean>> used = new HashMap<>();
    private boolean closed;

    @Override
    public synchronized int getOrCreatePortForListener(int nodeId, String listener)
        throws IOException {
      Map<String, ServerSocketChannel> node = sockets.computeIfAbsent(nodeId, k -> new HashMap<>());
      ServerSocketChannel ch = node.get(listener);
      if (ch == null) {
        if (closed) {
          throw new IllegalStateException("socket manager is closed");
        }
        ch =
            ServerSocketFactory.INSTANCE.openServerSocket(
                listener, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), -1, -1);
        node.put(listener, ch);
      }
      return ((InetSocketAddress) ch.getLocalAddress()).getPort();
    }

    @Override
    public synchronized ServerSocketChannel getSocketForListenerAndMarkAsUsed(
        int nodeId, String listener) {
      Map<String, ServerSocketChannel> node = sockets.get(nodeId);
      ServerSocketChannel ch = node == null ? null : node.get(listener);
      if (ch != null) {
        used.computeIfAbsent(nodeId, k -> new HashMap<>()).put(listener, true);
      }
      return ch;
    }

    @Override
    public synchronized ServerSocketFactory getOrCreateSocketFactory(int nodeId) {
      return (listener, address, sendBuffer, receiveBuffer) -> {
        ServerSocketChannel ch = getSocketForListenerAndMarkAsUsed(nodeId, listener);
        if (ch != null && ch.isOpen()) {
          return ch;
        }
        // a restart after the pre-bound socket was closed: bind the same port again, on loopback
        int port = ch != null ? ch.socket().getLocalPort() : address.getPort();
        return ServerSocketFactory.INSTANCE.openServerSocket(
            listener,
            new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
            sendBuffer,
            receiveBuffer);
      };
    }

    @Override
    public synchronized void close() throws Exception {
      if (closed) {
        return;
      }
      closed = true;
      for (Map.Entry<Integer, Map<String, ServerSocketChannel>> node : sockets.entrySet()) {
        Map<String, Boolean> u = used.getOrDefault(node.getKey(), Map.of());
        for (Map.Entry<String, ServerSocketChannel> e : node.getValue().entrySet()) {
          if (!u.containsKey(e.getKey())) {
            e.getValue().close(); // the servers close the ones they took
          }
        }
      }
    }
  }
}
