package dev.omnichannel.monitor.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A small property-check harness for JUnit tests: a generator, a check and a number of tries.
 *
 * <ul>
 *   <li><b>Deterministic.</b> Try i draws its input from {@code new Random(s_i)}, where the try
 *       seeds s_i come from a {@link SplittableRandom} on the property's fixed seed. Nothing is
 *       stored between runs.
 *   <li><b>Shrinking.</b> On a failure the input is shrunk greedily: the first candidate of the
 *       shrinker that still fails with the same exception class replaces it, until none does.
 *   <li><b>Report.</b> The {@link AssertionError} names the property, the try, its seed, the shrunk
 *       and the original input, and has the shrunk input's failure as its cause.
 *   <li><b>Replay.</b> {@code -Dproperty.seed=S} runs only the try with seed S (as printed).
 * </ul>
 *
 * @param <T> the generated input
 */
public final class PropertyCheck<T> {
  /** Run only this try seed, when set. */
  public static final String REPLAY_PROPERTY = "property.seed";

  private static final int MAX_SHRINK_RUNS = 2_000;

  private final String name;
  private final Function<Random, T> generator;
  private Function<T, List<T>> shrinker = t -> List.of();
  private int tries = 300;
  private long seed;

  private PropertyCheck(String name, Function<Random, T> generator) {
    this.name = Objects.requireNonNull(name);
    this.generator = Objects.requireNonNull(generator);
    this.seed = 20_261_122L * 31 + name.hashCode();
  }

  /** A property named {@code name} over the inputs of {@code generator}. */
  public static <T> PropertyCheck<T> forAll(String name, Function<Random, T> generator) {
    return new PropertyCheck<>(name, generator);
  }

  /** Smaller inputs to try when one fails, most aggressive first; each must be a valid input. */
  public PropertyCheck<T> shrinkWith(Function<T, List<T>> shrinker) {
    this.shrinker = Objects.requireNonNull(shrinker);
    return this;
  }

  public PropertyCheck<T> tries(int tries) {
    if (tries < 1) {
      throw new IllegalArgumentException("tries must be positive: " + tries);
    }
    this.tries = tries;
    return this;
  }

  /** The fixed seed of the tries (by default derived from the property's name). */
  public PropertyCheck<T> seed(long seed) {
    this.seed = seed;
    return this;
  }

  /**
   * Runs the property; {@code property} fails by throwing (an assertion or any runtime exception).
   *
   * @return the number of tries run
   */
  public int check(Consumer<T> property) {
    String replay = System.getProperty(REPLAY_PROPERTY);
    List<Long> seeds = new ArrayList<>();
    if (replay != null && !replay.isBlank()) {
      seeds.add(Long.parseLong(replay.trim()));
    } else {
      SplittableRandom master = new SplittableRandom(seed);
      for (int i = 0; i < tries; i++) {
        seeds.add(master.nextLong());
      }
    }
    for (int i = 0; i < seeds.size(); i++) {
      long trySeed = seeds.get(i);
      T input = generator.apply(new Random(trySeed));
      Throwable failure = run(property, input);
      if (failure != null) {
        throw falsified(property, i + 1, trySeed, input, failure);
      }
    }
    return seeds.size();
  }

  private AssertionError falsified(
      Consumer<T> property, int tryNumber, long trySeed, T original, Throwable failure) {
    T shrunk = original;
    Throwable shrunkFailure = failure;
    int steps = 0;
    int runs = 0;
    boolean progress = true;
    while (progress && runs < MAX_SHRINK_RUNS) {
      progress = false;
      for (T candidate : shrinker.apply(shrunk)) {
        if (++runs > MAX_SHRINK_RUNS) {
          break;
        }
        Throwable f = run(property, candidate);
        if (f != null && f.getClass() == failure.getClass()) {
          shrunk = candidate;
          shrunkFailure = f;
          steps++;
          progress = true;
          break;
        }
      }
    }
    String message =
        "Property '"
            + name
            + "' falsified on try "
            + tryNumber
            + " (replay with -D"
            + REPLAY_PROPERTY
            + "="
            + trySeed
            + ")\n  shrunk in "
            + steps
            + " steps to: "
            + shrunk
            + "\n  failure: "
            + shrunkFailure
            + "\n  original input: "
            + original
            + "\n  original failure: "
            + failure;
    return new AssertionError(message, shrunkFailure);
  }

  private static <T> Throwable run(Consumer<T> property, T input) {
    try {
      property.accept(input);
      return null;
    } catch (AssertionError | RuntimeException e) {
      return e;
    }
  }

  /** The usual list shrinks: the first half, the second half, then each element left out. */
  public static <E> List<List<E>> shrinkList(List<E> list, int minSize) {
    List<List<E>> out = new ArrayList<>();
    int n = list.size();
    if (n / 2 >= minSize && n >= 2) {
      out.add(List.copyOf(list.subList(0, n / 2)));
      out.add(List.copyOf(list.subList(n / 2, n)));
    }
    if (n - 1 >= minSize) {
      for (int i = 0; i < n; i++) {
        List<E> l = new ArrayList<>(list);
        l.remove(i);
        out.add(l);
      }
    }
    return out;
  }
}
