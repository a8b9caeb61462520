package dev.omnichannel.monitor.generate;

import static dev.omnichannel.monitor.avro.Channel.CHAT;
import static dev.omnichannel.monitor.avro.Channel.DISPLAY;
import static dev.omnichannel.monitor.avro.Channel.EMAIL;
import static dev.omnichannel.monitor.avro.Channel.MOBILE_APP;
import static dev.omnichannel.monitor.avro.Channel.PAID_SEARCH;
import static dev.omnichannel.monitor.avro.Channel.PUSH;
import static dev.omnichannel.monitor.avro.Channel.SMS;
import static dev.omnichannel.monitor.avro.Channel.SOCIAL;
import static dev.omnichannel.monitor.avro.Channel.STORE;
import static dev.omnichannel.monitor.avro.Channel.VOICE;
import static dev.omnichannel.monitor.avro.Channel.WEB;
import static dev.omnichannel.monitor.avro.EventType.ADD_TO_CART;
import static dev.omnichannel.monitor.avro.EventType.AD_CLICK;
import static dev.omnichannel.monitor.avro.EventType.AD_IMPRESSION;
import static dev.omnichannel.monitor.avro.EventType.CHECKOUT_START;
import static dev.omnichannel.monitor.avro.EventType.CONTACT_END;
import static dev.omnichannel.monitor.avro.EventType.CONTACT_START;
import static dev.omnichannel.monitor.avro.EventType.EMAIL_CLICK;
import static dev.omnichannel.monitor.avro.EventType.EMAIL_OPEN;
import static dev.omnichannel.monitor.avro.EventType.ERROR;
import static dev.omnichannel.monitor.avro.EventType.LOGIN;
import static dev.omnichannel.monitor.avro.EventType.PAGE_VIEW;
import static dev.omnichannel.monitor.avro.EventType.PRODUCT_VIEW;
import static dev.omnichannel.monitor.avro.EventType.PURCHASE;
import static dev.omnichannel.monitor.avro.EventType.REFUND;
import static dev.omnichannel.monitor.avro.EventType.REMOVE_FROM_CART;
import static dev.omnichannel.monitor.avro.EventType.SEARCH;
import static dev.omnichannel.monitor.avro.EventType.SELF_SERVICE;
import static dev.omnichannel.monitor.avro.EventType.SIGNUP;
import static dev.omnichannel.monitor.avro.EventType.STORE_VISIT;
import static dev.omnichannel.monitor.avro.EventType.SURVEY_RESPONSE;

import dev.omnichannel.monitor.avro.Channel;
import dev.omnichannel.monitor.avro.EventType;
import dev.omnichannel.monitor.identity.IdentityKey;
import dev.omnichannel.monitor.identity.Namespaces;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Builds one person's timeline: identities, then episodes one after another until the end of the
 * period. Each episode is one journey by construction:
 *
 * <ul>
 *   <li>consecutive events of an episode are less than 10 days apart, an episode lasts less than 30
 *       days and has fewer than 500 events;
 *   <li>a converted episode ends with its only PURCHASE;
 *   <li>after a non-converted episode the next starts more than 31 days later (so it closes
 *       ABANDONED at the 30-day inactivity gap); after an isolated one (a planted scenario or a
 *       store trip), at least 15 days later.
 * </ul>
 *
 * Contacts, self-service, errors, surveys, negative sentiment, abandoned carts, store visits and
 * store purchases appear only in isolated episodes, so background activity never creates a pattern
 * or friction by accident. All randomness comes from one {@link SplittableRandom} per person,
 * seeded from the run seed and the person index.
 */
final class PersonBuilder {
  static final long SECOND = 1_000L;
  static final long MINUTE = 60 * SECOND;
  static final long HOUR = 60 * MINUTE;
  static final long DAY = 24 * HOUR;

  /** A scenario's last event lies at least this long before the end of the period. */
  static final long SCENARIO_END_MARGIN = 4 * DAY;

  static final long GAP_AFTER_NOT_CONVERTED = 31 * DAY + HOUR;
  static final long GAP_ISOLATION = 15 * DAY + HOUR;
  static final long GAP_MIN = 2 * HOUR;

  static final double PLACEHOLDER_SHARE = 0.02;
  static final double ISO_TIME_SHARE = 0.3;

  private static final String[] CURRENCIES = {"EUR", "EUR", "EUR", "USD", "GBP"};
  private static final String[] CAMPAIGNS = {
    "spring_sale",
    "newsletter_weekly",
    "brand_search",
    "retargeting",
    "new_arrivals",
    "loyalty_points",
    "app_deals"
  };
  private static final String CART_RECOVERY = "cart_recovery";
  private static final String[] TOPICS = {
    "order_status", "delivery", "billing", "returns", "product_question", "account"
  };
  private static final String[] QUERIES = {
    "running shoes",
    "winter jacket",
    "headphones",
    "gift ideas",
    "coffee maker",
    "backpack",
    "sale",
    "size guide"
  };
  private static final String[] ERROR_CODES = {"500", "503", "timeout", "page_not_found"};

  private enum Mode {
    /** Page views and searches only: no product views, no clicks on emails. */
    INERT,
    BROWSE,
    TABLET
  }

  /** A draft of one or more episodes, checked against the period before it is kept. */
  private static final class Draft {
    final EpisodeKind kind;
    final long lastBefore;
    final ArrayList<GenEvent> events = new ArrayList<>();
    final ArrayList<Integer> blocks = new ArrayList<>();
    final ArrayList<Integer> episodes = new ArrayList<>();
    final ArrayList<PlantedSpec> planted = new ArrayList<>();

    Draft(EpisodeKind kind, long lastBefore) {
      this.kind = kind;
      this.lastBefore = lastBefore;
    }

    GenEvent lastEvent() {
      return events.get(events.size() - 1);
    }
  }

  private final long startMs;
  private final long endMs;
  private final int index;
  private final long personSeed;
  final Persona persona;
  final boolean anonymous;
  private final Ident tablet;

  private final Ident[] cookies;
  private final Ident[] devices;
  private final Ident[] socials;
  private final Ident[][] emails;
  private final Ident[][] phones;
  private final Ident customer;
  private final Ident loyalty;
  private final String currency;

  private SplittableRandom rng;
  private ArrayList<GenEvent> events;
  private ArrayList<Integer> episodeStarts;
  private ArrayList<PlantedSpec> planted;
  private Draft d;
  private long last;
  private int sessions;
  private int orders;

