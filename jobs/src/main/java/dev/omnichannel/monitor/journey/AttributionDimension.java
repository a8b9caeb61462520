package dev.omnichannel.monitor.journey;

/** The event attribute that touches (and attribution) group by: the channel or the campaign. */
public enum AttributionDimension {
  CHANNEL,
  CAMPAIGN;

  /** Placeholder value for an event without a campaign (or, defensively, without a channel). */
  public static final String NONE = "(none)";

  /** The event's value of this dimension: its channel, or its campaign ("(none)" when null). */
  public String of(TimelineEvent e) {
    String v = this == CHANNEL ? e.channel() : e.campaign();
    return v == null ? NONE : v;
  }
}
