package dev.omnichannel.monitor.bench;

import dev.omnichannel.monitor.patterns.Condition;
import dev.omnichannel.monitor.patterns.PatternCatalogue;
import dev.omnichannel.monitor.patterns.PatternDef;
import dev.omnichannel.monitor.patterns.StepDef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The twelve built-in patterns written by hand as Esper 9 EPL, with their thresholds read from the
 * catalogue. Every statement runs in the context {@code ByPerson} (one context partition per {@code
 * person_id}) on an external clock that is advanced to each event's time before the event is sent;
 * events of equal time come in {@code event_id} order.
 *
 * <p>How the catalogue's semantics map to EPL:
 *
 * <ul>
 *   <li>A step that "follows" the previous one ({@code followed_by}: the first later matching
 *       event, others skipped) is EPL's {@code ->}, which also takes the first later event that
 *       passes the filter. Each first-step event starts its own attempt ({@code every}), as every
 *       event that fits the first step starts a Flink CEP run.
 *   <li>{@code within} is inclusive and counts from the first event: {@code where timer:within(T +
 *       1 msec)} on the sub-expression started by the first event. With the clock advanced before
 *       each event, a timer due at {@code t} fires before the events of time {@code t} are seen, so
 *       an event exactly {@code T} after the first is still inside and one {@code T + 1 ms} after
 *       is not.
 *   <li>An absence "no X within T after the previous step", that is no X in {@code (prev, prev +
 *       T]}, is {@code (timer:interval(T + 1 msec) and not X)} started by the previous step. In the
 *       middle of a pattern it is and-ed with the rest of the pattern, so later steps may come
 *       inside the absence window (a chat 20 minutes after the cart) but an X inside it ends the
 *       attempt, wherever it falls. A trailing absence uses the pattern's {@code within} and
 *       completes when its timer fires.
 *   <li>Matches never overlap, per pattern and person: the next match must start after the last
 *       event of the previous one. Flink CEP gets this from {@code skipPastLastEvent}, which prunes
 *       the runs that started before that event. EPL's {@code every} keeps each attempt on its own
 *       until it matches or its window passes, so {@link EsperPatternRunner} keeps, per person, the
 *       last event of the last match and refuses a match that starts at or before it. Esper's
 *       {@code @DiscardPartialsOnMatch} is no substitute: it drops the attempts that share an event
 *       with a match, and so also when the match is one that is then refused (with seven contacts
 *       an hour apart, the attempt from the third contact completes on the fifth, is refused, and
 *       would take the attempt from the fourth with it). Patterns whose matches are one event
 *       ({@code NEGATIVE_SENTIMENT} and the two trailing-absence frictions) cannot overlap.
 *   <li>The one difference left: Flink CEP emits a person's completed matches in the order of their
 *       first event, so a completed match waits while a run that started earlier is still open, and
 *       is dropped if that run completes after all. Only {@code FAILED_SELF_SERVICE} has runs that
 *       a later-starting run can overtake (its contact must be on another channel than its own
 *       self-service): self-service on VOICE, self-service on WEB, a VOICE call, another
 *       self-service on WEB, a chat gives Flink CEP one match (the first self-service and the chat)
 *       and Esper two (the second self-service and the call, the third and the chat).
 * </ul>
 */
public final class EsperPatterns {
  private EsperPatterns() {}

  /** The EPL of one pattern: its statement and whether non-overlap has to be enforced. */
  public record Statement(String pattern, String epl, boolean multiEvent) {}

  /** Everything to deploy: the context and one statement per pattern, in catalogue order. */
  public record Module(String contextEpl, List<Statement> statements, Duration longestWindow) {
    public String text() {
      StringBuilder b = new StringBuilder(contextEpl).append(";\n");
      for (Statement s : statements) {
        b.append(s.epl()).append(";\n");
      }
      return b.toString();
    }
  }

  static final String EVENT = "EventRow";
  static final String CONTACT_CHANNELS = quoted(Condition.CONTACT_CHANNELS);
  static final String CONTACT = contact(null);