  /**
   * @param personSeed the person's seed; its persona and anonymity follow from it
   * @param tablet a device id shared with another person, or null
   */
  PersonBuilder(
      IdentityFactory ids, long startMs, long endMs, int index, long personSeed, Ident tablet) {
    this.startMs = startMs;
    this.endMs = endMs;
    this.index = index;
    this.personSeed = personSeed;
    this.persona = personaOf(personSeed);
    this.anonymous = anonymousOf(personSeed, persona);
    this.tablet = anonymous ? null : tablet;

    SplittableRandom r = new SplittableRandom(IdentityFactory.mix64(personSeed ^ 0x1D3A7L));
    int nCookies;
    int nDevices;
    int nEmails;
    int nPhones;
    int nSocials;
    boolean hasLoyalty;
    switch (persona) {
      case BROWSER -> {
        nCookies = anonymous ? 1 : 1 + chance(r, 0.3);
        nDevices = anonymous ? 0 : chance(r, 0.2);
        nEmails = 1;
        nPhones = 1;
        nSocials = anonymous ? 0 : chance(r, 0.2);
        hasLoyalty = !anonymous && r.nextDouble() < 0.1;
      }
      case BUYER -> {
        nCookies = 1 + chance(r, 0.5);
        nDevices = chance(r, 0.5);
        nEmails = 1 + chance(r, 0.2);
        nPhones = 1;
        nSocials = chance(r, 0.3);
        hasLoyalty = r.nextDouble() < 0.2;
      }
      case SERVICE_HEAVY -> {
        nCookies = 1 + chance(r, 0.4);
        nDevices = chance(r, 0.4);
        nEmails = 1 + chance(r, 0.35);
        nPhones = 1 + chance(r, 0.35);
        nSocials = chance(r, 0.5) * (1 + chance(r, 0.2));
        hasLoyalty = r.nextDouble() < 0.3;
      }
      case STORE_FIRST -> {
        nCookies = 1;
        nDevices = chance(r, 0.3);
        nEmails = 1;
        nPhones = 1;
        nSocials = chance(r, 0.15);
        hasLoyalty = true;
      }
      default -> {
        nCookies = 3 + r.nextInt(3);
        nDevices = 2 + chance(r, 0.5);
        nEmails = 1 + chance(r, 0.3);
        nPhones = 1;
        nSocials = chance(r, 0.4);
        hasLoyalty = r.nextDouble() < 0.2;
      }
    }
    cookies = new Ident[nCookies];
    for (int k = 0; k < nCookies; k++) {
      cookies[k] = ids.cookie(index, k);
    }
    devices = new Ident[nDevices];
    for (int k = 0; k < nDevices; k++) {
      devices[k] = ids.device(index, k);
    }
    socials = new Ident[nSocials];
    for (int k = 0; k < nSocials; k++) {
      socials[k] = ids.social(index, k);
    }
    if (anonymous) {
      emails = new Ident[0][];
      phones = new Ident[0][];
      customer = null;
      loyalty = null;
    } else {
      emails = new Ident[nEmails][];
      for (int k = 0; k < nEmails; k++) {
        emails[k] = ids.emailVariants(index, k);
      }
      phones = new Ident[nPhones][];
      for (int k = 0; k < nPhones; k++) {
        phones[k] = IdentityFactory.phoneVariants(index, k);
      }
      customer = IdentityFactory.customer(index);
      loyalty = hasLoyalty ? IdentityFactory.loyalty(index) : null;
    }
    currency = CURRENCIES[r.nextInt(CURRENCIES.length)];
  }

  static Persona personaOf(long personSeed) {
    return Persona.of((IdentityFactory.mix64(personSeed + 1) >>> 11) * 0x1.0p-53);
  }

  static boolean anonymousOf(long personSeed, Persona persona) {
    return persona == Persona.BROWSER
        && (IdentityFactory.mix64(personSeed + 2) >>> 11) * 0x1.0p-53
            < Persona.ANONYMOUS_BROWSER_SHARE;
  }

  private static int chance(SplittableRandom r, double p) {
    return r.nextDouble() < p ? 1 : 0;
  }

  // ---------------------------------------------------------------------------------------------
  // Timeline

  GenPerson build() {
    for (int attempt = 0; ; attempt++) {
      reset(attempt);
      timeline();
      boolean tabletMissing = tablet != null && events.stream().noneMatch(e -> e.shared);
      if (!events.isEmpty() && !tabletMissing) {
        break;
      }
      if (attempt >= 3) {
        reset(attempt + 1);
        fallbackSession(tablet != null ? Mode.TABLET : Mode.BROWSE);
        break;
      }
    }
    finish();
    int[] starts = new int[episodeStarts.size()];
    for (int i = 0; i < starts.length; i++) {
      starts[i] = episodeStarts.get(i);
    }
    return new GenPerson(index, persona, anonymous, events, starts, planted);
  }

  private void reset(int attempt) {
    rng = new SplittableRandom(IdentityFactory.mix64(personSeed + 0x9E3779B97F4A7C15L * attempt));
    events = new ArrayList<>();
    episodeStarts = new ArrayList<>();
    planted = new ArrayList<>();
    last = Long.MIN_VALUE / 4;
    sessions = 0;
    orders = 0;
  }

  private void timeline() {
    long span = endMs - startMs;
    long warm = Math.min(30 * DAY, span / 2);
    long cursor = startMs - warm + (long) (rng.nextDouble() * (warm + span));
    boolean first = true;
    long prevEnd = 0;
    boolean prevConverted = true;
    boolean prevIsolated = false;
    while (true) {
      EpisodeKind kind = persona.pick(rng, anonymous);
      if (anonymous && !kind.anonymousOk) {
        kind = EpisodeKind.BROWSE;
      }
      long minStart = cursor;
      if (!first) {
        long gap =
            !prevConverted
                ? GAP_AFTER_NOT_CONVERTED
                : (kind.isolated || prevIsolated) ? GAP_ISOLATION : GAP_MIN;
        minStart = Math.max(minStart, prevEnd + gap);
      }
      if (minStart >= endMs) {
        return;
      }
      Draft built = build(kind, minStart);
      if (!fit(built)) {
        if (kind == EpisodeKind.BROWSE) {
          return;
        }
        built = build(EpisodeKind.BROWSE, minStart);
        if (!fit(built)) {
          return;
        }
      }
      if (built.events.get(0).time >= startMs) {
        commit(built);
      }
      first = false;
      prevEnd = built.lastEvent().time;
      prevConverted = built.lastEvent().type == PURCHASE;
      prevIsolated = built.kind.isolated;
      double u = rng.nextDouble();
      cursor = prevEnd + GAP_MIN + (long) (-Math.log(1 - u) * persona.meanGapDays * DAY);
    }
  }

