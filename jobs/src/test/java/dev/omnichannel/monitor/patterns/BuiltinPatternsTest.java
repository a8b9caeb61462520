package dev.omnichannel.monitor.patterns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.event.Event;
import dev.omnichannel.monitor.event.EventTypeInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every built-in pattern, compiled to Flink CEP and run by the pattern stage, against hand-written
 * event lists: a positive case, the nearest negative cases (a step missing, the wrong channel, just
 * outside the window, exactly at the boundary) and noise. Each case is one person; one job per
 * pattern and execution mode (BATCH and STREAMING must agree).
 */
class BuiltinPatternsTest {
  @RegisterExtension
  static final MiniClusterExtension CLUSTER =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .setConfiguration(
                  dev.omnichannel.monitor.flow.LocalFlink.loopback(
                      new org.apache.flink.configuration.Configuration()))
              .build());

  static final long T0 = Instant.parse("2026-03-01T00:00:00Z").toEpochMilli();
  static final long MIN = 60_000L;
  static final long H = 60 * MIN;
  static final long D = 24 * H;

  /** An event at {@code T0 + offset}. */
  static Event ev(String id, long offset, String channel, String type) {
    Event e = new Event();
    e.eventId = id;
    e.eventTime = T0 + offset;
    e.channel = (byte) Event.channelOrdinal(channel);
    e.eventType = (byte) Event.eventTypeOrdinal(type);
    e.personId = "";
    return e;
  }

  static Event contact(String id, long offset, String channel) {
    return ev(id, offset, channel, "CONTACT_START");
  }

  static Event with(Event e, String topic, String outcome, Double sentiment) {
    e.topic = topic;
    e.outcome = outcome;
    e.sentiment = sentiment == null ? Double.NaN : sentiment;
    return e;
  }

  /** Runs one pattern over the cases (one person each); returns the matched event ids per case. */
  static Map<String, List<List<String>>> run(
      String pattern, Map<String, List<Event>> cases, long endOfInput) throws Exception {
    Map<String, List<List<String>>> batch =
        run(pattern, cases, endOfInput, RuntimeExecutionMode.BATCH);
    Map<String, List<List<String>>> streaming =
        run(pattern, cases, endOfInput, RuntimeExecutionMode.STREAMING);
    assertThat(streaming).as("STREAMING execution gives what BATCH gives").isEqualTo(batch);
    return batch;
  }

  static Map<String, List<List<String>>> run(
      String pattern, Map<String, List<Event>> cases, long endOfInput, RuntimeExecutionMode mode)
      throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setRuntimeMode(mode);
    env.setParallelism(2);
    List<Event> all = new ArrayList<>();
    cases.forEach(
        (person, events) ->
            events.forEach(
                e -> {
                  Event copy = e.copy();
                  copy.personId = person;
                  all.add(copy);
                }));
    PatternCatalogue catalogue = PatternCatalogue.builtin().only(pattern);
    Map<String, List<List<String>>> found = new TreeMap<>();
    cases.keySet().forEach(k -> found.put(k, new ArrayList<>()));
    try (CloseableIterator<PatternMatch> it =
        PatternStage.matches(env.fromData(all, EventTypeInfo.INSTANCE), catalogue)
            .executeAndCollect()) {
      while (it.hasNext()) {
        PatternMatch m = it.next();
        if (m.absenceDeadline <= endOfInput) {
          found.get(m.personId).add(List.of(m.eventIds));
        }
      }
    }
    found.values().forEach(l -> l.sort((a, b) -> a.toString().compareTo(b.toString())));
    return found;
  }

  static Map<String, List<List<String>>> run(String pattern, Map<String, List<Event>> cases)
      throws Exception {
    return run(pattern, cases, T0 + 365 * D);
  }

  static List<List<String>> none() {
    return List.of();
  }

  static List<List<String>> one(String... ids) {
    return List.of(List.of(ids));
  }

  @Test
  void browseAbandonChatPurchase() throws Exception {
    Map<String, List<Event>> c = new LinkedHashMap<>();
    c.put(
        "positive",
        List.of(
            ev("pv", 0, "WEB", "PRODUCT_VIEW"),
            ev("atc", 5 * MIN, "WEB", "ADD_TO_CART"),
            ev("noise", 10 * MIN, "WEB", "PAGE_VIEW"),
            contact("chat", 2 * H, "CHAT"),
            ev("end", 2 * H + 10 * MIN, "CHAT", "CONTACT_END"),
            ev("buy", 3 * H, "WEB", "PURCHASE")));
    c.put(
        "no-chat",
        List.of(
            ev("pv", 0, "WEB", "PRODUCT_VIEW"),
            ev("atc", 5 * MIN, "WEB", "ADD_TO_CART"),
            ev("buy", 3 * H, "WEB", "PURCHASE")));
    c.put(
        "chat-on-voice",
        List.of(
            ev("pv", 0, "WEB", "PRODUCT_VIEW"),
            ev("atc", 5 * MIN, "WEB", "ADD_TO_CART"),
            contact("call", 2 * H, "VOICE"),
            ev("buy", 3 * H, "WEB", "PURCHASE")));
    c.put(
        "view-in-store",
        List.of(
            ev("pv", 0, "STORE", "PRODUCT_VIEW"),
            ev("atc", 5 * MIN, "WEB", "ADD_TO_CART"),
            contact("chat", 2 * H, "CHAT"),
            ev("buy", 3 * H, "WEB", "PURCHASE")));
    c.put(
        "bought-at-1h",
        List.of(
            ev("pv", 0, "WEB", "PRODUCT_VIEW"),
            ev("atc", 5 * MIN, "WEB", "ADD_TO_CART"),
            ev("quick", 65 * MIN, "WEB", "PURCHASE"),
            contact("chat", 2 * H, "CHAT"),
            ev("buy", 3 * H, "WEB", "PURCHASE")));
    c.put(
        "bought-after-1h",
        List.of(
            ev("pv", 0, "WEB", "PRODUCT_VIEW"),
            ev("atc", 5 * MIN, "WEB", "ADD_TO_CART"),
            ev("late", 65 * MIN + 1, "WEB", "PURCHASE"),
            contact("chat", 2 * H, "CHAT"),
            ev("buy", 3 * H, "WEB", "PURCHASE")));
    c.put(
        "chat-then-quick-buy",
        List.of(
            ev("pv", 0, "WEB", "PRODUCT_VIEW"),
            ev("atc", 5 * MIN, "WEB", "ADD_TO_CART"),
            contact("chat", 20 * MIN, "CHAT"),
            ev("buy", 40 * MIN, "WEB", "PURCHASE")));
    c.put(
        "at-7d",
        List.of(
            ev("pv", 0, "MOBILE_APP", "PRODUCT_VIEW"),
            ev("atc", 5 * MIN, "MOBILE_APP", "ADD_TO_CART"),
            contact("chat", 2 * D, "CHAT"),
            ev("buy", 7 * D, "STORE", "PURCHASE")));
    c.put(
        "past-7d",
        List.of(
            ev("pv", 0, "MOBILE_APP", "PRODUCT_VIEW"),
            ev("atc", 5 * MIN, "MOBILE_APP", "ADD_TO_CART"),
            contact("chat", 2 * D, "CHAT"),
            ev("buy", 7 * D + 1, "STORE", "PURCHASE")));
    Map<String, List<List<String>>> f = run("BROWSE_ABANDON_CHAT_PURCHASE", c);
    assertThat(f.get("positive")).isEqualTo(one("pv", "atc", "chat", "buy"));
    assertThat(f.get("no-chat")).isEqualTo(none());
    assertThat(f.get("chat-on-voice")).isEqualTo(none());
    assertThat(f.get("view-in-store")).isEqualTo(none());
    assertThat(f.get("bought-at-1h")).as("a purchase exactly 1h after the cart").isEqualTo(none());
    assertThat(f.get("bought-after-1h")).isEqualTo(one("pv", "atc", "chat", "buy"));
    assertThat(f.get("chat-then-quick-buy"))
        .as("bought within the hour, after the chat")
        .isEqualTo(none());
    assertThat(f.get("at-7d")).isEqualTo(one("pv", "atc", "chat", "buy"));
    assertThat(f.get("past-7d")).isEqualTo(none());
  }

  @Test
  void researchOnlineBuyOffline() throws Exception {
    Map<String, List<Event>> c = new LinkedHashMap<>();
    c.put(
        "positive",
        List.of(
            ev("pv", 0, "WEB", "PRODUCT_VIEW"),
            ev("noise", D, "EMAIL", "EMAIL_OPEN"),
            ev("visit", 3 * D, "STORE", "STORE_VISIT"),
            ev("buy", 3 * D + H, "STORE", "PURCHASE")));
    c.put(
        "online-purchase",
        List.of(ev("pv", 0, "WEB", "PRODUCT_VIEW"), ev("buy", 3 * D, "WEB", "PURCHASE")));
    c.put(
        "no-view",
        List.of(ev("visit", 0, "STORE", "STORE_VISIT"), ev("buy", H, "STORE", "PURCHASE")));
    c.put(
        "at-14d",
        List.of(ev("pv", 0, "MOBILE_APP", "PRODUCT_VIEW"), ev("buy", 14 * D, "STORE", "PURCHASE")));
    c.put(
        "past-14d",
        List.of(
            ev("pv", 0, "MOBILE_APP", "PRODUCT_VIEW"), ev("buy", 14 * D + 1, "STORE", "PURCHASE")));
    Map<String, List<List<String>>> f = run("RESEARCH_ONLINE_BUY_OFFLINE", c);
    assertThat(f.get("positive")).isEqualTo(one("pv", "buy"));
    assertThat(f.get("online-purchase")).isEqualTo(none());
    assertThat(f.get("no-view")).isEqualTo(none());
    assertThat(f.get("at-14d")).isEqualTo(one("pv", "buy"));
    assertThat(f.get("past-14d")).isEqualTo(none());
  }

  @Test
  void showrooming() throws Exception {
    Map<String, List<Event>> c = new LinkedHashMap<>();
    c.put(
        "positive",
        List.of(
            ev("visit", 0, "STORE", "STORE_VISIT"),
            ev("noise", H, "WEB", "PRODUCT_VIEW"),
            ev("buy", 2 * D, "MOBILE_APP", "PURCHASE")));
    c.put(
        "store-purchase",
        List.of(ev("visit", 0, "STORE", "STORE_VISIT"), ev("buy", 2 * D, "STORE", "PURCHASE")));
    c.put(
        "no-visit",
        List.of(ev("pv", 0, "WEB", "PRODUCT_VIEW"), ev("buy", 2 * D, "WEB", "PURCHASE")));
    c.put(
        "at-14d",
        List.of(ev("visit", 0, "STORE", "STORE_VISIT"), ev("buy", 14 * D, "WEB", "PURCHASE")));
    c.put(
        "past-14d",
        List.of(ev("visit", 0, "STORE", "STORE_VISIT"), ev("buy", 14 * D + 1, "WEB", "PURCHASE")));
    Map<String, List<List<String>>> f = run("SHOWROOMING", c);
    assertThat(f.get("positive")).isEqualTo(one("visit", "buy"));
    assertThat(f.get("store-purchase")).isEqualTo(none());
    assertThat(f.get("no-visit")).isEqualTo(none());
    assertThat(f.get("at-14d")).isEqualTo(one("visit", "buy"));
    assertThat(f.get("past-14d")).isEqualTo(none());
  }

  @Test
  void emailRecovery() throws Exception {
    Map<String, List<Event>> c = new LinkedHashMap<>();
    c.put(
        "positive",
        List.of(
            ev("atc", 0, "WEB", "ADD_TO_CART"),
            ev("open", 3 * H, "EMAIL", "EMAIL_OPEN"),
            ev("click", 3 * H + 5 * MIN, "EMAIL", "EMAIL_CLICK"),
            ev("buy", 3 * H + 9 * MIN, "WEB", "PURCHASE")));
    c.put(
        "no-click",
        List.of(
            ev("atc", 0, "WEB", "ADD_TO_CART"),
            ev("open", 3 * H, "EMAIL", "EMAIL_OPEN"),
            ev("buy", 3 * H + 9 * MIN, "WEB", "PURCHASE")));
    c.put(
        "bought-within-1h",
        List.of(
            ev("atc", 0, "WEB", "ADD_TO_CART"),
            ev("buy1", H, "WEB", "PURCHASE"),
            ev("click", 3 * H, "EMAIL", "EMAIL_CLICK"),
            ev("buy", 3 * H + 9 * MIN, "WEB", "PURCHASE")));
    c.put(
        "past-7d",
        List.of(
            ev("atc", 0, "WEB", "ADD_TO_CART"),
            ev("click", 3 * D, "EMAIL", "EMAIL_CLICK"),
            ev("buy", 7 * D + 1, "WEB", "PURCHASE")));
    c.put(
        "at-7d-with-noise",
        List.of(
            ev("atc", 0, "MOBILE_APP", "ADD_TO_CART"),
            ev("noise", 2 * H, "WEB", "PAGE_VIEW"),
            ev("click", 3 * D, "EMAIL", "EMAIL_CLICK"),
            ev("noise2", 3 * D + MIN, "WEB", "PRODUCT_VIEW"),
            ev("buy", 7 * D, "STORE", "PURCHASE")));
    Map<String, List<List<String>>> f = run("EMAIL_RECOVERY", c);
    assertThat(f.get("positive")).isEqualTo(one("atc", "click", "buy"));
    assertThat(f.get("no-click")).isEqualTo(none());
    assertThat(f.get("bought-within-1h")).isEqualTo(none());
    assertThat(f.get("past-7d")).isEqualTo(none());
    assertThat(f.get("at-7d-with-noise")).isEqualTo(one("atc", "click", "buy"));
  }

  @Test
  void repeatContact() throws Exception {
    Map<String, List<Event>> c = new LinkedHashMap<>();
    c.put(
        "positive",
        List.of(
            contact("c1", 0, "CHAT"),
            ev("end", 10 * MIN, "CHAT", "CONTACT_END"),
            ev("noise", H, "WEB", "CONTACT_START"),
            contact("c2", D, "VOICE"),
            contact("c3", 3 * D, "CHAT")));
    c.put(
        "two-only",
        List.of(
            contact("c1", 0, "CHAT"),
            contact("c2", D, "VOICE"),
            ev("end", D + MIN, "VOICE", "CONTACT_END")));
    c.put(
        "at-7d",
        List.of(
            contact("c1", 0, "EMAIL"), contact("c2", D, "EMAIL"), contact("c3", 7 * D, "EMAIL")));
    c.put(
        "past-7d",
        List.of(
            contact("c1", 0, "EMAIL"),
            contact("c2", D, "EMAIL"),
            contact("c3", 7 * D + 1, "EMAIL")));
    c.put(
        "four",
        List.of(
            contact("c1", 0, "STORE"),
            contact("c2", H, "SOCIAL"),
            contact("c3", 2 * H, "CHAT"),
            contact("c4", 3 * H, "CHAT")));
    Map<String, List<List<String>>> f = run("REPEAT_CONTACT", c);
    assertThat(f.get("positive")).isEqualTo(one("c1", "c2", "c3"));
    assertThat(f.get("two-only")).isEqualTo(none());
    assertThat(f.get("at-7d")).isEqualTo(one("c1", "c2", "c3"));
    assertThat(f.get("past-7d")).isEqualTo(none());
    assertThat(f.get("four")).as("matches never overlap").isEqualTo(one("c1", "c2", "c3"));
  }

  @Test
  void failedSelfService() throws Exception {
    Map<String, List<Event>> c = new LinkedHashMap<>();
    c.put(
        "positive",
        List.of(
            ev("ss", 0, "WEB", "SELF_SERVICE"),
            ev("noise", MIN, "WEB", "PAGE_VIEW"),
            contact("chat", 30 * MIN, "CHAT")));
    c.put(
        "same-channel",
        List.of(ev("ss", 0, "VOICE", "SELF_SERVICE"), contact("call", 10 * MIN, "VOICE")));
    c.put(
        "no-contact",
        List.of(ev("ss", 0, "WEB", "SELF_SERVICE"), ev("pv", 10 * MIN, "WEB", "PAGE_VIEW")));
    c.put("at-1h", List.of(ev("ss", 0, "MOBILE_APP", "SELF_SERVICE"), contact("call", H, "VOICE")));
    c.put(
        "past-1h",
        List.of(ev("ss", 0, "MOBILE_APP", "SELF_SERVICE"), contact("call", H + 1, "VOICE")));
    Map<String, List<List<String>>> f = run("FAILED_SELF_SERVICE", c);
    assertThat(f.get("positive")).isEqualTo(one("ss", "chat"));
    assertThat(f.get("same-channel")).isEqualTo(none());
    assertThat(f.get("no-contact")).isEqualTo(none());
    assertThat(f.get("at-1h")).isEqualTo(one("ss", "call"));
    assertThat(f.get("past-1h")).isEqualTo(none());
  }

  @Test
  void channelHop() throws Exception {
    Map<String, List<Event>> c = new LinkedHashMap<>();
    c.put(
        "positive",
        List.of(
            contact("chat", 0, "CHAT"),
            contact("chat2", H, "CHAT"),
            contact("voice", 2 * H, "VOICE"),
            contact("email", 47 * H, "EMAIL")));
    c.put(
        "two-channels",
        List.of(
            contact("chat", 0, "CHAT"),
            contact("voice", H, "VOICE"),
            contact("chat2", 2 * H, "CHAT")));
    c.put(
        "at-48h",
        List.of(
            contact("chat", 0, "CHAT"),
            contact("voice", H, "VOICE"),
            contact("social", 48 * H, "SOCIAL")));
    c.put(
        "past-48h",
        List.of(
            contact("chat", 0, "CHAT"),
            contact("voice", H, "VOICE"),
            contact("social", 48 * H + 1, "SOCIAL")));
    Map<String, List<List<String>>> f = run("CHANNEL_HOP", c);
    assertThat(f.get("positive")).isEqualTo(one("chat", "voice", "email"));
    assertThat(f.get("two-channels")).isEqualTo(none());
    assertThat(f.get("at-48h")).isEqualTo(one("chat", "voice", "social"));
    assertThat(f.get("past-48h")).isEqualTo(none());
  }

  @Test
  void unresolvedContact() throws Exception {
    Map<String, List<Event>> c = new LinkedHashMap<>();
    c.put(
        "positive",
        List.of(
            with(contact("c1", 0, "CHAT"), "billing", "UNRESOLVED", 0.0),
            ev("noise", H, "WEB", "PAGE_VIEW"),
            contact("c2", 47 * H, "VOICE")));
    c.put(
        "transferred-at-48h",
        List.of(
            with(contact("c1", 0, "VOICE"), "billing", "TRANSFERRED", 0.0),
            contact("c2", 48 * H, "VOICE")));
    c.put(
        "resolved",
        List.of(
            with(contact("c1", 0, "CHAT"), "billing", "RESOLVED", 0.0), contact("c2", H, "VOICE")));
    c.put(
        "past-48h",
        List.of(
            with(contact("c1", 0, "CHAT"), "billing", "UNRESOLVED", 0.0),
            contact("c2", 48 * H + 1, "VOICE")));
    c.put(
        "end-not-a-contact",
        List.of(
            with(ev("c1", 0, "CHAT", "CONTACT_END"), "billing", "UNRESOLVED", 0.0),
            contact("c2", H, "VOICE")));
    Map<String, List<List<String>>> f = run("UNRESOLVED_CONTACT", c);
    assertThat(f.get("positive")).isEqualTo(one("c1", "c2"));
    assertThat(f.get("transferred-at-48h")).isEqualTo(one("c1", "c2"));
    assertThat(f.get("resolved")).isEqualTo(none());
    assertThat(f.get("past-48h")).isEqualTo(none());
    assertThat(f.get("end-not-a-contact")).isEqualTo(none());
  }

  @Test
  void postPurchaseContact() throws Exception {
    Map<String, List<Event>> c = new LinkedHashMap<>();
    c.put(
        "positive",
        List.of(
            ev("buy", 0, "WEB", "PURCHASE"),
            ev("noise", D, "EMAIL", "EMAIL_OPEN"),
            with(contact("c", 10 * D, "CHAT"), "delivery", "RESOLVED", 0.2)));
    c.put(
        "other-topic",
        List.of(
            ev("buy", 0, "WEB", "PURCHASE"),
            with(contact("c", 2 * D, "CHAT"), "billing", "RESOLVED", 0.2)));
    c.put(
        "no-purchase",
        List.of(
            ev("atc", 0, "WEB", "ADD_TO_CART"),
            with(contact("c", 2 * D, "CHAT"), "order_status", "RESOLVED", 0.2)));
    c.put(
        "at-14d",
        List.of(
            ev("buy", 0, "STORE", "PURCHASE"),
            with(contact("c", 14 * D, "VOICE"), "order_status", "RESOLVED", 0.2)));
    c.put(
        "past-14d",
        List.of(
            ev("buy", 0, "STORE", "PURCHASE"),
            with(contact("c", 14 * D + 1, "VOICE"), "order_status", "RESOLVED", 0.2)));
    Map<String, List<List<String>>> f = run("POST_PURCHASE_CONTACT", c);
    assertThat(f.get("positive")).isEqualTo(one("buy", "c"));
    assertThat(f.get("other-topic")).isEqualTo(none());
    assertThat(f.get("no-purchase")).isEqualTo(none());
    assertThat(f.get("at-14d")).isEqualTo(one("buy", "c"));
    assertThat(f.get("past-14d")).isEqualTo(none());
  }

  @Test
  void negativeSentiment() throws Exception {
    Map<String, List<Event>> c = new LinkedHashMap<>();
    c.put("at-boundary", List.of(with(contact("c", 0, "CHAT"), "billing", "RESOLVED", -0.5)));
    c.put("just-above", List.of(with(contact("c", 0, "CHAT"), "billing", "RESOLVED", -0.49)));
    c.put(
        "survey",
        List.of(
            ev("noise", 0, "WEB", "PAGE_VIEW"),
            with(ev("s", H, "SMS", "SURVEY_RESPONSE"), null, null, -0.9)));
    c.put(
        "contact-end",
        List.of(with(ev("e", 0, "CHAT", "CONTACT_END"), "billing", "RESOLVED", -0.9)));
    c.put("no-sentiment", List.of(contact("c", 0, "VOICE")));
    Map<String, List<List<String>>> f = run("NEGATIVE_SENTIMENT", c);
    assertThat(f.get("at-boundary")).isEqualTo(one("c"));
    assertThat(f.get("just-above")).isEqualTo(none());
    assertThat(f.get("survey")).isEqualTo(one("s"));
    assertThat(f.get("contact-end")).isEqualTo(none());
    assertThat(f.get("no-sentiment")).isEqualTo(none());
  }

  @Test
  void errorThenAbandon() throws Exception {
    Map<String, List<Event>> c = new LinkedHashMap<>();
    c.put("positive", List.of(ev("err", 0, "WEB", "ERROR"), ev("noise", MIN, "WEB", "PAGE_VIEW")));
    c.put("bought-at-1h", List.of(ev("err", 0, "WEB", "ERROR"), ev("buy", H, "WEB", "PURCHASE")));
    c.put(
        "bought-after-1h",
        List.of(ev("err", 0, "WEB", "ERROR"), ev("buy", H + 1, "WEB", "PURCHASE")));
    c.put("no-error", List.of(ev("pv", 0, "WEB", "PAGE_VIEW")));
    Map<String, List<List<String>>> f = run("ERROR_THEN_ABANDON", c);
    assertThat(f.get("positive")).isEqualTo(one("err"));
    assertThat(f.get("bought-at-1h")).isEqualTo(none());
    assertThat(f.get("bought-after-1h")).isEqualTo(one("err"));
    assertThat(f.get("no-error")).isEqualTo(none());
  }

  @Test
  void cartAbandonedIncludingTheEndOfInput() throws Exception {
    Map<String, List<Event>> c = new LinkedHashMap<>();
    c.put(
        "positive",
        List.of(ev("atc", 0, "WEB", "ADD_TO_CART"), ev("noise", H, "WEB", "PAGE_VIEW")));
    c.put(
        "bought-at-72h",
        List.of(ev("atc", 0, "WEB", "ADD_TO_CART"), ev("buy", 72 * H, "WEB", "PURCHASE")));
    c.put(
        "bought-after-72h",
        List.of(ev("atc", 0, "WEB", "ADD_TO_CART"), ev("buy", 72 * H + 1, "WEB", "PURCHASE")));
    c.put(
        "two-carts",
        List.of(
            ev("atc1", 0, "WEB", "ADD_TO_CART"),
            ev("atc2", 10 * MIN, "WEB", "ADD_TO_CART"),
            ev("buy", 20 * MIN, "WEB", "PURCHASE")));
    Map<String, List<List<String>>> f = run("CART_ABANDONED", c);
    assertThat(f.get("positive")).isEqualTo(one("atc"));
    assertThat(f.get("bought-at-72h")).isEqualTo(none());
    assertThat(f.get("bought-after-72h")).isEqualTo(one("atc"));
    assertThat(f.get("two-carts")).isEqualTo(none());

    // At the end of a bounded input, an absence is confirmed only once its window has passed.
    Map<String, List<Event>> end = Map.of("late-cart", List.of(ev("atc", 0, "WEB", "ADD_TO_CART")));
    assertThat(run("CART_ABANDONED", end, T0 + 72 * H - 1).get("late-cart")).isEqualTo(none());
    assertThat(run("CART_ABANDONED", end, T0 + 72 * H).get("late-cart")).isEqualTo(one("atc"));
  }
}
