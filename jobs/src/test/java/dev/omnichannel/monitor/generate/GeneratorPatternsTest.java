package dev.omnichannel.monitor.generate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.avro.Channel;
import dev.omnichannel.monitor.avro.EventType;
import dev.omnichannel.monitor.generate.GeneratedData.Rec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Planted patterns and friction: small independent detectors of the design's definitions (default
 * thresholds), run over every person's written events, find exactly what the ground truth says was
 * planted, so background activity creates none by accident.
 */
class GeneratorPatternsTest {
  static final long MINUTE = 60_000L;
  static final long HOUR = 60 * MINUTE;
  static final long DAY = 24 * HOUR;
  static final Set<String> ONLINE = Set.of("WEB", "MOBILE_APP");

  @TempDir static Path tmp;
  static GeneratedData data;
  static Map<String, List<Rec>> byPerson;

  @BeforeAll
  static void generate() throws IOException {
    GeneratorConfig cfg =
        GeneratorConfig.defaults().withCustomers(1200).withDays(90).withSeed(5).withBadRatio(0.05);
    Generator.generate(cfg, tmp);
    data = GeneratedData.load(tmp);
    byPerson = data.eventsByPerson();
  }

  @Test
  void shouldCoverEveryChannelAndEventType() {
    Set<String> channels = new HashSet<>();
    Set<String> types = new HashSet<>();
    for (Rec r : data.accepted()) {
      channels.add(r.channel());
      types.add(r.type());
    }
    for (Channel c : Channel.values()) {
      assertThat(channels).contains(c.name());
    }
    for (EventType t : EventType.values()) {
      assertThat(types).contains(t.name());
    }
  }

  @Test
  void shouldPlantEveryPatternAndFrictionTypeOnItsPersonsOwnEvents() {
    Set<String> names = new TreeSet<>();
    for (GroundTruth.Person p : data.truth.persons()) {
      Set<String> own = new HashSet<>();
      for (Rec r : byPerson.get(p.person())) {
        own.add(r.eventId());
      }
      for (GroundTruth.Planted planted : p.planted()) {
        names.add(planted.kind() + ":" + planted.name());
        assertThat(own).as(p.person() + " " + planted).containsAll(planted.eventIds());
      }
    }
    assertThat(names)
        .containsExactlyInAnyOrder(
            "journey:BROWSE_ABANDON_CHAT_PURCHASE",
            "journey:RESEARCH_ONLINE_BUY_OFFLINE",
            "journey:SHOWROOMING",
            "journey:EMAIL_RECOVERY",
            "friction:REPEAT_CONTACT",
            "friction:FAILED_SELF_SERVICE",
            "friction:CHANNEL_HOP",
            "friction:UNRESOLVED_CONTACT",
            "friction:POST_PURCHASE_CONTACT",
            "friction:NEGATIVE_SENTIMENT",
            "friction:ERROR_THEN_ABANDON",
            "friction:CART_ABANDONED");
  }

  @Test
  void shouldFindExactlyThePlantedCartAbandonments() {
    check(
        "CART_ABANDONED",
        0,
        list -> {
          List<String> found = new ArrayList<>();
          for (Rec a : list) {
            if (a.type().equals("ADD_TO_CART") && !purchaseWithin(list, a.time(), 72 * HOUR)) {
              found.add(a.eventId());
            }
          }
          return found;
        });
  }

  @Test
  void shouldFindExactlyThePlantedErrorsThenAbandon() {
    check(
        "ERROR_THEN_ABANDON",
        0,
        list -> {
          List<String> found = new ArrayList<>();
          for (Rec e : list) {
            if (e.type().equals("ERROR") && !purchaseWithin(list, e.time(), HOUR)) {
              found.add(e.eventId());
            }
          }
          return found;
        });
  }

