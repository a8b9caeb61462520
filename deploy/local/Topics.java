import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Creates Kafka topics that do not exist yet: {@code java -cp 'kafka-lib/target/lib/*'
 * Topics.java BOOTSTRAP NAME:PARTITIONS...}. Retries until the broker answers (60 s). Existing
 * topics are left as they are. Every topic keeps its records forever ({@code retention.ms=-1}),
 * because replays carry old event times.
 */
public class Topics {
  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: Topics BOOTSTRAP NAME:PARTITIONS...");
      System.exit(2);
    }
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    try (Admin admin = Admin.create(p)) {
      Set<String> existing = null;
      while (existing == null) {
        try {
          existing = admin.listTopics().names().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
          if (System.nanoTime() > deadline) {
            throw e;
          }
          Thread.sleep(1000);
        }
      }
      List<NewTopic> create = new ArrayList<>();
      for (int i = 1; i < args.length; i++) {
        String[] t = args[i].split(":");
        int partitions = t.length > 1 ? Integer.parseInt(t[1]) : 1;
        if (existing.contains(t[0])) {
          System.out.println("topic " + t[0] + " exists");
        } else {
          create.add(
              new NewTopic(t[0], partitions, (short) 1).configs(Map.of("retention.ms", "-1")));
        }
      }
      if (!create.isEmpty()) {
        try {
          admin.createTopics(create).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause()
              instanceof org.apache.kafka.common.errors.TopicExistsException)) {
            throw e;
          }
        }
        for (NewTopic t : create) {
          System.out.println("created topic " + t.name() + " (" + t.numPartitions() + " partitions)");
        }
      }
    }
  }
}
