// A real Apache Kafka Java producer (kafka-clients from the broker's classpath), for tests that
// check Pulse against the client most POS back-ends, CDC pipelines and integrations use.
//
//   java -cp '.pulse/kafka/lib/*' tests/support/java/PulseJavaProducer.java \
//        --brokers HOST:PORT --topic T [--compression none|gzip|snappy|lz4|zstd]
//        [--idempotent] [--transactional-id ID] [--linger-ms N]
//
// Reads records from standard input, one per line: `key<TAB>value` (an empty key is null).
// With --transactional-id, lines `#begin`, `#commit` and `#abort` drive transactions.
// Every send is flushed and acknowledged before the program exits 0; any failure exits 1.
// Prints `sent N` (records acknowledged, aborted ones included) on success.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

public class PulseJavaProducer {
  public static void main(String[] args) throws Exception {
    String brokers = null, topic = null, compression = "none", transactionalId = null;
    boolean idempotent = false;
    int lingerMs = 5;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--brokers" -> brokers = args[++i];
        case "--topic" -> topic = args[++i];
        case "--compression" -> compression = args[++i];
        case "--idempotent" -> idempotent = true;
        case "--transactional-id" -> transactionalId = args[++i];
        case "--linger-ms" -> lingerMs = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
      }
    }
    if (brokers == null || topic == null) throw new IllegalArgumentException("--brokers and --topic are required");

    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
    props.put(ProducerConfig.LINGER_MS_CONFIG, String.valueOf(lingerMs));
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, String.valueOf(idempotent || transactionalId != null));
    if (transactionalId != null) props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);

    int sent = 0;
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      if (transactionalId != null) producer.initTransactions();
      List<Future<RecordMetadata>> pending = new ArrayList<>();
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isEmpty()) continue;
        switch (line) {
          case "#begin" -> producer.beginTransaction();
          case "#commit" -> producer.commitTransaction();
          case "#abort" -> {
            producer.flush(); // the aborted records reach the log first, as in a real failure
            producer.abortTransaction();
          }
          default -> {
            int tab = line.indexOf('\t');
            if (tab < 0) throw new IllegalArgumentException("expected key<TAB>value: " + line);
            String key = tab == 0 ? null : line.substring(0, tab);
            pending.add(producer.send(new ProducerRecord<>(topic, key, line.substring(tab + 1))));
          }
        }
      }
      producer.flush();
      for (Future<RecordMetadata> f : pending) {
        f.get();
        sent++;
      }
    }
    System.out.println("sent " + sent);
  }
}
