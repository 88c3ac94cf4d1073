package dev.pulse.peer;

import java.util.function.Function;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Sums the cell deltas of one rollup into that rollup's totals store. It reads the same
 * repartition topic as the rollup's aggregation, in the same task, so its totals are committed
 * with the aggregates they add up.
 */
public final class CellTotals implements Processor<String, Delta, Void, Void> {
  private final String storeName;
  private final Function<String, String> metricOf;
  private Totals totals;

  /** metricOf maps a cell key to the metric its delta counts in. */
  public CellTotals(String storeName, Function<String, String> metricOf) {
    this.storeName = storeName;
    this.metricOf = metricOf;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    this.totals = Totals.open(context, storeName);
  }

  @Override
  public void process(Record<String, Delta> record) {
    totals.add(metricOf.apply(record.key()), record.value());
  }
}
