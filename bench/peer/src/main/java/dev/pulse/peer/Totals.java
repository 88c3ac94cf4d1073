package dev.pulse.peer;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Running totals of the topology, kept in a state store of each task (metric name → sums) and
 * updated by the same processor, in the same transaction, as the records they count. A copy of
 * each task's store values is mirrored in memory for the printer: it is set from the store
 * when a task (re)starts — after an aborted transaction that is the restored, committed state —
 * and follows every write.
 */
public final class Totals {
  private static final Map<String, Map<TaskId, Delta>> MIRROR = new ConcurrentHashMap<>();

  private final KeyValueStore<String, Delta> store;
  private final TaskId task;

  private Totals(KeyValueStore<String, Delta> store, TaskId task) {
    this.store = store;
    this.task = task;
  }

  public static StoreBuilder<KeyValueStore<String, Delta>> storeBuilder(String name) {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), Delta.serde());
  }

  /** Opens the task's totals store and mirrors what it holds. */
  public static Totals open(ProcessingContext context, String storeName) {
    KeyValueStore<String, Delta> store = context.getStateStore(storeName);
    Totals totals = new Totals(store, context.taskId());
    try (KeyValueIterator<String, Delta> all = store.all()) {
      while (all.hasNext()) {
        KeyValue<String, Delta> entry = all.next();
        totals.mirror(entry.key, entry.value);
      }
    }
    return totals;
  }

  public void add(String metric, Delta delta) {
    Delta current = store.get(metric);
    Delta next = current == null ? delta : current.plus(delta);
    store.put(metric, next);
    mirror(metric, next);
  }

  private void mirror(String metric, Delta value) {
    MIRROR.computeIfAbsent(metric, m -> new ConcurrentHashMap<>()).put(task, value);
  }

  /** Every metric summed over the tasks, as one JSON line. */
  public static String json(boolean isFinal) {
    Map<String, Delta> sums = new TreeMap<>();
    MIRROR.forEach(
        (metric, byTask) -> sums.put(metric, byTask.values().stream().reduce(Delta.ZERO, Delta::plus)));
    StringBuilder out = new StringBuilder("{\"final\":").append(isFinal).append(",\"totals\":{");
    String separator = "";
    for (Map.Entry<String, Delta> entry : sums.entrySet()) {
      Delta d = entry.getValue();
      out.append(separator)
          .append('"')
          .append(entry.getKey())
          .append("\":{\"revenueCents\":")
          .append(d.revenueCents())
          .append(",\"orders\":")
          .append(d.orders())
          .append(",\"units\":")
          .append(d.units())
          .append(",\"events\":")
          .append(d.events())
          .append('}');
      separator = ",";
    }
    return out.append("}}").toString();
  }
}