  /** Keeps a draft inside the period: background drafts lose trailing blocks, scenarios all. */
  private boolean fit(Draft draft) {
    boolean ok;
    if (draft.events.isEmpty()) {
      ok = false;
    } else if (draft.kind.isolated) {
      ok = draft.lastEvent().time < endMs - SCENARIO_END_MARGIN;
    } else {
      int over = -1;
      for (int i = 0; i < draft.events.size(); i++) {
        if (draft.events.get(i).time >= endMs) {
          over = i;
          break;
        }
      }
      if (over >= 0) {
        int cut = 0;
        for (int b : draft.blocks) {
          if (b <= over) {
            cut = Math.max(cut, b);
          }
        }
        int keep = cut;
        draft.events.subList(keep, draft.events.size()).clear();
        draft.blocks.removeIf(b -> b >= keep && b > 0);
      }
      ok = !draft.events.isEmpty();
    }
    last = ok ? draft.lastEvent().time : draft.lastBefore;
    return ok;
  }

  private void commit(Draft draft) {
    int base = events.size();
    for (int s : draft.episodes) {
      if (s < draft.events.size()) {
        episodeStarts.add(base + s);
      }
    }
    events.addAll(draft.events);
    planted.addAll(draft.planted);
  }

  private Draft build(EpisodeKind kind, long t0) {
    d = new Draft(kind, last);
    episode();
    switch (kind) {
      case BROWSE -> browseEpisode(t0);
      case BUY -> buyEpisode(t0);
      case STORE_TRIP -> storeTrip(t0);
      case BROWSE_ABANDON_CHAT_PURCHASE -> browseAbandonChatPurchase(t0);
      case RESEARCH_ONLINE_BUY_OFFLINE -> researchOnlineBuyOffline(t0);
      case SHOWROOMING -> showrooming(t0);
      case EMAIL_RECOVERY -> emailRecovery(t0);
      case REPEAT_CONTACT -> repeatContact(t0);
      case FAILED_SELF_SERVICE -> failedSelfService(t0);
      case CHANNEL_HOP -> channelHop(t0);
      case UNRESOLVED_CONTACT -> unresolvedContact(t0);
      case POST_PURCHASE_CONTACT -> postPurchaseContact(t0);
      case NEGATIVE_SENTIMENT -> negativeSentiment(t0);
      case ERROR_THEN_ABANDON -> errorThenAbandon(t0);
      case CART_ABANDONED -> cartAbandoned(t0);
      case SERVICE_CONTACT -> serviceContact(t0);
      case SELF_SERVICE_SUCCESS -> selfServiceSuccess(t0);
      case PRODUCT_RETURN -> productReturn(t0);
      default -> throw new IllegalStateException("unknown episode kind " + kind);
    }
    return d;
  }

  /** One short session somewhere in the period, for a person whose timeline came out empty. */
  private void fallbackSession(Mode mode) {
    d = new Draft(EpisodeKind.BROWSE, last);
    episode();
    long t = startMs + rng.nextLong(Math.max(1, endMs - startMs - HOUR));
    browseSession(t, mode, false);
    commit(d);
  }

  private void episode() {
    d.episodes.add(d.events.size());
    d.blocks.add(d.events.size());
  }

  private void block() {
    d.blocks.add(d.events.size());
  }

  private void plant(EpisodeKind kind, GenEvent... evidence) {
    d.planted.add(new PlantedSpec(kind.plantedKind, kind.name(), evidence));
  }

  // ---------------------------------------------------------------------------------------------
  // Background episodes

