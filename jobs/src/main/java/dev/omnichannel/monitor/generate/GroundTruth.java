package dev.omnichannel.monitor.generate;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What a generated data set is known to contain: the true persons with their identities, journeys
 * and planted scenarios, the shared devices, and every planted bad record with the place it was
 * written to. Serialised as {@code ground-truth.json} with snake_case field names.
 *
 * @param endOfInputMs the largest event time over accepted events
 * @param badRatio the requested fraction of bad records
 */
public record GroundTruth(
    long seed,
    int customers,
    int days,
    String start,
    String format,
    boolean gzip,
    double badRatio,
    long endOfInputMs,
    Counts counts,
    List<Person> persons,
    List<SharedDevice> sharedDevices,
    List<BadRecord> badRecords,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<LegacyRow> legacyRows) {

  public GroundTruth {
    legacyRows = legacyRows == null ? List.of() : List.copyOf(legacyRows);
  }

  /** A ground truth without legacy exports. */
  public GroundTruth(
      long seed,
      int customers,
      int days,
      String start,
      String format,
      boolean gzip,
      double badRatio,
      long endOfInputMs,
      Counts counts,
      List<Person> persons,
      List<SharedDevice> sharedDevices,
      List<BadRecord> badRecords) {
    this(
        seed,
        customers,
        days,
        start,
        format,
        gzip,
        badRatio,
        endOfInputMs,
        counts,
        persons,
        sharedDevices,
        badRecords,
        List.of());
  }

  /**
   * Record counts; {@code records = acceptedEvents + duplicates + deadLetters}. Accepted events
   * include the unknown-enum events; out-of-order events are accepted events written out of order.
   */
  public record Counts(
      long records,
      long acceptedEvents,
      long duplicates,
      long deadLetters,
      long unknownEnumEvents,
      long placeholderIdentityEvents,
      long outOfOrder) {}

  /**
   * A true person.
   *
   * @param identities every identity the person uses, normalised (email trimmed and lower-cased,
   *     phone reduced to digits with its leading '+'), in namespace priority order; shared devices
   *     and placeholders are not listed
   */
  public record Person(
      String person,
      String persona,
      List<IdentityValue> identities,
      List<Journey> journeys,
      List<Planted> planted) {}

  /** A namespace and a value. */
  public record IdentityValue(String namespace, String value) {}

  /**
   * One journey under the default rules (30-day inactivity gap, 5,000 events, 90 days).
   *
   * @param status CONVERTED, ABANDONED or OPEN
   * @param conversionEventId the PURCHASE that closes a converted journey, else null
   * @param conversionValue its value, else null
   * @param touchChannels the channels of the journey's touches under the default rules (runs of the
   *     same channel with at most 30 minutes between events), in order
   * @param touchStartsMs the touches' start times, in order
   */
  public record Journey(
      String firstEventId,
      String lastEventId,
      long startMs,
      long endMs,
      int eventCount,
      String status,
      String conversionEventId,
      Double conversionValue,
      List<String> touchChannels,
      List<Long> touchStartsMs) {}

  /**
   * A planted journey pattern or friction.
   *
   * @param kind "journey" or "friction"
   * @param name the pattern or friction type, e.g. CART_ABANDONED
   * @param eventIds the evidence, in time order
   */
  public record Planted(String kind, String name, List<String> eventIds) {}

  /**
   * A device id used by two customers. The owner's earliest event on it comes first; every event of
   * the other person that carries it is a rejected link.
   */
  public record SharedDevice(
      String namespace, String value, String owner, String other, List<String> rejectedEventIds) {}

  /**
   * A planted bad record.
   *
   * @param file the file name within {@code events/}; null for Kafka
   * @param line the 1-based line (JSON Lines) or record index (Avro) within the file; for Kafka the
   *     record's offset
   * @param eventId the record's event id, or null when it has none that is usable
   * @param expected dead_letter, duplicate or accepted
   * @param reasonCode the dead-letter reason, else null
   * @param source for Kafka, the record's {@code kafka:<topic>/<partition>/<offset>}, which is the
   *     {@code source} of its dead letter; absent for files
   */
  public record BadRecord(
      String file,
      long line,
      String eventId,
      String kind,
      String expected,
      String reasonCode,
      @JsonInclude(JsonInclude.Include.NON_NULL) String source) {}

  /**
   * A row of a legacy export written next to the events ({@code legacy/<file>}, in the layout of
   * the example mapping of that name in {@code examples/mappings/}).
   *
   * @param file the export's file name within {@code legacy/}
   * @param line the row's 1-based line (a header is line 1)
   * @param eventId the event id its mapping gives the row; null for a row that does not fit
   * @param eventTimeMs the event time its mapping gives the row
   * @param person the true person, whose digital events carry the row's identity
   * @param digitalEventId the digital event the row mirrors (a call's CONTACT_START, a store
   *     PURCHASE, an EMAIL_OPEN or EMAIL_CLICK)
   * @param expected accepted or dead_letter
   * @param reason the dead letter's exact reason, else null
   */
  public record LegacyRow(
      String file,
      long line,
      String eventId,
      long eventTimeMs,
      String person,
      String digitalEventId,
      String expected,
      @JsonInclude(JsonInclude.Include.NON_NULL) String reason) {}

  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** Reads a {@code ground-truth.json}. */
  public static GroundTruth read(Path file) throws IOException {
    return MAPPER.readValue(file.toFile(), GroundTruth.class);
  }

  /** Writes this ground truth as JSON. */
  public void write(Path file) throws IOException {
    MAPPER.writeValue(file.toFile(), this);
  }

  /** The person with label {@code label}, e.g. P000001. */
  public Person person(String label) {
    for (Person p : persons) {
      if (p.person().equals(label)) {
        return p;
      }
    }
    throw new IllegalArgumentException("no person " + label);
  }
}
