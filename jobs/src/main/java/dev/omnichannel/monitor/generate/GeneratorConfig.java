package dev.omnichannel.monitor.generate;

import java.time.LocalDate;
import java.util.Locale;
import java.util.Objects;

/**
 * Settings of one {@code generate} run. Validated on construction: an invalid value throws an
 * {@link IllegalArgumentException} naming the field and the value.
 *
 * @param customers number of simulated customers (1..10,000,000); ignored when {@code targetEvents}
 *     is set
 * @param days length of the simulated period in days (1..3650)
 * @param seed seed of every random choice; the same configuration gives byte-identical output
 * @param start first UTC day of the period
 * @param format output encoding
 * @param gzip gzip-compress JSON Lines files (JSONL only)
 * @param badRatio fraction of broken records among all records written (0..0.5)
 * @param groundTruth whether {@code ground-truth.json} is written
 * @param targetEvents approximate total number of records wanted; 0 for none. When set, the number
 *     of customers is derived from it
 */
public record GeneratorConfig(
    int customers,
    int days,
    long seed,
    LocalDate start,
    Format format,
    boolean gzip,
    double badRatio,
    boolean groundTruth,
    long targetEvents) {

  public static final int MAX_CUSTOMERS = 10_000_000;
  public static final int MAX_DAYS = 3650;
  public static final double MAX_BAD_RATIO = 0.5;
  public static final long MAX_TARGET_EVENTS = 1_000_000_000L;

  /** First and last-plus-one day of the plausible event-time range of the design contract. */
  public static final LocalDate PLAUSIBLE_FROM = LocalDate.of(2000, 1, 1);

  public static final LocalDate PLAUSIBLE_TO = LocalDate.of(2100, 1, 1);

  /** Output encodings. */
  public enum Format {
    JSONL,
    AVRO,
    /** Avro binary ChannelEvents as Kafka record values (see {@code KafkaTarget}). */
    KAFKA;

    /** Lower-case name, as given on the command line and written to the ground truth. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** File name extension, without the dot. */
    public String extension(boolean gzip) {
      if (this == KAFKA) {
        throw new IllegalStateException("Kafka output has no files");
      }
      return this == AVRO ? "avro" : gzip ? "jsonl.gz" : "jsonl";
    }
  }

  public GeneratorConfig {
    if (customers < 1 || customers > MAX_CUSTOMERS) {
      throw new IllegalArgumentException(
          "customers must be between 1 and " + MAX_CUSTOMERS + ", got " + customers);
    }
    if (days < 1 || days > MAX_DAYS) {
      throw new IllegalArgumentException(
          "days must be between 1 and " + MAX_DAYS + ", got " + days);
    }
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(format, "format");
    if (start.isBefore(PLAUSIBLE_FROM) || start.plusDays(days).isAfter(PLAUSIBLE_TO)) {
      throw new IllegalArgumentException(
          "start "
              + start
              + " with days "
              + days
              + " leaves the plausible event-time range "
              + PLAUSIBLE_FROM
              + " to "
              + PLAUSIBLE_TO);
    }
    if (gzip && format != Format.JSONL) {
      throw new IllegalArgumentException("gzip applies to jsonl only, got format " + format);
    }
    if (!(badRatio >= 0 && badRatio <= MAX_BAD_RATIO)) {
      throw new IllegalArgumentException(
          "badRatio must be between 0 and " + MAX_BAD_RATIO + ", got " + badRatio);
    }
    if (targetEvents < 0 || targetEvents > MAX_TARGET_EVENTS) {
      throw new IllegalArgumentException(
          "targetEvents must be between 0 and " + MAX_TARGET_EVENTS + ", got " + targetEvents);
    }
  }

  /** 1000 customers, 60 days from 2026-01-01, seed 42, JSON Lines, no broken records. */
  public static GeneratorConfig defaults() {
    return new GeneratorConfig(
        1000, 60, 42L, LocalDate.of(2026, 1, 1), Format.JSONL, false, 0.0, true, 0L);
  }

  public GeneratorConfig withCustomers(int value) {
    return new GeneratorConfig(
        value, days, seed, start, format, gzip, badRatio, groundTruth, targetEvents);
  }

  public GeneratorConfig withDays(int value) {
    return new GeneratorConfig(
        customers, value, seed, start, format, gzip, badRatio, groundTruth, targetEvents);
  }

  public GeneratorConfig withSeed(long value) {
    return new GeneratorConfig(
        customers, days, value, start, format, gzip, badRatio, groundTruth, targetEvents);
  }

  public GeneratorConfig withStart(LocalDate value) {
    return new GeneratorConfig(
        customers, days, seed, value, format, gzip, badRatio, groundTruth, targetEvents);
  }

  public GeneratorConfig withFormat(Format value, boolean gzipValue) {
    return new GeneratorConfig(
        customers, days, seed, start, value, gzipValue, badRatio, groundTruth, targetEvents);
  }

  public GeneratorConfig withBadRatio(double value) {
    return new GeneratorConfig(
        customers, days, seed, start, format, gzip, value, groundTruth, targetEvents);
  }

  public GeneratorConfig withGroundTruth(boolean value) {
    return new GeneratorConfig(
        customers, days, seed, start, format, gzip, badRatio, value, targetEvents);
  }

  public GeneratorConfig withTargetEvents(long value) {
    return new GeneratorConfig(
        customers, days, seed, start, format, gzip, badRatio, groundTruth, value);
  }
}
