package dev.pulse.peer;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;

/**
 * The rollup cells one event touches, keyed by cell (fields joined with '|'), each with the
 * event's contribution. Same rules as Pulse (lib/domain/sales-rollup.ts): net revenue and units,
 * a refund is no order.
 */
public final class Cells {
  /** category of the whole-order rows, as in Pulse. */
  public static final String ALL = "*";

  private Cells() {}

  /** Start of the UTC minute of the event time, epoch ms. */
  static long minute(SaleEvent e) {
    long ms = OffsetDateTime.parse(e.occurredAt).toInstant().toEpochMilli();
    return Math.floorDiv(ms, 60_000L) * 60_000L;
  }

  /** minute × store × channel × region × category, plus the whole order under category '*'. */
  public static List<KeyValue<String, Delta>> sales(SaleEvent e) {
    String prefix = minute(e) + "|" + e.storeId + "|" + e.channel + "|" + e.region + "|";
    Map<String, long[]> byCategory = new HashMap<>();
    long revenue = 0;
    long units = 0;
    for (SaleEvent.Line line : e.lines) {
      long[] sums = byCategory.computeIfAbsent(line.category, c -> new long[2]);
      sums[0] += e.revenue(line);
      sums[1] += e.units(line);
      revenue += e.revenue(line);
      units += e.units(line);
    }
    List<KeyValue<String, Delta>> out = new ArrayList<>(byCategory.size() + 1);
    out.add(KeyValue.pair(prefix + ALL, new Delta(revenue, e.orders(), units, 1)));
    byCategory.forEach(
        (category, sums) ->
            out.add(KeyValue.pair(prefix + category, new Delta(sums[0], e.orders(), sums[1], 1))));
    return out;
  }

  /** minute × SKU (a SKU appears once per order in the contract's data; sums are kept anyway). */
  public static List<KeyValue<String, Delta>> skus(SaleEvent e) {
    String prefix = minute(e) + "|";
    List<KeyValue<String, Delta>> out = new ArrayList<>(e.lines.size());
    for (SaleEvent.Line line : e.lines) {
      out.add(KeyValue.pair(prefix + line.sku, new Delta(e.revenue(line), e.orders(), e.units(line), 1)));
    }
    return out;
  }

  /** Segment dimensions of the customer rollup: each event adds to one value of each. */
  public static final List<String> DIMENSIONS = List.of("age_band", "gender", "loyalty_tier", "customer_type");

  /** minute × dimension × value, for the four customer dimensions. */
  public static List<KeyValue<String, Delta>> segments(SaleEvent e) {
    long revenue = 0;
    long units = 0;
    for (SaleEvent.Line line : e.lines) {
      revenue += e.revenue(line);
      units += e.units(line);
    }
    Delta delta = new Delta(revenue, e.orders(), units, 1);
    String prefix = minute(e) + "|";
    return List.of(
        KeyValue.pair(prefix + "age_band|" + e.ageBand(), delta),
        KeyValue.pair(prefix + "gender|" + e.customer.gender, delta),
        KeyValue.pair(prefix + "loyalty_tier|" + e.customer.loyaltyTier, delta),
        KeyValue.pair(prefix + "customer_type|" + e.customerType(), delta));
  }
}