  private void browseEpisode(long t0) {
    int n = 1 + rng.nextInt(3);
    long t = t0;
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        t = last + rng.nextLong(2 * HOUR, 4 * DAY);
      }
      if (rng.nextDouble() < 0.3) {
        touch(t);
        t = last + rng.nextLong(10 * MINUTE, 12 * HOUR);
      }
      browseSession(t, Mode.BROWSE, true);
    }
  }

  private void buyEpisode(long t0) {
    int n = rng.nextInt(3);
    long t = t0;
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        t = last + rng.nextLong(HOUR, 3 * DAY);
      }
      browseSession(t, Mode.BROWSE, true);
    }
    purchaseSession(n > 0 ? last + rng.nextLong(HOUR, 3 * DAY) : t0);
  }

  private void storeTrip(long t0) {
    block();
    storeVisit(Rhythm.STORE.atOrAfter(t0, rng));
    if (rng.nextDouble() < 0.75) {
      storePurchase(last + rng.nextLong(5 * MINUTE, 45 * MINUTE));
    }
  }

  /** Zero to two inert sessions or touches; returns the earliest start of what follows. */
  private long leadIn(long t0) {
    int n = rng.nextInt(3);
    if (n == 0) {
      return t0;
    }
    long t = t0;
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        t = last + rng.nextLong(2 * HOUR, 3 * DAY);
      }
      if (rng.nextDouble() < 0.5) {
        touch(t);
      } else {
        browseSession(t, Mode.INERT, true);
      }
    }
    return last + rng.nextLong(HOUR, 2 * DAY);
  }

  // ---------------------------------------------------------------------------------------------
  // Planted scenarios

  private void browseAbandonChatPurchase(long t0) {
    GenEvent[] cart = cartSession(leadIn(t0));
    long atc = cart[1].time;
    block();
    long c = Rhythm.SERVICE.atOrAfter(atc + rng.nextLong(2 * HOUR, 40 * HOUR), rng);
    GenEvent chat =
        contact(
            c,
            CHAT,
            pick("product_question", "delivery", "billing"),
            "RESOLVED",
            sentiment(0.1, 0.9));
    boolean late = rng.nextDouble() < 0.3;
    long p =
        late
            ? Math.max(last + 30 * MINUTE, atc + rng.nextLong(76 * HOUR, 110 * HOUR))
            : last + rng.nextLong(5 * MINUTE, 3 * HOUR);
    GenEvent purchase = checkoutSession(p, cart[1]);
    plant(EpisodeKind.BROWSE_ABANDON_CHAT_PURCHASE, cart[0], cart[1], chat, purchase);
    if (late) {
      plant(EpisodeKind.CART_ABANDONED, cart[1]);
    }
  }

  private void researchOnlineBuyOffline(long t0) {
    GenEvent pv = researchSession(leadIn(t0));
    block();
    storeVisit(Rhythm.STORE.atOrAfter(pv.time + rng.nextLong(20 * HOUR, 8 * DAY), rng));
    GenEvent purchase = storePurchase(last + rng.nextLong(5 * MINUTE, 45 * MINUTE));
    plant(EpisodeKind.RESEARCH_ONLINE_BUY_OFFLINE, pv, purchase);
  }

  private void showrooming(long t0) {
    long t = leadIn(t0);
    block();
    GenEvent visit = storeVisit(Rhythm.STORE.atOrAfter(t, rng));
    GenEvent purchase = purchaseSession(visit.time + rng.nextLong(2 * HOUR, 8 * DAY));
    plant(EpisodeKind.SHOWROOMING, visit, purchase);
  }

  private void emailRecovery(long t0) {
    GenEvent[] cart = cartSession(leadIn(t0));
    long atc = cart[1].time;
    boolean late = rng.nextDouble() < 0.3;
    long click =
        late
            ? atc + rng.nextLong(76 * HOUR, 110 * HOUR)
            : Rhythm.ONLINE.atOrAfter(atc + rng.nextLong(3 * HOUR, 40 * HOUR), rng);
    long open = Math.max(atc + 2 * HOUR, click - rng.nextLong(MINUTE, 3 * HOUR));
    block();
    Ident[] ids = rng.nextDouble() < 0.5 ? ids(email(), customer) : ids(email());
    GenEvent o = ev(open, EMAIL, EMAIL_OPEN, ids);
    o.campaign = CART_RECOVERY;
    GenEvent k = ev(click, EMAIL, EMAIL_CLICK, ids);
    k.campaign = CART_RECOVERY;
    GenEvent purchase = checkoutSession(last + rng.nextLong(20 * SECOND, 3 * MINUTE), cart[1]);
    plant(EpisodeKind.EMAIL_RECOVERY, cart[1], k, purchase);
    if (late) {
      plant(EpisodeKind.CART_ABANDONED, cart[1]);
    }
  }

  private void repeatContact(long t0) {
    long t = leadIn(t0);
    List<Channel> available = contactChannels();
    Channel a = available.get(rng.nextInt(available.size()));
    Channel b = rng.nextDouble() < 0.5 ? a : available.get(rng.nextInt(available.size()));
    String topic = pick(TOPICS);
    GenEvent c1 =
        contact(serviceTime(t, a), a, topic, pick("ESCALATED", "ABANDONED"), sentiment(-0.4, 0.3));
    Channel ch2 = rng.nextBoolean() ? a : b;
    GenEvent c2 =
        contact(
            serviceTime(last + rng.nextLong(3 * HOUR, 36 * HOUR), ch2),
            ch2,
            topic,
            pick("ESCALATED", "ABANDONED"),
            sentiment(-0.4, 0.3));
    Channel ch3 = rng.nextBoolean() ? a : b;
    GenEvent c3 =
        contact(
            serviceTime(last + rng.nextLong(3 * HOUR, 36 * HOUR), ch3),
            ch3,
            topic,
            pick("RESOLVED", "RESOLVED", "UNRESOLVED"),
            sentiment(-0.4, 0.3));
    if (rng.nextDouble() < 0.3) {
      survey(last + rng.nextLong(HOUR, 20 * HOUR), topic, sentiment(-0.3, 0.6));
    }
    plant(EpisodeKind.REPEAT_CONTACT, c1, c2, c3);
  }

  private void channelHop(long t0) {
    long t = leadIn(t0);
    List<Channel> available = contactChannels();
    for (int i = available.size() - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      Channel x = available.get(i);
      available.set(i, available.get(j));
      available.set(j, x);
    }
    String topic = pick(TOPICS);
    GenEvent c1 =
        contact(
            serviceTime(t, available.get(0)),
            available.get(0),
            topic,
            pick("ESCALATED", "ABANDONED"),
            sentiment(-0.4, 0.2));
    GenEvent c2 =
        contact(
            last + rng.nextLong(20 * MINUTE, 10 * HOUR),
            available.get(1),
            topic,
            pick("ESCALATED", "ABANDONED"),
            sentiment(-0.4, 0.2));
    GenEvent c3 =
        contact(
            last + rng.nextLong(20 * MINUTE, 10 * HOUR),
            available.get(2),
            topic,
            "RESOLVED",
            sentiment(-0.4, 0.4));
    plant(EpisodeKind.CHANNEL_HOP, c1, c2, c3);
    plant(EpisodeKind.REPEAT_CONTACT, c1, c2, c3);
  }

  private void unresolvedContact(long t0) {
    long t = leadIn(t0);
    List<Channel> available = contactChannels();
    Channel a = available.get(rng.nextInt(available.size()));
    Channel b = available.get(rng.nextInt(available.size()));
    String topic = pick(TOPICS);
    GenEvent c1 =
        contact(
            serviceTime(t, a), a, topic, pick("UNRESOLVED", "TRANSFERRED"), sentiment(-0.4, 0.2));
    GenEvent c2 =
        contact(
            last + rng.nextLong(30 * MINUTE, 30 * HOUR),
            b,
            topic,
            "RESOLVED",
            sentiment(-0.2, 0.6));
    plant(EpisodeKind.UNRESOLVED_CONTACT, c1, c2);
  }

  private void failedSelfService(long t0) {
    long t = leadIn(t0);
    List<Channel> ssChannels = new ArrayList<>(List.of(WEB, VOICE));
    if (devices.length > 0) {
      ssChannels.add(MOBILE_APP);
    }
    Channel ssChannel = ssChannels.get(rng.nextInt(ssChannels.size()));
    block();
    GenEvent ss = selfService(Rhythm.SERVICE.atOrAfter(t, rng), ssChannel);
    List<Channel> available = contactChannels();
    available.remove(ssChannel);
    available.remove(STORE);
    Channel ch = available.get(rng.nextInt(available.size()));
    GenEvent c =
        contact(
            last + rng.nextLong(3 * MINUTE, 40 * MINUTE),
            ch,
            pick(TOPICS),
            pick("RESOLVED", "ESCALATED"),
            sentiment(-0.4, 0.4));
    plant(EpisodeKind.FAILED_SELF_SERVICE, ss, c);
  }

  private void postPurchaseContact(long t0) {
    GenEvent purchase = purchaseSession(leadIn(t0));
    episode();
    Channel ch = pick(contactChannels());
    long t = serviceTime(purchase.time + rng.nextLong(DAY, 11 * DAY), ch);
    String topic = pick("order_status", "delivery");
    GenEvent c =
        contact(t, ch, topic, pick("RESOLVED", "RESOLVED", "ESCALATED"), sentiment(-0.4, 0.5));
    if (rng.nextDouble() < 0.3) {
      survey(last + rng.nextLong(HOUR, 20 * HOUR), topic, sentiment(-0.2, 0.8));
    }
    plant(EpisodeKind.POST_PURCHASE_CONTACT, purchase, c);
  }

  private void negativeSentiment(long t0) {
    long t = leadIn(t0);
    Channel ch = pick(contactChannels());
    String topic = pick(TOPICS);
    if (rng.nextBoolean()) {
      GenEvent c =
          contact(
              serviceTime(t, ch),
              ch,
              topic,
              pick("RESOLVED", "ESCALATED", "UNRESOLVED", "ABANDONED"),
              sentiment(-1.0, -0.6));
      plant(EpisodeKind.NEGATIVE_SENTIMENT, c);
    } else {
      contact(serviceTime(t, ch), ch, topic, "RESOLVED", sentiment(-0.3, 0.2));
      GenEvent s = survey(last + rng.nextLong(HOUR, 20 * HOUR), topic, sentiment(-1.0, -0.6));
      plant(EpisodeKind.NEGATIVE_SENTIMENT, s);
    }
  }

  private void errorThenAbandon(long t0) {
    long t = Rhythm.ONLINE.atOrAfter(leadIn(t0), rng);
    block();
    boolean app = devices.length > 0 && rng.nextDouble() < persona.appShare;
    Channel ch = app ? MOBILE_APP : WEB;
    Ident[] ids = app ? ids(device(), customer) : webIds(cookie(), false);
    String sid = sessionId();
    GenEvent pv = ev(t, ch, PAGE_VIEW, ids);
    pv.session = sid;
    if (rng.nextBoolean()) {
      GenEvent s = ev(last + step(), ch, SEARCH, ids);
      s.session = sid;
      s.attrKey = "query";
      s.attrValue = pick(QUERIES);
    }
    GenEvent err = ev(last + step(), ch, ERROR, ids);
    err.session = sid;
    err.attrKey = "code";
    err.attrValue = pick(ERROR_CODES);
    if (rng.nextBoolean()) {
      GenEvent after = ev(last + step(), ch, PAGE_VIEW, ids);
      after.session = sid;
    }
    plant(EpisodeKind.ERROR_THEN_ABANDON, err);
  }

  private void cartAbandoned(long t0) {
    GenEvent[] cart = cartSession(leadIn(t0));
    if (!anonymous && rng.nextDouble() < 0.3) {
      long p = Rhythm.ONLINE.atOrAfter(cart[1].time + rng.nextLong(80 * HOUR, 7 * DAY), rng);
      checkoutSession(p, cart[1]);
    }
    plant(EpisodeKind.CART_ABANDONED, cart[1]);
  }

  private void serviceContact(long t0) {
    long t = leadIn(t0);
    Channel ch = pick(contactChannels());
    String topic = pick(TOPICS);
    double u = rng.nextDouble();
    String outcome =
        u < 0.6
            ? "RESOLVED"
            : u < 0.75
                ? "ESCALATED"
                : u < 0.85 ? "UNRESOLVED" : u < 0.95 ? "ABANDONED" : "TRANSFERRED";
    contact(serviceTime(t, ch), ch, topic, outcome, sentiment(-0.3, 0.9));
    if (rng.nextDouble() < 0.4) {
      survey(last + rng.nextLong(HOUR, 24 * HOUR), topic, sentiment(-0.2, 1.0));
    }
  }

  private void selfServiceSuccess(long t0) {
    long t = leadIn(t0);
    List<Channel> ssChannels = new ArrayList<>(List.of(WEB, VOICE));
    if (devices.length > 0) {
      ssChannels.add(MOBILE_APP);
    }
    Channel ch = ssChannels.get(rng.nextInt(ssChannels.size()));
    block();
    selfService(Rhythm.ONLINE.atOrAfter(t, rng), ch);
  }

  private void productReturn(long t0) {
    long t = leadIn(t0);
    boolean inStore = loyalty != null && rng.nextBoolean();
    GenEvent purchase;
    if (inStore) {
      block();
      storeVisit(Rhythm.STORE.atOrAfter(t, rng));
      purchase = storePurchase(last + rng.nextLong(5 * MINUTE, 45 * MINUTE));
    } else {
      purchase = purchaseSession(t);
    }
    episode();
    Channel ch = inStore ? STORE : pick(CHAT, EMAIL);
    long c = serviceTime(purchase.time + rng.nextLong(2 * DAY, 10 * DAY), ch);
    contact(c, ch, "returns", "RESOLVED", sentiment(-0.2, 0.6));
    long r = last + rng.nextLong(10 * MINUTE, 2 * DAY);
    GenEvent refund =
        inStore
            ? ev(r, STORE, REFUND, storeIds(true))
            : ev(r, WEB, REFUND, ids(cookie(), customer));
    refund.order = purchase.order;
    refund.value = purchase.value;
    refund.currency = purchase.currency;
  }

  // ---------------------------------------------------------------------------------------------
  // Sessions and single interactions

  /** A web or app session of page views, product views and searches; maybe an entry touch. */
  private void browseSession(long earliest, Mode mode, boolean snap) {
    block();
    long t = snap ? Rhythm.ONLINE.atOrAfter(earliest, rng) : earliest;
    String sid = sessionId();
    boolean onTablet =
        mode == Mode.TABLET || (mode == Mode.BROWSE && tablet != null && rng.nextDouble() < 0.5);
    Channel ch;
    Ident dev;
    Ident[] ids;
    if (onTablet) {
      ch = MOBILE_APP;
      dev = tablet;
      ids = ids(customer, tablet);
    } else if (devices.length > 0 && rng.nextDouble() < persona.appShare) {
      ch = MOBILE_APP;
      dev = device();
      ids = customer != null && rng.nextDouble() < 0.8 ? ids(dev, customer) : ids(dev);
    } else {
      ch = WEB;
      dev = cookie();
      ids = webIds(dev, customer != null && rng.nextDouble() < persona.loginShare);
    }
    if (!onTablet && rng.nextDouble() < 0.35) {
      entryTouch(t, ch, dev, mode == Mode.INERT);
      t = last + rng.nextLong(5 * SECOND, 2 * MINUTE);
    }
    if (ch == WEB && ids.length > 1) {
      boolean signup = rng.nextDouble() < 0.05 && emails.length > 0;
      GenEvent login =
          signup ? ev(t, WEB, SIGNUP, ids(dev, email(), customer)) : ev(t, WEB, LOGIN, ids);
      login.session = sid;
      t = last + step();
    }
    int n = 1 + rng.nextInt(6);
    for (int i = 0; i < n; i++) {
      double u = rng.nextDouble();
      EventType type;
      if (mode == Mode.INERT) {
        type = u < 0.7 ? PAGE_VIEW : SEARCH;
      } else {
        type = u < 0.4 ? PAGE_VIEW : u < 0.78 ? PRODUCT_VIEW : u < 0.975 ? SEARCH : EventType.OTHER;
      }
      GenEvent e = ev(t, ch, type, ids);
      e.session = sid;
      e.shared = onTablet;
      if (type == PRODUCT_VIEW) {
        e.product = product();
      } else if (type == SEARCH) {
        e.attrKey = "query";
        e.attrValue = pick(QUERIES);
      } else if (type == EventType.OTHER) {
        e.product = product();
        e.attrKey = "action";
        e.attrValue = "wishlist_add";
      }
      t = last + rng.nextLong(5 * SECOND, 4 * MINUTE);
    }
  }

  /** The marketing touch a session starts from: an ad click, an email or a message. */
  private void entryTouch(long t, Channel sessionChannel, Ident dev, boolean inert) {
    boolean known = customer != null;
    int options = sessionChannel == WEB ? (known ? 5 : 3) : 3;
    int k = rng.nextInt(options);
    String campaign = pick(CAMPAIGNS);
    GenEvent e;
    if (sessionChannel == WEB) {
      switch (k) {
        case 0 -> e = ev(t, PAID_SEARCH, AD_CLICK, ids(dev));
        case 1 -> e = ev(t, DISPLAY, AD_CLICK, ids(dev));
        case 2 -> e = ev(t, SOCIAL, AD_CLICK, socials.length > 0 ? ids(social()) : ids(dev));
        case 3 -> e = emailTouch(t, campaign, inert);
        default -> e = ev(t, SMS, AD_CLICK, ids(phone()));
      }
    } else {
      switch (k) {
        case 0 -> e = ev(t, PUSH, AD_CLICK, customer != null ? ids(dev, customer) : ids(dev));
        case 1 -> e = known ? emailTouch(t, campaign, inert) : ev(t, PUSH, AD_CLICK, ids(dev));
        default -> e = known ? ev(t, SMS, AD_CLICK, ids(phone())) : ev(t, PUSH, AD_CLICK, ids(dev));
      }
    }
    if (e.campaign == null) {
      e.campaign = campaign;
    }
  }

  private GenEvent emailTouch(long t, String campaign, boolean inert) {
    Ident[] ids = rng.nextDouble() < 0.5 ? ids(email(), customer) : ids(email());
    GenEvent open = ev(t, EMAIL, EMAIL_OPEN, ids);
    open.campaign = campaign;
    if (inert) {
      return open;
    }
    GenEvent click = ev(last + rng.nextLong(5 * SECOND, 3 * MINUTE), EMAIL, EMAIL_CLICK, ids);
    click.campaign = campaign;
    return click;
  }

  /** A standalone impression: display, social, search or partner ad, email, SMS or push. */
  private void touch(long earliest) {
    block();
    long t = Rhythm.ONLINE.atOrAfter(earliest, rng);
    boolean known = customer != null;
    double u = rng.nextDouble();
    GenEvent e;
    if (u < 0.25) {
      e = ev(t, DISPLAY, AD_IMPRESSION, ids(cookie()));
    } else if (u < 0.4) {
      e = ev(t, SOCIAL, AD_IMPRESSION, socials.length > 0 ? ids(social()) : ids(cookie()));
    } else if (u < 0.5) {
      e = ev(t, PAID_SEARCH, AD_IMPRESSION, ids(cookie()));
    } else if (u < 0.55) {
      e = ev(t, Channel.OTHER, AD_IMPRESSION, ids(cookie()));
      e.attrKey = "partner";
      e.attrValue = "affiliate-network";
    } else if (known && u < 0.8) {
      e = ev(t, EMAIL, EMAIL_OPEN, rng.nextDouble() < 0.5 ? ids(email(), customer) : ids(email()));
    } else if (known && u < 0.9) {
      e = ev(t, SMS, AD_IMPRESSION, rng.nextDouble() < 0.3 ? ids(phone(), customer) : ids(phone()));
    } else if (devices.length > 0) {
      e = ev(t, PUSH, AD_IMPRESSION, ids(device(), customer));
    } else {
      e = ev(t, DISPLAY, AD_IMPRESSION, ids(cookie()));
    }
    e.campaign = pick(CAMPAIGNS);
  }

  /** Product view, add to cart, checkout and purchase within minutes; returns the purchase. */
  private GenEvent purchaseSession(long earliest) {
    block();
    long t = Rhythm.ONLINE.atOrAfter(earliest, rng);
    String sid = sessionId();
    boolean app = devices.length > 0 && rng.nextDouble() < persona.appShare;
    Channel ch = app ? MOBILE_APP : WEB;
    Ident dev = app ? device() : cookie();
    Ident[] logged = ids(dev, customer);
    Ident[] before = app || rng.nextDouble() < persona.loginShare ? logged : ids(dev);
    String product = product();
    double price = price();
    GenEvent pv = ev(t, ch, PRODUCT_VIEW, before);
    pv.session = sid;
    pv.product = product;
    GenEvent atc = ev(last + step(), ch, ADD_TO_CART, before);
    atc.session = sid;
    atc.product = product;
    atc.value = price;
    atc.currency = currency;
    double total = price;
    if (rng.nextDouble() < 0.25) {
      String second = product();
      double price2 = price();
      GenEvent pv2 = ev(last + step(), ch, PRODUCT_VIEW, before);
      pv2.session = sid;
      pv2.product = second;
      GenEvent atc2 = ev(last + step(), ch, ADD_TO_CART, before);
      atc2.session = sid;
      atc2.product = second;
      atc2.value = round2(total + price2);
      atc2.currency = currency;
      total = round2(total + price2);
      if (rng.nextBoolean()) {
        GenEvent rm = ev(last + step(), ch, REMOVE_FROM_CART, before);
        rm.session = sid;
        rm.product = second;
        total = price;
        rm.value = total;
        rm.currency = currency;
      }
    }
    if (before != logged) {
      GenEvent login = ev(last + step(), ch, LOGIN, logged);
      login.session = sid;
    }
    return checkout(ch, logged, sid, total);
  }

  /** A return to an existing cart: cart page, checkout, purchase; returns the purchase. */
  private GenEvent checkoutSession(long t, GenEvent cartEvent) {
    block();
    String sid = sessionId();
    boolean app = cartEvent.channel == MOBILE_APP;
    Ident dev = app ? device() : cookie();
    Ident[] logged = ids(dev, customer);
    GenEvent page = ev(t, cartEvent.channel, PAGE_VIEW, logged);
    page.session = sid;
    page.attrKey = "page";
    page.attrValue = "cart";
    return checkout(cartEvent.channel, logged, sid, cartEvent.value);
  }

  private GenEvent checkout(Channel ch, Ident[] ids, String sid, double total) {
    GenEvent co = ev(last + step(), ch, CHECKOUT_START, ids);
    co.session = sid;
    co.value = total;
    co.currency = currency;
    GenEvent purchase = ev(last + rng.nextLong(30 * SECOND, 4 * MINUTE), ch, PURCHASE, ids);
    purchase.session = sid;
    purchase.order = orderId();
    purchase.value = total;
    purchase.currency = currency;
    return purchase;
  }

  /** Page view, product view, add to cart on web or app; returns {product view, add to cart}. */
  private GenEvent[] cartSession(long earliest) {
    block();
    long t = Rhythm.ONLINE.atOrAfter(earliest, rng);
    String sid = sessionId();
    boolean app = devices.length > 0 && rng.nextDouble() < persona.appShare;
    Channel ch = app ? MOBILE_APP : WEB;
    Ident[] ids =
        app
            ? ids(device(), customer)
            : webIds(cookie(), customer != null && rng.nextDouble() < persona.loginShare);
    GenEvent page = ev(t, ch, PAGE_VIEW, ids);
    page.session = sid;
    String product = product();
    GenEvent pv = ev(last + step(), ch, PRODUCT_VIEW, ids);
    pv.session = sid;
    pv.product = product;
    GenEvent atc = ev(last + step(), ch, ADD_TO_CART, ids);
    atc.session = sid;
    atc.product = product;
    atc.value = price();
    atc.currency = currency;
    if (rng.nextBoolean()) {
      GenEvent after = ev(last + step(), ch, PAGE_VIEW, ids);
      after.session = sid;
    }
    return new GenEvent[] {pv, atc};
  }

  /** Page views and searches with exactly one product view; returns the product view. */
  private GenEvent researchSession(long earliest) {
    block();
    long t = Rhythm.ONLINE.atOrAfter(earliest, rng);
    String sid = sessionId();
    boolean app = devices.length > 0 && rng.nextDouble() < persona.appShare;
    Channel ch = app ? MOBILE_APP : WEB;
    Ident[] ids =
        app ? ids(device(), customer) : webIds(cookie(), rng.nextDouble() < persona.loginShare);
    GenEvent page = ev(t, ch, PAGE_VIEW, ids);
    page.session = sid;
    if (rng.nextBoolean()) {
      GenEvent s = ev(last + step(), ch, SEARCH, ids);
      s.session = sid;
      s.attrKey = "query";
      s.attrValue = pick(QUERIES);
    }
    GenEvent pv = ev(last + step(), ch, PRODUCT_VIEW, ids);
    pv.session = sid;
    pv.product = product();
    pv.attrKey = "section";
    pv.attrValue = "store_availability";
    return pv;
  }

  private GenEvent storeVisit(long t) {
    GenEvent v = ev(t, STORE, STORE_VISIT, storeIds(rng.nextDouble() < 0.4));
    v.attrKey = "store";
    v.attrValue = "store-" + IdentityFactory.pad(1 + (index % 40), 3);
    return v;
  }

  private GenEvent storePurchase(long t) {
    GenEvent p = ev(t, STORE, PURCHASE, storeIds(true));
    p.order = orderId();
    p.value = price();
    p.currency = currency;
    p.attrKey = "store";
    p.attrValue = "store-" + IdentityFactory.pad(1 + (index % 40), 3);
    return p;
  }

  /** CONTACT_START at {@code t} and CONTACT_END a little later; returns the start. */
  private GenEvent contact(long t, Channel ch, String topic, String outcome, double sentiment) {
    block();
    Ident[] ids = contactIds(ch);
    String sid = "ct-" + index + "-" + (++sessions);
    GenEvent start = ev(t, ch, CONTACT_START, ids);
    long duration =
        switch (ch) {
          case EMAIL -> rng.nextLong(30 * MINUTE, 8 * HOUR);
          case SOCIAL -> rng.nextLong(15 * MINUTE, 3 * HOUR);
          case VOICE ->
              "ABANDONED".equals(outcome)
                  ? rng.nextLong(MINUTE, 4 * MINUTE)
                  : rng.nextLong(2 * MINUTE, 20 * MINUTE);
          default -> rng.nextLong(4 * MINUTE, 25 * MINUTE);
        };
    GenEvent end = ev(start.time + duration, ch, CONTACT_END, ids);
    for (GenEvent e : new GenEvent[] {start, end}) {
      e.session = sid;
      e.topic = topic;
      e.outcome = outcome;
      e.sentiment = sentiment;
    }
    return start;
  }

  private GenEvent survey(long t, String topic, double sentiment) {
    block();
    boolean sms = rng.nextDouble() < 0.3;
    GenEvent s =
        sms
            ? ev(t, SMS, SURVEY_RESPONSE, ids(phone()))
            : ev(t, EMAIL, SURVEY_RESPONSE, ids(email()));
    s.topic = topic;
    s.sentiment = sentiment;
    s.attrKey = "score";
    s.attrValue = Integer.toString((int) Math.round(3 + 2 * sentiment));
    return s;
  }

  private GenEvent selfService(long t, Channel ch) {
    Ident[] ids;
    String kind;
    if (ch == WEB) {
      ids = webIds(cookie(), rng.nextDouble() < persona.loginShare);
      kind = "faq";
      GenEvent help = ev(t, WEB, PAGE_VIEW, ids);
      help.attrKey = "page";
      help.attrValue = "help";
      t = last + step();
    } else if (ch == MOBILE_APP) {
      ids = ids(device(), customer);
      kind = "chatbot";
    } else {
      ids = ids(phone());
      kind = "ivr";
    }
    GenEvent ss = ev(t, ch, SELF_SERVICE, ids);
    ss.topic = pick(TOPICS);
    ss.attrKey = "kind";
    ss.attrValue = kind;
    return ss;
  }

  private long serviceTime(long earliest, Channel ch) {
    return (ch == STORE ? Rhythm.STORE : Rhythm.SERVICE).atOrAfter(earliest, rng);
  }

  // ---------------------------------------------------------------------------------------------
  // Identities

  private List<Channel> contactChannels() {
    List<Channel> list = new ArrayList<>(List.of(CHAT, VOICE, EMAIL));
    if (socials.length > 0) {
      list.add(SOCIAL);
    }
    if (loyalty != null) {
      list.add(STORE);
    }
    return list;
  }

  private Ident[] contactIds(Channel ch) {
    double u = rng.nextDouble();
    return switch (ch) {
      case CHAT -> u < 0.5 ? ids(cookie(), email()) : ids(cookie(), email(), customer);
      case VOICE -> u < 0.6 ? ids(phone(), customer) : ids(phone());
      case EMAIL -> u < 0.5 ? ids(email(), customer) : ids(email());
      case SOCIAL -> u < 0.3 ? ids(social(), customer) : ids(social());
      case STORE -> storeIds(u < 0.5);
      default -> throw new IllegalStateException("not a contact channel: " + ch);
    };
  }

  private Ident[] storeIds(boolean scan) {
    if (loyalty == null) {
      return ids(customer);
    }
    return scan ? ids(loyalty, customer) : ids(loyalty);
  }

  private Ident[] webIds(Ident cookie, boolean loggedIn) {
    return loggedIn && customer != null ? ids(cookie, customer) : ids(cookie);
  }

  private static Ident[] ids(Ident... ids) {
    return ids;
  }

  private Ident cookie() {
    return cookies[rng.nextInt(cookies.length)];
  }

  private Ident device() {
    return devices[rng.nextInt(devices.length)];
  }

  private Ident social() {
    return socials[rng.nextInt(socials.length)];
  }

  private Ident email() {
    Ident[] v = emails[emails.length == 1 || rng.nextDouble() < 0.75 ? 0 : 1];
    return v[rng.nextInt(v.length)];
  }

  private Ident phone() {
    Ident[] v = phones[phones.length == 1 || rng.nextDouble() < 0.75 ? 0 : 1];
    return v[rng.nextInt(v.length)];
  }

  // ---------------------------------------------------------------------------------------------
  // Small helpers

  private GenEvent ev(long t, Channel ch, EventType type, Ident[] ids) {
    if (t <= last) {
      t = last + 1;
    }
    last = t;
    GenEvent e = new GenEvent();
    e.time = t;
    e.person = index;
    e.channel = ch;
    e.type = type;
    e.ids = ids;
    e.source = sourceSystem(ch, type);
    e.iso = rng.nextDouble() < ISO_TIME_SHARE;
    d.events.add(e);
    return e;
  }

  private static String sourceSystem(Channel ch, EventType type) {
    if (type == SURVEY_RESPONSE) {
      return "survey-tool";
    }
    boolean contact = type == CONTACT_START || type == CONTACT_END;
    return switch (ch) {
      case WEB -> "web-analytics";
      case MOBILE_APP -> "mobile-sdk";
      case EMAIL -> contact ? "helpdesk" : "email-platform";
      case SMS -> "sms-gateway";
      case PUSH -> "push-service";
      case SOCIAL -> contact ? "social-care" : "social-ads";
      case PAID_SEARCH -> "search-ads";
      case DISPLAY -> "ad-server";
      case CHAT -> "chat-platform";
      case VOICE -> type == SELF_SERVICE ? "ivr" : "contact-center";
      case STORE -> "pos";
      default -> "partner-feed";
    };
  }

  private long step() {
    return rng.nextLong(10 * SECOND, 3 * MINUTE);
  }

  private String sessionId() {
    return "s-" + index + "-" + (++sessions);
  }

  private String orderId() {
    return "o-" + IdentityFactory.pad(index + 1L, 7) + "-" + (++orders);
  }

  private String product() {
    return "sku-" + (1000 + rng.nextInt(4000));
  }

  private double price() {
    return (1500 + rng.nextInt(30_000)) / 100.0;
  }

  private double sentiment(double lo, double hi) {
    return round2(lo + rng.nextDouble() * (hi - lo));
  }

  private static double round2(double x) {
    return Math.round(x * 100) / 100.0;
  }

  @SafeVarargs
  private <T> T pick(T... options) {
    return options[rng.nextInt(options.length)];
  }

  private <T> T pick(List<T> options) {
    return options.get(rng.nextInt(options.size()));
  }

  // ---------------------------------------------------------------------------------------------
  // Finishing touches and checks

  /**
   * Makes every identity co-occur with the customer id at least once (adding the customer id to the
   * first event of an identity that lacks it), adds placeholder identities to about 2% of the
   * events, numbers the events and checks the episode rules.
   */
  private void finish() {
    if (customer != null) {
      Set<IdentityKey> linked = new HashSet<>();
      for (GenEvent e : events) {
        if (contains(e.ids, customer)) {
          for (Ident i : e.ids) {
            linked.add(i.key());
          }
        }
      }
      for (GenEvent e : events) {
        boolean missing = false;
        for (Ident i : e.ids) {
          if (i != tablet && !linked.contains(i.key())) {
            missing = true;
            break;
          }
        }
        if (missing) {
          Ident[] withCustomer = new Ident[e.ids.length + 1];
          System.arraycopy(e.ids, 0, withCustomer, 0, e.ids.length);
          withCustomer[e.ids.length] = customer;
          e.ids = withCustomer;
          for (Ident i : e.ids) {
            linked.add(i.key());
          }
        }
      }
    }
    for (GenEvent e : events) {
      if (rng.nextDouble() < PLACEHOLDER_SHARE) {
        Ident[] with = new Ident[e.ids.length + 1];
        System.arraycopy(e.ids, 0, with, 0, e.ids.length);
        with[e.ids.length] = IdentityFactory.placeholder(rng);
        e.ids = with;
        e.placeholder = true;
      }
    }
    for (int ep = 0; ep < episodeStarts.size(); ep++) {
      int s = episodeStarts.get(ep);
      int end = ep + 1 < episodeStarts.size() ? episodeStarts.get(ep + 1) : events.size();
      for (int i = s; i < end; i++) {
        GenEvent e = events.get(i);
        e.seq = i;
        e.episode = ep;
        e.interior = i > s && i < end - 1 && !e.shared;
      }
    }
    validate();
  }

  private static boolean contains(Ident[] ids, Ident x) {
    for (Ident i : ids) {
      if (i == x) {
        return true;
      }
    }
    return false;
  }

  private void validate() {
    if (events.isEmpty() || episodeStarts.isEmpty() || episodeStarts.get(0) != 0) {
      throw new IllegalStateException("person " + index + " has no events");
    }
    long prevEnd = 0;
    boolean prevConverted = true;
    for (int ep = 0; ep < episodeStarts.size(); ep++) {
      int s = episodeStarts.get(ep);
      int end = ep + 1 < episodeStarts.size() ? episodeStarts.get(ep + 1) : events.size();
      if (end - s < 1 || end - s >= 500) {
        fail(ep, "has " + (end - s) + " events");
      }
      GenEvent first = events.get(s);
      GenEvent lastEv = events.get(end - 1);
      if (ep > 0 && !prevConverted && first.time - prevEnd <= 31 * DAY) {
        fail(ep, "starts " + (first.time - prevEnd) + " ms after a non-converted episode");
      }
      if (lastEv.time - first.time >= 30 * DAY) {
        fail(ep, "lasts too long");
      }
      for (int i = s; i < end; i++) {
        GenEvent e = events.get(i);
        if (e.time < startMs || e.time >= endMs) {
          fail(ep, "has an event outside the period");
        }
        if (i > s
            && (e.time <= events.get(i - 1).time || e.time - events.get(i - 1).time >= 10 * DAY)) {
          fail(ep, "has a bad gap before event " + i);
        }
        if (e.type == PURCHASE && i != end - 1) {
          fail(ep, "has a purchase before its end");
        }
        for (Ident id : e.ids) {
          if (id == null) {
            fail(ep, "has an event with a missing identity");
          }
        }
      }
      if (ep > 0 && first.time <= prevEnd) {
        fail(ep, "overlaps the previous episode");
      }
      prevEnd = lastEv.time;
      prevConverted = lastEv.type == PURCHASE;
    }
    if (anonymous) {
      for (GenEvent e : events) {
        for (Ident id : e.ids) {
          if (!id.placeholder() && !id.namespace().equals(Namespaces.COOKIE_ID)) {
            throw new IllegalStateException("anonymous person " + index + " uses " + id);
          }
        }
      }
    }
  }

  private void fail(int episode, String what) {
    throw new IllegalStateException(
        "generator bug: person " + index + " (" + persona + ") episode " + episode + " " + what);
  }
}
