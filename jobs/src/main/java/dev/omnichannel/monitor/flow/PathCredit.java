package dev.omnichannel.monitor.flow;

/**
 * A data-driven model's shares for one converting path of one window, to be spread onto the path's
 * conversions: {@code shares} of each conversion's count, {@code valueShares} of its value (the
 * same for every model but MARKOV, whose value has a removal effect of its own). A Flink POJO.
 */
public class PathCredit {
  /** {@link JourneyPath#windowPathKey()}. */
  public String key;

  public String model;
  public String[] channels;
  public double[] shares;

  /** The shares of the conversion value; null (state written before it existed): {@code shares}. */
  public double[] valueShares;

  public PathCredit() {}

  public PathCredit(
      String key, String model, String[] channels, double[] shares, double[] valueShares) {
    this.key = key;
    this.model = model;
    this.channels = channels;
    this.shares = shares;
    this.valueShares = valueShares;
  }

  /** The share of the value of channel {@code i}. */
  public double valueShare(int i) {
    return valueShares == null ? shares[i] : valueShares[i];
  }
}
