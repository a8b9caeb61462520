package dev.omnichannel.monitor.identity;

import dev.omnichannel.monitor.avro.IdentityMergeRow;
import dev.omnichannel.monitor.flow.Link;
import dev.omnichannel.monitor.identity.RandomIdentityEvents.Ev;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the single-task identity stage wrote before the stage was spread out, computed with {@link
 * IdentityGraph} fed every event in (time, event id) order: the oracle of the resolver tests.
 */
public final class TodayRows {
  private TodayRows() {}

  /** An identity_merges row as one comparable string. */
  public static String row(IdentityMergeRow r) {
    return row(
        r.getEventId(),
        r.getEventTime().toEpochMilli(),
        r.getOldPersonId(),
        r.getNewPersonId(),
        r.getAccepted(),
        r.getReason());
  }

  public static String row(
      String eventId, long time, String old, String nw, boolean accepted, String reason) {
    return eventId + "@" + time + " " + old + ">" + nw + " " + accepted + " " + reason;
  }

  /**
   * The backfill's results.
   *
   * @param persons every identity of the graph with its final person
   * @param rejectedRows the identity_merges rows of rejected links, sorted
   * @param acceptedRows the identity_merges rows of accepted links that merged two persons (the
   *     person ids as of the link), sorted
   */
  public record Backfill(
      Map<String, String> persons, List<String> rejectedRows, List<String> acceptedRows) {
    /** Every identity_merges row, sorted. */
    public List<String> rows() {
      List<String> all = new ArrayList<>(rejectedRows);
      all.addAll(acceptedRows);
      all.sort(null);
      return all;
    }
  }

  public static Backfill backfill(Map<String, Integer> limits, List<Ev> events) {
    return backfill(limits, NeverLinkRules.NONE, events);
  }

  public static Backfill backfill(
      Map<String, Integer> limits, NeverLinkRules neverLink, List<Ev> events) {
    IdentityGraph g = new IdentityGraph(limits, neverLink);
    List<String> accepted = new ArrayList<>();
    for (Ev e : events) {
      for (IdentityGraph.Merge m : g.addEventWithMerges(e.eventId(), e.time(), e.ids())) {
        accepted.add(
            row(
                m.eventId(),
                m.eventTime(),
                m.oldPersonId(),
                m.newPersonId(),
                true,
                "linked (" + m.primary() + " x " + m.other() + ")"));
      }
    }
    accepted.sort(null);
    Map<String, String> persons = new HashMap<>();
    g.assignments().forEach((k, p) -> persons.put(k.toString(), p));
    List<String> rows = new ArrayList<>();
    for (IdentityGraph.RejectedLink r : g.rejectedLinks()) {
      rows.add(
          row(
              r.eventId(),
              r.eventTime(),
              g.personOf(r.primary()),
              g.personOf(r.other()),
              false,
              r.rowReason()));
    }
    rows.sort(null);
    return new Backfill(persons, rows, accepted);
  }

  /**
   * Stream mode's results, split by where the new stage writes them.
   *
   * @param updates "identity>person@time(event)" in emission order
   * @param firstRows the rows of first occurrences: accepted merges and rejections, sorted
   * @param repeatRows the rows of rejected repeats as written before (persons at the repeat),
   *     sorted
   * @param persons every identity's final person
   */
  public record Stream(
      List<String> updates,
      List<String> firstRows,
      List<String> repeatRows,
      Map<String, String> persons) {}

  public static Stream stream(Map<String, Integer> limits, List<Ev> events) {
    return stream(limits, NeverLinkRules.NONE, events);
  }

  public static Stream stream(
      Map<String, Integer> limits, NeverLinkRules neverLink, List<Ev> events) {
    Map<String, Link> first = new HashMap<>();
    for (Link l : RandomIdentityEvents.firstLinks(RandomIdentityEvents.allLinks(events))) {
      first.put(l.pairKey(), l);
    }
    IdentityGraph g = new IdentityGraph(limits, neverLink);
    List<String> updates = new ArrayList<>();
    List<String> firstRows = new ArrayList<>();
    List<String> repeatRows = new ArrayList<>();
    for (Ev e : events) {
      int before = g.rejectedLinks().size();
      for (IdentityGraph.Merge m : g.addEventWithMerges(e.eventId(), e.time(), e.ids())) {
        for (IdentityKey k : m.changed()) {
          updates.add(k + ">" + m.newPersonId() + "@" + m.eventTime() + "(" + m.eventId() + ")");
        }
        firstRows.add(
            row(
                m.eventId(),
                m.eventTime(),
                m.oldPersonId(),
                m.newPersonId(),
                true,
                "linked (" + m.primary() + " x " + m.other() + ")"));
      }
      List<IdentityGraph.RejectedLink> all = g.rejectedLinks();
      for (IdentityGraph.RejectedLink r : all.subList(before, all.size())) {
        String row =
            row(
                r.eventId(),
                r.eventTime(),
                g.personOf(r.primary()),
                g.personOf(r.other()),
                false,
                r.rowReason());
        Link f = first.get(r.primary() + "\u0001" + r.other());
        (f.eventId.equals(r.eventId()) ? firstRows : repeatRows).add(row);
      }
    }
    firstRows.sort(null);
    repeatRows.sort(null);
    Map<String, String> persons = new HashMap<>();
    g.assignments().forEach((k, p) -> persons.put(k.toString(), p));
    return new Stream(updates, firstRows, repeatRows, persons);
  }
}
