package dev.omnichannel.monitor.flow;

/**
 * A data-driven model's shares for one converting path of one window, to be spread onto the path's
 * conversions. A Flink POJO.
 */
public class PathCredit {
  /** {@link JourneyPath#windowPathKey()}. */
  public String key;

  public String model;
  public String[] channels;
  public double[] shares;

  public PathCredit() {}

  public PathCredit(String key, String model, String[] channels, double[] shares) {
    this.key = key;
    this.model = model;
    this.channels = channels;
    this.shares = shares;
  }
}