  @Test
  void shouldFindExactlyThePlantedNegativeSentiment() {
    check(
        "NEGATIVE_SENTIMENT",
        0,
        list -> {
          List<String> found = new ArrayList<>();
          for (Rec e : list) {
            if ((e.isContact() || e.type().equals("SURVEY_RESPONSE"))
                && e.sentiment() != null
                && e.sentiment() <= -0.5) {
              found.add(e.eventId());
            }
          }
          return found;
        });
  }

  @Test
  void shouldFindExactlyThePlantedPostPurchaseContacts() {
    check(
        "POST_PURCHASE_CONTACT",
        1,
        list -> {
          List<String> found = new ArrayList<>();
          for (Rec c : list) {
            if (c.isContact() && Set.of("order_status", "delivery").contains(c.topic())) {
              for (Rec p : list) {
                if (p.type().equals("PURCHASE")
                    && p.time() < c.time()
                    && c.time() - p.time() <= 14 * DAY) {
                  found.add(c.eventId());
                  break;
                }
              }
            }
          }
          return found;
        });
  }

  @Test
  void shouldFindExactlyThePlantedUnresolvedContacts() {
    check(
        "UNRESOLVED_CONTACT",
        0,
        list -> {
          List<String> found = new ArrayList<>();
          for (Rec c : list) {
            if (c.isContact() && Set.of("UNRESOLVED", "TRANSFERRED").contains(c.outcome())) {
              for (Rec d : list) {
                if (d != c
                    && d.isContact()
                    && d.time() > c.time()
                    && d.time() - c.time() <= 48 * HOUR) {
                  found.add(c.eventId());
                  break;
                }
              }
            }
          }
          return found;
        });
  }

  @Test
  void shouldFindExactlyThePlantedFailedSelfService() {
    check(
        "FAILED_SELF_SERVICE",
        0,
        list -> {
          List<String> found = new ArrayList<>();
          for (Rec s : list) {
            if (s.type().equals("SELF_SERVICE")) {
              for (Rec c : list) {
                if (c.isContact()
                    && !c.channel().equals(s.channel())
                    && c.time() > s.time()
                    && c.time() - s.time() <= HOUR) {
                  found.add(s.eventId());
                  break;
                }
              }
            }
          }
          return found;
        });
  }

  @Test
  void shouldFindExactlyThePlantedResearchOnlineBuyOffline() {
    check(
        "RESEARCH_ONLINE_BUY_OFFLINE",
        1,
        list -> {
          List<String> found = new ArrayList<>();
          for (Rec p : list) {
            if (p.type().equals("PURCHASE") && p.channel().equals("STORE")) {
              for (Rec v : list) {
                if (v.type().equals("PRODUCT_VIEW")
                    && ONLINE.contains(v.channel())
                    && v.time() < p.time()
                    && p.time() - v.time() <= 14 * DAY) {
                  found.add(p.eventId());
                  break;
                }
              }
            }
          }
          return found;
        });
  }

  @Test
  void shouldFindExactlyThePlantedShowrooming() {
    check(
        "SHOWROOMING",
        1,
        list -> {
          List<String> found = new ArrayList<>();
          for (Rec p : list) {
            if (p.type().equals("PURCHASE") && ONLINE.contains(p.channel())) {
              for (Rec v : list) {
                if (v.type().equals("STORE_VISIT")
                    && v.time() < p.time()
                    && p.time() - v.time() <= 14 * DAY) {
                  found.add(p.eventId());
                  break;
                }
              }
            }
          }
          return found;
        });
  }

  @Test
  void shouldFindExactlyThePlantedCartRecoveries() {
    check("EMAIL_RECOVERY", 0, list -> abandonedCartThen(list, "EMAIL_CLICK", null));
    check(
        "BROWSE_ABANDON_CHAT_PURCHASE",
        1,
        list -> abandonedCartThen(list, "CONTACT_START", "CHAT"));
  }

  @Test
  void shouldFindExactlyThePlantedRepeatContactsAndChannelHops() {
    checkAll("REPEAT_CONTACT", list -> contactsInWindows(list, 7 * DAY, 3, false));
    checkAll("CHANNEL_HOP", list -> contactsInWindows(list, 48 * HOUR, 3, true));
  }

