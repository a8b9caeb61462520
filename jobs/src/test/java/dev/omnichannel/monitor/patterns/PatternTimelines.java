package dev.omnichannel.monitor.patterns;

import dev.omnichannel.monitor.event.Event;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Random timelines dense in what the patterns look at: the event types and channels of the built-in
 * catalogue, contact topics, outcomes and sentiments, gaps around every window (minutes, hours,
 * days, weeks) and events that share a time (ties broken by {@code event_id}, which is random, so a
 * tie is as likely to go one way as the other).
 */
final class PatternTimelines {
  static final long T0 = Instant.parse("2026-03-01T00:00:00Z").toEpochMilli();
  static final long MIN = 60_000L;
  static final long H = 60 * MIN;
  static final long D = 24 * H;

  /** Event time, then event id: the order the pattern stage feeds each person's events in. */
  static final Comparator<Event> ORDER =
      Comparator.<Event>comparingLong(e -> e.eventTime).thenComparing(e -> e.eventId);

  private static final String[] TYPES = {
    "PRODUCT_VIEW", "PRODUCT_VIEW", "ADD_TO_CART", "ADD_TO_CART", "PURCHASE", "PURCHASE",
    "CONTACT_START", "CONTACT_START", "CONTACT_START", "SELF_SERVICE", "EMAIL_CLICK", "STORE_VISIT",
    "ERROR", "SURVEY_RESPONSE", "PAGE_VIEW", "CONTACT_END"
  };
  private static final String[] CHANNELS = {
    "WEB", "WEB", "MOBILE_APP", "CHAT", "VOICE", "EMAIL", "STORE", "SOCIAL", "SMS"
  };
  private static final String[] TOPICS = {null, null, "order_status", "delivery", "billing"};
  private static final String[] OUTCOMES = {null, "RESOLVED", "UNRESOLVED", "TRANSFERRED"};
  private static final double[] SENTIMENTS = {Double.NaN, Double.NaN, -0.9, -0.5, -0.49, 0.3};
  private static final long[] STEPS = {
    0, 1, 5 * MIN, 20 * MIN, H - 1, H, H + 1, 3 * H, 20 * H, 2 * D, 3 * D, 7 * D, 15 * D
  };

  private PatternTimelines() {}

  static Event event(String person, String id, long time, String channel, String type) {
    Event e = new Event();
    e.eventId = id;
    e.eventTime = time;
    e.channel = (byte) Event.channelOrdinal(channel);
    e.eventType = (byte) Event.eventTypeOrdinal(type);
    e.identities = new String[] {"customer_id:" + person};
    e.personId = person;
    e.journeyId = person + "-j";
    return e;
  }

  /** About {@code n} events of one person, in no particular order. */
  static List<Event> timeline(Random rnd, String person, int n) {
    List<Event> out = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    long t = T0 + rnd.nextInt(1000);
    for (int i = 0; i < n; i++) {
      t += STEPS[rnd.nextInt(STEPS.length)] + (rnd.nextInt(4) == 0 ? rnd.nextInt(1000) : 0);
      String id;
      do {
        id = person + "/" + (char) ('a' + rnd.nextInt(26)) + rnd.nextInt(1000);
      } while (!ids.add(id));
      Event e =
          event(
              person,
              id,
              t,
              CHANNELS[rnd.nextInt(CHANNELS.length)],
              TYPES[rnd.nextInt(TYPES.length)]);
      e.topic = TOPICS[rnd.nextInt(TOPICS.length)];
      e.outcome = OUTCOMES[rnd.nextInt(OUTCOMES.length)];
      e.sentiment = SENTIMENTS[rnd.nextInt(SENTIMENTS.length)];
      if (rnd.nextInt(5) == 0) {
        e.attributes = new String[] {"segment", rnd.nextBoolean() ? "vip" : "new"};
      }
      out.add(e);
    }
    return out;
  }

  /** A match as text: pattern, person, event ids. */
  static String describe(PatternMatch m) {
    return m.pattern + " " + m.personId + " " + String.join(",", m.eventIds);
  }
}