  /** An assisted contact (CONTACT_START on a contact channel), with more filter terms if any. */
  static String contact(String more) {
    return EVENT
        + "(eventType = 'CONTACT_START', channel in ("
        + CONTACT_CHANNELS
        + ")"
        + (more == null ? "" : ", " + more)
        + ")";
  }

  /** The EPL equivalent of the built-in catalogue (its thresholds as configured). */
  public static Module builtin(PatternCatalogue catalogue) {
    Map<String, String> patterns = new LinkedHashMap<>();
    Duration longest = Duration.ZERO;
    for (PatternDef def : catalogue.patterns()) {
      longest = def.within().compareTo(longest) > 0 ? def.within() : longest;
    }
    PatternDef d;

    d = catalogue.get("BROWSE_ABANDON_CHAT_PURCHASE");
    expectSteps(d, "browse", "cart", "no_quick_purchase", "chat", "purchase");
    patterns.put(
        d.name(),
        "every a=EventRow(eventType = 'PRODUCT_VIEW', channel in ('WEB', 'MOBILE_APP'))"
            + " -> ((EventRow(eventType = 'ADD_TO_CART')"
            + " -> (("
            + absent(d.steps().get(2).absentWithin(), "eventType = 'PURCHASE'")
            + ") and (EventRow(eventType = 'CONTACT_START', channel = 'CHAT')"
            + " -> z=EventRow(eventType = 'PURCHASE'))))"
            + within(d)
            + ")");

    d = catalogue.get("RESEARCH_ONLINE_BUY_OFFLINE");
    expectSteps(d, "research", "store_purchase");
    patterns.put(
        d.name(),
        "every a=EventRow(eventType = 'PRODUCT_VIEW', channel in ('WEB', 'MOBILE_APP'))"
            + " -> (z=EventRow(eventType = 'PURCHASE', channel = 'STORE')"
            + within(d)
            + ")");

    d = catalogue.get("SHOWROOMING");
    expectSteps(d, "store_visit", "online_purchase");
    patterns.put(
        d.name(),
        "every a=EventRow(eventType = 'STORE_VISIT')"
            + " -> (z=EventRow(eventType = 'PURCHASE', channel in ('WEB', 'MOBILE_APP'))"
            + within(d)
            + ")");

    d = catalogue.get("EMAIL_RECOVERY");
    expectSteps(d, "cart", "no_quick_purchase", "email_click", "purchase");
    patterns.put(
        d.name(),
        "every a=EventRow(eventType = 'ADD_TO_CART')"
            + " -> ((("
            + absent(d.steps().get(1).absentWithin(), "eventType = 'PURCHASE'")
            + ") and (EventRow(eventType = 'EMAIL_CLICK') -> z=EventRow(eventType = 'PURCHASE')))"
            + within(d)
            + ")");

    d = catalogue.get("REPEAT_CONTACT");
    expectSteps(d, "contacts");
    int contacts = d.steps().get(0).minTimes();
    List<String> chain = new ArrayList<>();
    for (int i = 2; i <= contacts; i++) {
      chain.add((i == contacts ? "z=" : "") + CONTACT);
    }
    patterns.put(
        d.name(),
        "every a=" + CONTACT + " -> ((" + String.join(" -> ", chain) + ")" + within(d) + ")");

    d = catalogue.get("FAILED_SELF_SERVICE");
    expectSteps(d, "self_service", "contact");
    patterns.put(
        d.name(),
        "every a=EventRow(eventType = 'SELF_SERVICE')"
            + " -> (z="
            + contact("channel != a.channel")
            + within(d)
            + ")");

    d = catalogue.get("CHANNEL_HOP");
    expectSteps(d, "contacts");
    int channels = d.steps().get(0).minTimes();
    List<String> hops = new ArrayList<>();
    List<String> seen = new ArrayList<>(List.of("a.channel"));
    for (int i = 2; i <= channels; i++) {
      String tag = i == channels ? "z" : "c" + i;
      hops.add(tag + "=" + contact("channel not in (" + String.join(", ", seen) + ")"));
      seen.add(tag + ".channel");
    }
    patterns.put(
        d.name(),
        "every a=" + CONTACT + " -> ((" + String.join(" -> ", hops) + ")" + within(d) + ")");

    d = catalogue.get("UNRESOLVED_CONTACT");
    expectSteps(d, "unresolved", "next_contact");
    patterns.put(
        d.name(),
        "every a="
            + contact("outcome in (" + quoted(d.steps().get(0).where().outcomes()) + ")")
            + " -> (z="
            + CONTACT
            + within(d)
            + ")");

    d = catalogue.get("POST_PURCHASE_CONTACT");
    expectSteps(d, "purchase", "where_is_my_order");
    patterns.put(
        d.name(),
        "every a=EventRow(eventType = 'PURCHASE')"
            + " -> (z="
            + contact("topic in (" + quoted(d.steps().get(1).where().topics()) + ")")
            + within(d)
            + ")");

    d = catalogue.get("NEGATIVE_SENTIMENT");
    expectSteps(d, "unhappy");
    Double max = d.steps().get(0).where().sentimentMax();
    patterns.put(
        d.name(),
        "every a=EventRow(sentiment <= "
            + max
            + " and ((eventType = 'CONTACT_START' and channel in ("
            + CONTACT_CHANNELS
            + ")) or eventType = 'SURVEY_RESPONSE'))");

    d = catalogue.get("ERROR_THEN_ABANDON");
    expectSteps(d, "error", "no_purchase");
    patterns.put(
        d.name(),
        "every a=EventRow(eventType = 'ERROR') -> ("
            + absent(d.within(), "eventType = 'PURCHASE'")
            + ")");

    d = catalogue.get("CART_ABANDONED");
    expectSteps(d, "cart", "no_purchase");
    patterns.put(
        d.name(),
        "every a=EventRow(eventType = 'ADD_TO_CART') -> ("
            + absent(d.within(), "eventType = 'PURCHASE'")
            + ")");

    List<Statement> statements = new ArrayList<>();
    for (PatternDef def : catalogue.patterns()) {
      String body = patterns.get(def.name());
      if (body == null) {
        throw new IllegalArgumentException(
            "pattern " + def.name() + " has no EPL equivalent; only the built-ins have");
      }
      boolean multiEvent = body.contains("z=" + EVENT);
      String select = multiEvent ? "a, z" : "a, a as z";
      statements.add(
          new Statement(
              def.name(),
              "@Name('"
                  + def.name()
                  + "') context ByPerson select "
                  + select
                  + " from pattern ["
                  + body
                  + "]",
              multiEvent));
    }
    return new Module(
        "create context ByPerson partition by personId from " + EVENT, statements, longest);
  }

  /** {@code where timer:within(within + 1 msec)}: the pattern's window, inclusive. */
  private static String within(PatternDef d) {
    return " where timer:within(" + (d.within().toMillis() + 1) + " msec)";
  }

  /** No event passing {@code filter} in {@code (now, now + window]}. */
  private static String absent(Duration window, String filter) {
    return "timer:interval("
        + (window.toMillis() + 1)
        + " msec) and not "
        + EVENT
        + "("
        + filter
        + ")";
  }

  private static String quoted(Set<String> values) {
    return new TreeSet<>(values).stream().map(v -> "'" + v + "'").collect(Collectors.joining(", "));
  }

  /** The EPL was written for these steps; refuse a catalogue whose pattern has changed shape. */
  private static void expectSteps(PatternDef d, String... names) {
    List<String> actual = d.steps().stream().map(StepDef::name).toList();
    if (!actual.equals(List.of(names))) {
      throw new IllegalArgumentException(
          "pattern " + d.name() + " has steps " + actual + ", the EPL expects " + List.of(names));
    }
  }
}
