package dev.omnichannel.monitor.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.avro.DeadLetterRow;
import dev.omnichannel.monitor.event.Event;
import dev.omnichannel.monitor.event.EventSerializer;
import dev.omnichannel.monitor.flow.DecodeFunction;
import dev.omnichannel.monitor.identity.Pseudonymiser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * The invariant of every input record, checked by the fuzz tests: it ends as an accepted event or
 * as a dead letter with a reason, exactly as the job's {@link DecodeFunction} makes them, and
 * nothing on the way throws. An accepted event satisfies the decoder's rules and survives the job's
 * serializer unchanged; a dead letter has a reason of a known code with a detail, a source and a
 * payload.
 */
final class RecordInvariant {
  private static final Set<String> CODES =
      Arrays.stream(DeadLetterReason.values())
          .map(DeadLetterReason::code)
          .collect(Collectors.toUnmodifiableSet());

  private final ValidationRules rules = ValidationRules.defaults();
  private final Pseudonymiser pseudonymiser =
      new Pseudonymiser("fuzz-hmac-key-0123456789".getBytes(StandardCharsets.UTF_8));
  private final EventDecoder decoder = new EventDecoder(rules, pseudonymiser);
  private final PayloadRedactor redactor = new PayloadRedactor(pseudonymiser);
  private final EventSerializer serializer = EventSerializer.INSTANCE;
  private final DataOutputSerializer out = new DataOutputSerializer(256);

  /** Decodes one raw record as the job does and checks what it became; true when accepted. */
  boolean check(RawRecord raw) {
    assertThat(raw.source).as("source").isNotBlank();
    DecodeResult r = decoder.decode(raw);
    if (r.isAccepted()) {
      checkAccepted(r.event());
      return true;
    }
    assertThat(r.event()).isNull();
    checkReason(r.reason());
    DeadLetterRow dead = DecodeFunction.deadLetter(raw, r, redactor);
    assertThat(dead.getSource()).isEqualTo(raw.source);
    assertThat(dead.getReason()).isEqualTo(r.reason());
    assertThat(dead.getPayload()).isNotNull();
    assertThat(dead.getPayload().length()).isLessThanOrEqualTo(4 * RawRecord.MAX_PAYLOAD);
    return false;
  }

  /** A dead-letter reason: a known code, then ": " and a non-blank detail. */
  static void checkReason(String reason) {
    assertThat(reason).as("reason").isNotNull();
    int colon = reason.indexOf(": ");
    assertThat(colon).as("reason '%s' has a code and a detail", reason).isPositive();
    assertThat(CODES).as("code of '%s'", reason).contains(reason.substring(0, colon));
    assertThat(reason.substring(colon + 2)).as("detail of '%s'", reason).isNotBlank();
  }

  private void checkAccepted(Event e) {
    assertThat(e.eventId).isNotBlank();
    assertThat(e.eventId.length()).isLessThanOrEqualTo(EventDecoder.MAX_ID_LENGTH);
    assertThat(e.eventTime)
        .isBetween(rules.plausibleFrom().toEpochMilli(), rules.plausibleTo().toEpochMilli() - 1);
    assertThat(e.identities).isNotEmpty().doesNotHaveDuplicates();
    for (String id : e.identities) {
      int colon = id.indexOf(':');
      assertThat(colon).as("identity %s", id).isPositive();
      assertThat(id.substring(colon + 1)).as("identity %s", id).isNotEmpty();
    }
    assertThat(e.attributes.length % 2).isZero();
    assertThat(Double.isNaN(e.value) || Double.isFinite(e.value)).isTrue();
    assertThat(Double.isNaN(e.sentiment) || (e.sentiment >= -1 && e.sentiment <= 1)).isTrue();
    Event copy = roundTrip(e);
    assertThat(copy.eventId).isEqualTo(e.eventId);
    assertThat(copy.identities).containsExactly(e.identities);
    assertThat(copy.attributes).containsExactly(e.attributes);
    assertThat(copy.outcome).isEqualTo(e.outcome);
    assertThat(copy.sessionId).isEqualTo(e.sessionId);
  }

  /** The event after the job's serializer wrote and read it. */
  private Event roundTrip(Event e) {
    try {
      out.clear();
      serializer.serialize(e, out);
      return serializer.deserialize(
          new DataInputDeserializer(out.getSharedBuffer(), 0, out.length()));
    } catch (IOException x) {
      throw new UncheckedIOException(x);
    }
  }
}
