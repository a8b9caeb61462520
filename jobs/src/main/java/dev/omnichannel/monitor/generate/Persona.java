package dev.omnichannel.monitor.generate;

import static dev.omnichannel.monitor.generate.EpisodeKind.*;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Customer personas, their share of the population, how they behave, and the per-episode rates of
 * every planted scenario. Each time a person starts a new episode, its kind is drawn from the
 * persona's weights below (they sum to 1, so they are the rates per episode).
 *
 * <table>
 *   <caption>Personas</caption>
 *   <tr><th>persona</th><th>share</th><th>behaviour</th></tr>
 *   <tr><td>browser</td><td>34%</td><td>75% anonymous (one cookie, nothing else); rarely logs in
 *       or buys</td></tr>
 *   <tr><td>buyer</td><td>26%</td><td>web and app, converts often, cart recoveries</td></tr>
 *   <tr><td>service_heavy</td><td>12%</td><td>many contacts on chat, voice, email and social;
 *       most friction types</td></tr>
 *   <tr><td>store_first</td><td>14%</td><td>store visits with a loyalty id, research online and
 *       buy offline</td></tr>
 *   <tr><td>multi_device</td><td>14%</td><td>three to five cookies, two or three devices,
 *       showrooming</td></tr>
 * </table>
 */
enum Persona {
  BROWSER(
      0.34,
      14.0,
      0.1,
      0.10,
      weights(
          BROWSE,
          0.74,
          BUY,
          0.12,
          CART_ABANDONED,
          0.06,
          ERROR_THEN_ABANDON,
          0.03,
          EMAIL_RECOVERY,
          0.02,
          SERVICE_CONTACT,
          0.02,
          NEGATIVE_SENTIMENT,
          0.01)),
  BUYER(
      0.26,
      9.0,
      0.35,
      0.5,
      weights(
          BUY,
          0.45,
          BROWSE,
          0.25,
          EMAIL_RECOVERY,
          0.06,
          BROWSE_ABANDON_CHAT_PURCHASE,
          0.05,
          CART_ABANDONED,
          0.05,
          POST_PURCHASE_CONTACT,
          0.04,
          SHOWROOMING,
          0.02,
          RESEARCH_ONLINE_BUY_OFFLINE,
          0.02,
          ERROR_THEN_ABANDON,
          0.02,
          NEGATIVE_SENTIMENT,
          0.01,
          SERVICE_CONTACT,
          0.02,
          PRODUCT_RETURN,
          0.01)),
  SERVICE_HEAVY(
      0.12,
      8.0,
      0.3,
      0.6,
      weights(
          BUY,
          0.15,
          BROWSE,
          0.12,
          REPEAT_CONTACT,
          0.10,
          FAILED_SELF_SERVICE,
          0.10,
          CHANNEL_HOP,
          0.08,
          UNRESOLVED_CONTACT,
          0.10,
          POST_PURCHASE_CONTACT,
          0.07,
          NEGATIVE_SENTIMENT,
          0.08,
          SERVICE_CONTACT,
          0.08,
          SELF_SERVICE_SUCCESS,
          0.04,
          PRODUCT_RETURN,
          0.04,
          BROWSE_ABANDON_CHAT_PURCHASE,
          0.02,
          ERROR_THEN_ABANDON,
          0.02)),
  STORE_FIRST(
      0.14,
      10.0,
      0.2,
      0.4,
      weights(
          STORE_TRIP,
          0.28,
          RESEARCH_ONLINE_BUY_OFFLINE,
          0.18,
          SHOWROOMING,
          0.06,
          BUY,
          0.12,
          BROWSE,
          0.20,
          PRODUCT_RETURN,
          0.04,
          SERVICE_CONTACT,
          0.05,
          NEGATIVE_SENTIMENT,
          0.03,
          POST_PURCHASE_CONTACT,
          0.02,
          CART_ABANDONED,
          0.02)),
  MULTI_DEVICE(
      0.14,
      7.0,
      0.5,
      0.5,
      weights(
          BUY,
          0.33,
          BROWSE,
          0.25,
          SHOWROOMING,
          0.10,
          BROWSE_ABANDON_CHAT_PURCHASE,
          0.06,
          EMAIL_RECOVERY,
          0.06,
          CART_ABANDONED,
          0.06,
          RESEARCH_ONLINE_BUY_OFFLINE,
          0.04,
          FAILED_SELF_SERVICE,
          0.03,
          ERROR_THEN_ABANDON,
          0.03,
          SERVICE_CONTACT,
          0.02,
          CHANNEL_HOP,
          0.02));

  /** Share of anonymous persons among browsers. */
  static final double ANONYMOUS_BROWSER_SHARE = 0.75;

  /** Episode weights of anonymous browsers: only what one cookie can do. */
  static final double[] ANONYMOUS_WEIGHTS =
      weights(BROWSE, 0.90, CART_ABANDONED, 0.06, ERROR_THEN_ABANDON, 0.04);

  final double share;

  /** Mean of the exponential gap between episodes, in days. */
  final double meanGapDays;

  /** Probability that a web session is logged in (known persons). */
  final double loginShare;

  /** Probability that a session is on the app, when the person has a device. */
  final double appShare;

  private final double[] cdf;

  Persona(double share, double meanGapDays, double loginShare, double appShare, double[] w) {
    this.share = share;
    this.meanGapDays = meanGapDays;
    this.loginShare = loginShare;
    this.appShare = appShare;
    this.cdf = cumulative(w);
  }

  /** The persona's name in the ground truth, e.g. {@code service_heavy}. */
  String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The per-episode rate of {@code kind} for this persona (anonymous browsers differ). */
  double rate(EpisodeKind kind, boolean anonymous) {
    double[] c = anonymous ? cumulative(ANONYMOUS_WEIGHTS) : cdf;
    int i = kind.ordinal();
    return c[i] - (i == 0 ? 0 : c[i - 1]);
  }

  EpisodeKind pick(SplittableRandom rng, boolean anonymous) {
    double[] c = anonymous ? ANONYMOUS_CDF : cdf;
    double u = rng.nextDouble();
    EpisodeKind[] kinds = EpisodeKind.values();
    for (int i = 0; i < c.length; i++) {
      if (u < c[i]) {
        return kinds[i];
      }
    }
    return BROWSE;
  }

  /** The persona of a person, from a uniform draw in [0, 1). */
  static Persona of(double u) {
    double acc = 0;
    for (Persona p : values()) {
      acc += p.share;
      if (u < acc) {
        return p;
      }
    }
    return MULTI_DEVICE;
  }

  private static final double[] ANONYMOUS_CDF = cumulative(ANONYMOUS_WEIGHTS);

  private static double[] weights(Object... pairs) {
    double[] w = new double[EpisodeKind.values().length];
    for (int i = 0; i < pairs.length; i += 2) {
      w[((EpisodeKind) pairs[i]).ordinal()] += ((Number) pairs[i + 1]).doubleValue();
    }
    return w;
  }

  private static double[] cumulative(double[] w) {
    double total = 0;
    for (double x : w) {
      total += x;
    }
    double[] c = new double[w.length];
    double acc = 0;
    for (int i = 0; i < w.length; i++) {
      acc += w[i] / total;
      c[i] = acc;
    }
    return c;
  }
}
