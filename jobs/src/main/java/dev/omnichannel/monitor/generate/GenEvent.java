package dev.omnichannel.monitor.generate;

import dev.omnichannel.monitor.avro.Channel;
import dev.omnichannel.monitor.avro.EventType;

/**
 * A generated event while it is held in memory: mutable and compact, serialised only when it is
 * written. {@code value} and {@code sentiment} are NaN when absent.
 */
final class GenEvent {
  long time;
  int person;
  int seq;
  int episode;
  String id;
  Channel channel;
  EventType type;
  Ident[] ids;
  String session;
  String source;
  String order;
  String product;
  String currency;
  String campaign;
  String topic;
  String outcome;
  double value = Double.NaN;
  double sentiment = Double.NaN;
  String attrKey;
  String attrValue;

  /** Written as an ISO-8601 instant rather than epoch milliseconds. */
  boolean iso;

  /** Carries a placeholder identity next to its real ones. */
  boolean placeholder;

  /** Carries a device id shared by two customers. */
  boolean shared;

  /** Neither the first nor the last event of its episode: may lend its time to an extra event. */
  boolean interior;

  /** Unknown enum spellings written instead of {@code channel} / {@code type}; null if none. */
  String rawChannel;

  String rawType;

  boolean hasValue() {
    return !Double.isNaN(value);
  }

  boolean hasSentiment() {
    return !Double.isNaN(sentiment);
  }
}