  /**
   * ADD_TO_CART with no purchase within 1 h, then {@code type} (on {@code channel}), then a
   * purchase; all within 7 days. Returns the carts.
   */
  private static List<String> abandonedCartThen(List<Rec> list, String type, String channel) {
    List<String> found = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      Rec a = list.get(i);
      if (!a.type().equals("ADD_TO_CART") || purchaseWithin(list, a.time(), HOUR)) {
        continue;
      }
      Rec view = null;
      for (int j = i - 1; j >= 0; j--) {
        Rec v = list.get(j);
        if (v.type().equals("PRODUCT_VIEW") && ONLINE.contains(v.channel())) {
          view = v;
          break;
        }
      }
      long from = type.equals("CONTACT_START") && view != null ? view.time() : a.time();
      boolean middle = false;
      for (int j = i + 1; j < list.size(); j++) {
        Rec x = list.get(j);
        if (x.time() - from > 7 * DAY) {
          break;
        }
        if (x.type().equals(type) && (channel == null || channel.equals(x.channel()))) {
          middle = true;
        } else if (middle && x.type().equals("PURCHASE")) {
          if (!type.equals("CONTACT_START") || view != null) {
            found.add(a.eventId());
          }
          break;
        }
      }
    }
    return found;
  }

  /**
   * Every contact that belongs to some window of {@code window} with {@code min} contacts (or
   * distinct channels).
   */
  private static List<String> contactsInWindows(
      List<Rec> list, long window, int min, boolean distinctChannels) {
    List<Rec> contacts = list.stream().filter(Rec::isContact).toList();
    Set<String> found = new TreeSet<>();
    for (int i = 0; i < contacts.size(); i++) {
      List<Rec> in = new ArrayList<>();
      for (int j = i;
          j < contacts.size() && contacts.get(j).time() - contacts.get(i).time() <= window;
          j++) {
        in.add(contacts.get(j));
      }
      long n = distinctChannels ? in.stream().map(Rec::channel).distinct().count() : in.size();
      if (n >= min) {
        in.forEach(r -> found.add(r.eventId()));
      }
    }
    return new ArrayList<>(found);
  }

  private static boolean purchaseWithin(List<Rec> list, long from, long window) {
    for (Rec p : list) {
      if (p.type().equals("PURCHASE") && p.time() > from && p.time() - from <= window) {
        return true;
      }
    }
    return false;
  }

  interface Detector {
    List<String> detect(List<Rec> personEvents);
  }

  /** Detected anchors equal the planted ones' event {@code anchor}, person by person. */
  private static void check(String name, int anchor, Detector detector) {
    int total = 0;
    for (GroundTruth.Person p : data.truth.persons()) {
      Set<String> planted = new TreeSet<>();
      for (GroundTruth.Planted x : p.planted()) {
        if (x.name().equals(name)) {
          planted.add(x.eventIds().get(anchor));
        }
      }
      assertThat(new TreeSet<>(detector.detect(byPerson.get(p.person()))))
          .as(name + " of " + p.person())
          .isEqualTo(planted);
      total += planted.size();
    }
    assertThat(total).as(name).isGreaterThanOrEqualTo(5);
  }

  /** Detected events equal all the planted ones' events, person by person. */
  private static void checkAll(String name, Detector detector) {
    int total = 0;
    for (GroundTruth.Person p : data.truth.persons()) {
      Set<String> planted = new TreeSet<>();
      for (GroundTruth.Planted x : p.planted()) {
        if (x.name().equals(name)) {
          planted.addAll(x.eventIds());
          total++;
        }
      }
      assertThat(new TreeSet<>(detector.detect(byPerson.get(p.person()))))
          .as(name + " of " + p.person())
          .isEqualTo(planted);
    }
    assertThat(total).as(name).isGreaterThanOrEqualTo(5);
  }
}
