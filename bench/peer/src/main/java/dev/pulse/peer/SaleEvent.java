package dev.pulse.peer;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** Event contract v1 (README "Event contract v1"): the fields the aggregates read. */
@JsonIgnoreProperties(ignoreUnknown = true)
public final class SaleEvent {
  @JsonProperty("event_id") public String eventId;
  public String type;
  @JsonProperty("occurred_at") public String occurredAt;
  @JsonProperty("store_id") public String storeId;
  public String channel;
  public String region;
  public Customer customer;
  public List<Line> lines;

  @JsonIgnoreProperties(ignoreUnknown = true)
  public static final class Customer {
    public Integer age;
    public String gender;
    @JsonProperty("loyalty_tier") public String loyaltyTier;
    @JsonProperty("first_order") public boolean firstOrder;
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  public static final class Line {
    public String sku;
    public String category;
    public long quantity;
    @JsonProperty("unit_price_cents") public long unitPriceCents;
    @JsonProperty("discount_cents") public long discountCents;
  }

  public boolean isRefund() {
    return "refund".equals(type);
  }

  /** Net revenue of one line: a refund's amount is subtracted (lib/domain/sales-rollup.ts). */
  public long revenue(Line line) {
    long amount = line.quantity * line.unitPriceCents - line.discountCents;
    return isRefund() ? -amount : amount;
  }

  public long units(Line line) {
    return isRefund() ? -line.quantity : line.quantity;
  }

  /** A refund is never an order. */
  public long orders() {
    return isRefund() ? 0 : 1;
  }

  /** lib/domain/sales-event.ts ageBand. */
  public String ageBand() {
    Integer age = customer.age;
    if (age == null) return "unknown";
    if (age < 18) return "<18";
    if (age < 25) return "18-24";
    if (age < 35) return "25-34";
    if (age < 45) return "35-44";
    if (age < 55) return "45-54";
    if (age < 65) return "55-64";
    return "65+";
  }

  public String customerType() {
    return customer.firstOrder ? "new" : "returning";
  }
}
