package dev.omnichannel.monitor.stream;

/** How many records one counting point saw since it last reported. A Flink POJO. */
public class CountDelta {
  /** One of the accounting terms: input_records, accepted_events, duplicates, late, dead. */
  public String counter;

  public long delta;

  public CountDelta() {}

  public CountDelta(String counter, long delta) {
    this.counter = counter;
    this.delta = delta;
  }
}
