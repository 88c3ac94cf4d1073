package dev.pulse.peer;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Decodes a message and passes each event_id on once. The seen-ids store is local to the input
 * partition's task: enough because the contract keys messages by order_id, so a redelivery of
 * an event lands on the partition of its first delivery.
 */
public final class Dedupe implements FixedKeyProcessor<String, byte[], SaleEvent> {
  public static final String SEEN = "seen-event-ids";
  public static final String TOTALS = "input-totals";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Delta ONE = new Delta(0, 0, 0, 1);
  private static final byte[] SEEN_MARK = new byte[0];

  private FixedKeyProcessorContext<String, SaleEvent> context;
  private KeyValueStore<String, byte[]> seen;
  private Totals totals;

  public static StoreBuilder<KeyValueStore<String, byte[]>> seenStore() {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SEEN), Serdes.String(), Serdes.ByteArray());
  }

  @Override
  public void init(FixedKeyProcessorContext<String, SaleEvent> context) {
    this.context = context;
    this.seen = context.getStateStore(SEEN);
    this.totals = Totals.open(context, TOTALS);
  }

  @Override
  public void process(FixedKeyRecord<String, byte[]> record) {
    SaleEvent event;
    try {
      event = JSON.readValue(record.value(), SaleEvent.class);
    } catch (IOException | RuntimeException e) {
      totals.add("input.undecodable", ONE);
      return;
    }
    if (event.eventId == null || seen.get(event.eventId) != null) {
      totals.add("input.duplicates", ONE);
      return;
    }
    seen.put(event.eventId, SEEN_MARK);
    totals.add("input.events", ONE);
    context.forward(record.withValue(event));
  }
}
