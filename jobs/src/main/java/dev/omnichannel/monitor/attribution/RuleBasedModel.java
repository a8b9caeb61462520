package dev.omnichannel.monitor.attribution;

import dev.omnichannel.monitor.journey.Touch;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The rule-based attribution models of DESIGN.md, over one converted journey's touches. Plain Java.
 * Each model returns the credit per channel (the touches' dimension value); touches on the same
 * channel add up. Credits sum to 1, except PARTICIPATION, which gives each distinct channel 1.0.
 */
public enum RuleBasedModel {
  /** All credit to the first touch. */
  FIRST_TOUCH,
  /** All credit to the last touch (the one the conversion falls in). */
  LAST_TOUCH,
  /** Equal credit per touch. */
  LINEAR,
  /** 1.0 for each distinct channel of the journey. */
  PARTICIPATION,
  /**
   * Weight 2^(−Δt/h) per touch, Δt from the touch's start to the conversion, h the half-life;
   * normalised to 1.
   */
  TIME_DECAY,
  /** 40% first, 40% last, 20% shared by the touches between; one touch 100%, two 50/50. */
  POSITION_BASED,
  /** 20% first, 60% last, 20% shared between; two touches 25/75 (first and last renormalised). */
  J_CURVE,
  /** 60% first, 20% last, 20% shared between; two touches 75/25. */
  INVERSE_J;

  /**
   * Credit per channel for a conversion at {@code conversionTime} after {@code touches} (in order,
   * non-empty).
   *
   * @param halfLife the TIME_DECAY half-life (ignored by the other models)
   */
  public SortedMap<String, Double> credit(
      List<Touch> touches, long conversionTime, Duration halfLife) {
    if (touches.isEmpty()) {
      throw new IllegalArgumentException("a conversion needs at least one touch");
    }
    int n = touches.size();
    double[] w = new double[n];
    switch (this) {
      case FIRST_TOUCH -> w[0] = 1;
      case LAST_TOUCH -> w[n - 1] = 1;
      case LINEAR -> java.util.Arrays.fill(w, 1.0 / n);
      case PARTICIPATION -> {
        SortedMap<String, Double> out = new TreeMap<>();
        for (String c : new LinkedHashSet<>(touches.stream().map(Touch::dimensionValue).toList())) {
          out.put(c, 1.0);
        }
        return out;
      }
      case TIME_DECAY -> {
        // The half-life in (fractional) milliseconds: toMillis() would truncate a sub-millisecond
        // half-life to 0.
        double h = halfLife.getSeconds() * 1000.0 + halfLife.getNano() / 1e6;
        // Weights are taken relative to the touch nearest the conversion (weight 1). The shares
        // are the same after normalising, but the sum cannot underflow to 0 (and the shares to
        // NaN) when every touch lies more than ~1,074 half-lives before the conversion.
        long dtMin = Long.MAX_VALUE;
        for (Touch t : touches) {
          dtMin = Math.min(dtMin, Math.max(0, conversionTime - t.startTime()));
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
          long dt = Math.max(0, conversionTime - touches.get(i).startTime());
          w[i] = Math.pow(2, -(dt - dtMin) / h);
          sum += w[i];
        }
        for (int i = 0; i < n; i++) {
          w[i] /= sum;
        }
      }
      case POSITION_BASED -> positional(w, 0.4, 0.2, 0.4);
      case J_CURVE -> positional(w, 0.2, 0.2, 0.6);
      case INVERSE_J -> positional(w, 0.6, 0.2, 0.2);
      default -> throw new IllegalStateException(name());
    }
    SortedMap<String, Double> out = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      if (w[i] != 0) {
        out.merge(touches.get(i).dimensionValue(), w[i], Double::sum);
      }
    }
    return out;
  }

  /** First / middle / last shares; without middle touches, first and last are renormalised. */
  private static void positional(double[] w, double first, double middle, double last) {
    int n = w.length;
    if (n == 1) {
      w[0] = 1;
    } else if (n == 2) {
      w[0] = first / (first + last);
      w[1] = last / (first + last);
    } else {
      w[0] = first;
      w[n - 1] = last;
      for (int i = 1; i < n - 1; i++) {
        w[i] = middle / (n - 2);
      }
    }
  }
}
