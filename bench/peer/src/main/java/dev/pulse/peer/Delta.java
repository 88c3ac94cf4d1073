package dev.pulse.peer;

import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/** What one event adds to one rollup cell, and a cell's running sums (the same four numbers). */
public record Delta(long revenueCents, long orders, long units, long events) {
  public static final Delta ZERO = new Delta(0, 0, 0, 0);

  public Delta plus(Delta other) {
    return new Delta(
        revenueCents + other.revenueCents,
        orders + other.orders,
        units + other.units,
        events + other.events);
  }

  private static final Serializer<Delta> SERIALIZER =
      (topic, d) ->
          d == null
              ? null
              : ByteBuffer.allocate(32)
                  .putLong(d.revenueCents)
                  .putLong(d.orders)
                  .putLong(d.units)
                  .putLong(d.events)
                  .array();

  private static final Deserializer<Delta> DESERIALIZER =
      (topic, bytes) -> {
        if (bytes == null) return null;
        ByteBuffer b = ByteBuffer.wrap(bytes);
        return new Delta(b.getLong(), b.getLong(), b.getLong(), b.getLong());
      };

  public static Serde<Delta> serde() {
    return Serdes.serdeFrom(SERIALIZER, DESERIALIZER);
  }
}
