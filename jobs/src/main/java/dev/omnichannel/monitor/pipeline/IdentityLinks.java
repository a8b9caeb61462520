package dev.omnichannel.monitor.pipeline;

/**
 * The part of an event the identity graph needs: its time, id and identities ({@code
 * namespace:value}). Only events with two or more identities carry links.
 */
public class IdentityLinks {
  public long eventTime;
  public String eventId;
  public String[] identities;

  public IdentityLinks() {}

  public IdentityLinks(long eventTime, String eventId, String[] identities) {
    this.eventTime = eventTime;
    this.eventId = eventId;
    this.identities = identities;
  }
}
