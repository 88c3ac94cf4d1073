package dev.pulse.peer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Kafka Streams reference aggregator: reads the sales topic, drops redeliveries by event_id and
 * keeps three rollups in RocksDB stores (changelogged, exactly-once v2), each also written to an
 * output topic as a changelog (key = cell, value = the cell's sums):
 *
 * <ul>
 *   <li>{topic}.peer.sales: minute × store × channel × region × category ('*' = the whole order)
 *   <li>{topic}.peer.skus: minute × SKU
 *   <li>{topic}.peer.segments: minute × customer dimension × value (age band, gender, loyalty
 *       tier, new/returning)
 * </ul>
 *
 * <p>Prints the topology's totals as a JSON line on stdout every 100 ms when they changed, and
 * once more on SIGTERM after closing ("final": true when it closed in time, everything committed); also
 * each state change of the client ({"state": "RUNNING"}).
 *
 * <p>Usage: PeerJob bootstrap topic applicationId stateDir threads
 */
public final class PeerJob {
  private static final long PRINT_EVERY_MS = 100;

  private record Rollup(String name, Function<SaleEvent, List<KeyValue<String, Delta>>> cells, Function<String, String> metric) {}

  private static final List<Rollup> ROLLUPS =
      List.of(
          new Rollup("sales", Cells::sales, key -> key.endsWith("|" + Cells.ALL) ? "sales.all" : "sales.category"),
          new Rollup("skus", Cells::skus, key -> "skus"),
          new Rollup("segments", Cells::segments, key -> "segments." + key.split("\\|", 3)[1]));

  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      System.err.println("usage: PeerJob <bootstrap> <topic> <application.id> <state.dir> <threads>");
      System.exit(64);
    }
    String bootstrap = args[0];
    String topic = args[1];
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, args[2]);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(StreamsConfig.STATE_DIR_CONFIG, Path.of(args[3]).toAbsolutePath().toString());
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.parseInt(args[4]));
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");

    createOutputTopics(bootstrap, topic);
    Topology topology = topology(topic);
    KafkaStreams streams = new KafkaStreams(topology, props);
    CountDownLatch stopped = new CountDownLatch(1);
    streams.setUncaughtExceptionHandler(
        e -> {
          e.printStackTrace();
          return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    streams.setStateListener(
        (now, before) -> {
          System.out.println("{\"state\":\"" + now + "\"}");
          System.out.flush();
          if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) stopped.countDown();
        });
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  // Closed in time: every task committed, so the totals are the committed state.
                  boolean closed = streams.close(Duration.ofSeconds(60));
                  System.out.println(Totals.json(closed));
                  System.out.flush();
                }));
    streams.start();
    printTotals(stopped);
  }

  static Topology topology(String topic) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.addStateStore(Dedupe.seenStore());
    builder.addStateStore(Totals.storeBuilder(Dedupe.TOTALS));
    KStream<String, SaleEvent> events =
        builder
            .stream(topic, Consumed.with(Serdes.String(), Serdes.ByteArray()))
            .processValues(Dedupe::new, Dedupe.SEEN, Dedupe.TOTALS);
    for (Rollup rollup : ROLLUPS) {
      String totalsStore = rollup.name + "-totals";
      builder.addStateStore(Totals.storeBuilder(totalsStore));
      KStream<String, Delta> cells =
          events
              .flatMap((key, event) -> rollup.cells.apply(event))
              .repartition(
                  Repartitioned.<String, Delta>as(rollup.name + "-cells")
                      .withKeySerde(Serdes.String())
                      .withValueSerde(Delta.serde()));
      cells
          .groupByKey()
          .aggregate(
              () -> Delta.ZERO,
              (key, delta, sums) -> sums.plus(delta),
              Materialized.<String, Delta, KeyValueStore<Bytes, byte[]>>as(rollup.name + "-rollup")
                  .withKeySerde(Serdes.String())
                  .withValueSerde(Delta.serde()))
          .toStream()
          .to(outputTopic(topic, rollup.name), Produced.with(Serdes.String(), Delta.serde()));
      cells.process(() -> new CellTotals(totalsStore, rollup.metric), totalsStore);
    }
    return builder.build();
  }

  static String outputTopic(String topic, String rollup) {
    return topic + ".peer." + rollup;
  }

  private static void createOutputTopics(String bootstrap, String topic) throws InterruptedException {
    Map<String, Object> config = new HashMap<>();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(config)) {
      for (Rollup rollup : ROLLUPS) {
        NewTopic output =
            new NewTopic(outputTopic(topic, rollup.name), 6, (short) 1).configs(Map.of("cleanup.policy", "compact"));
        try {
          admin.createTopics(List.of(output)).all().get();
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) throw new IllegalStateException(e.getCause());
        }
      }
    }
  }

  /** Prints the totals whenever they changed, until the client stops. */
  private static void printTotals(CountDownLatch stopped) throws InterruptedException {
    String last = "";
    while (!stopped.await(PRINT_EVERY_MS, TimeUnit.MILLISECONDS)) {
      String now = Totals.json(false);
      if (!now.equals(last)) {
        System.out.println(now);
        System.out.flush();
        last = now;
      }
    }
  }
}
