package dev.omnichannel.monitor.io;

import static dev.omnichannel.monitor.event.EventRows.channelEvent;
import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.avro.Channel;
import dev.omnichannel.monitor.avro.ChannelEvent;
import dev.omnichannel.monitor.avro.EventType;
import dev.omnichannel.monitor.avro.Identity;
import dev.omnichannel.monitor.identity.Pseudonymiser;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventDecoderTest {
  private static final byte[] KEY = "test-key-0123456789".getBytes(StandardCharsets.UTF_8);
  private final Pseudonymiser pseudonymiser = new Pseudonymiser(KEY);
  private final EventDecoder decoder = new EventDecoder(ValidationRules.defaults(), pseudonymiser);

  private static final String GOOD =
      "{\"event_id\":\"e1\",\"event_time\":\"2026-01-05T10:00:00Z\",\"channel\":\"WEB\","
          + "\"event_type\":\"PRODUCT_VIEW\",\"identities\":[{\"namespace\":\"cookie_id\","
          + "\"value\":\"c-81\"}],\"product_id\":\"sku-1\"}";

  /**
   * A JSON escape of half a surrogate pair is not Unicode text: the events table, the dead letters
   * and the job's serializer all write '?' for it, so "v\\ud800" and "v\\udbff" became one
   * identity.
   */
  @Test
  void anUnpairedSurrogateEscapeIsAMalformedRecord() {
    DecodeResult id = decoder.decode(GOOD.replace("\"e1\"", "\"e1\\ud800\""));
    assertThat(id.isAccepted()).isFalse();
    assertThat(id.reason())
        .isEqualTo(
            "malformed_record: event_id has an unpaired surrogate escape (\\ud800-\\udfff): not"
                + " Unicode text");
    assertThat(id.eventId()).isNull();
    assertThat(id.eventTime()).isEqualTo(Instant.parse("2026-01-05T10:00:00Z").toEpochMilli());
    assertThat(decoder.decode(GOOD.replace("c-81", "c-81\\udc00")).reason())
        .startsWith("malformed_record: identities has an unpaired surrogate");
    assertThat(decoder.decode(GOOD.replace("sku-1", "\\udbffsku")).reason())
        .startsWith("malformed_record: product_id has an unpaired surrogate");
    assertThat(decoder.decode(GOOD.replace("\"WEB\"", "\"W\\ud800\"")).reason())
        .startsWith("malformed_record: channel has an unpaired surrogate");
    // a whole pair, escaped or not, is text
    DecodeResult pair = decoder.decode(GOOD.replace("c-81", "c-81\\ud83d\\ude00\uD83D\uDE00"));
    assertThat(pair.isAccepted()).isTrue();
    assertThat(channelEvent(pair.event()).getIdentities().get(0).getValue())
        .isEqualTo("c-81\uD83D\uDE00\uD83D\uDE00");
  }

  /** An unknown channel is kept, clipped to 200 chars: never between the two halves of a pair. */
  @Test
  void aClippedUnknownChannelKeepsWholeSurrogatePairs() {
    String channel = "x".repeat(199) + "\uD83D\uDE00" + "tail";
    DecodeResult r = decoder.decode(GOOD.replace("\"WEB\"", "\"" + channel + "\""));
    assertThat(r.isAccepted()).isTrue();
    assertThat(channelEvent(r.event()).getAttributes())
        .containsEntry("raw_channel", "x".repeat(199) + "…");
  }

  @Test
  void shouldDecodeTheDesignExample() {
    DecodeResult r = decoder.decode(GOOD);
    assertThat(r.isAccepted()).isTrue();
    ChannelEvent e = channelEvent(r.event());
    assertThat(e.getEventId()).isEqualTo("e1");
    assertThat(e.getEventTime()).isEqualTo(Instant.parse("2026-01-05T10:00:00Z"));
    assertThat(e.getChannel()).isEqualTo(Channel.WEB);
    assertThat(e.getEventType()).isEqualTo(EventType.PRODUCT_VIEW);
    assertThat(e.getIdentities()).containsExactly(new Identity("cookie_id", "c-81"));
    assertThat(e.getProductId()).isEqualTo("sku-1");
    assertThat(e.getAttributes()).isEmpty();
    assertThat(e.getValue()).isNull();
  }

  @Test
  void shouldAcceptEpochMillisAndIsoInstants() {
    DecodeResult millis = decoder.decode(GOOD.replace("\"2026-01-05T10:00:00Z\"", "1767607200000"));
    assertThat(channelEvent(millis.event()).getEventTime())
        .isEqualTo(Instant.parse("2026-01-05T10:00:00Z"));
    DecodeResult iso =
        decoder.decode(GOOD.replace("2026-01-05T10:00:00Z", "2026-01-05T10:00:00.123Z"));
    assertThat(channelEvent(iso.event()).getEventTime().toEpochMilli()).isEqualTo(1767607200123L);
  }

  @Test
  void shouldPseudonymiseEmailAndPhoneAfterNormalising() {
    String line =
        GOOD.replace(
            "[{\"namespace\":\"cookie_id\",\"value\":\"c-81\"}]",
            "[{\"namespace\":\"email\",\"value\":\" Jane.Doe@Example.COM \"},"
                + "{\"namespace\":\"phone\",\"value\":\"+1 (555) 010-1234\"}]");
    ChannelEvent e = channelEvent(decoder.decode(line).event());
    assertThat(e.getIdentities())
        .containsExactly(
            new Identity("email", pseudonymiser.hmacHex("jane.doe@example.com")),
            new Identity("phone", pseudonymiser.hmacHex("+15550101234")));
    assertThat(e.toString()).doesNotContain("Jane", "jane", "555");
  }

  @Test
  void shouldMapUnknownEnumsToOtherAndKeepTheOriginal() {
    ChannelEvent e =
        channelEvent(
            decoder
                .decode(GOOD.replace("\"WEB\"", "\"SMART_TV\"").replace("PRODUCT_VIEW", "HOVER"))
                .event());
    assertThat(e.getChannel()).isEqualTo(Channel.OTHER);
    assertThat(e.getEventType()).isEqualTo(EventType.OTHER);
    assertThat(e.getAttributes())
        .containsEntry("raw_channel", "SMART_TV")
        .containsEntry("raw_event_type", "HOVER");
  }

  @Test
  void shouldDefaultMissingEnumsToOtherWithoutRawValue() {
    ChannelEvent e =
        channelEvent(
            decoder
                .decode(
                    GOOD.replace("\"channel\":\"WEB\",", "")
                        .replace("\"event_type\":\"PRODUCT_VIEW\",", ""))
                .event());
    assertThat(e.getChannel()).isEqualTo(Channel.OTHER);
    assertThat(e.getEventType()).isEqualTo(EventType.OTHER);
    assertThat(e.getAttributes()).isEmpty();
  }

  @Test
  void shouldDropPlaceholderIdentitiesButKeepTheRest() {
    String line =
        GOOD.replace(
            "[{\"namespace\":\"cookie_id\",\"value\":\"c-81\"}]",
            "[{\"namespace\":\"email\",\"value\":\"unknown\"},{\"namespace\":\"customer_id\","
                + "\"value\":\"0\"},{\"namespace\":\"cookie_id\",\"value\":\"c-81\"},"
                + "{\"namespace\":\"cookie_id\",\"value\":\"c-81\"}]");
    assertThat(channelEvent(decoder.decode(line).event()).getIdentities())
        .containsExactly(new Identity("cookie_id", "c-81"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "truncated JSON | {\"event_id\":\"e1\",\"event_ti | malformed_record",
        "not an object | [1,2,3] | malformed_record",
        "plain text | hello | malformed_record",
        "missing event_id | {\"event_time\":1767607200000,\"identities\":[{\"namespace\":\"cookie_id\",\"value\":\"c\"}]} | missing_field",
        "empty event_id | {\"event_id\":\"\",\"event_time\":1767607200000,\"identities\":[{\"namespace\":\"cookie_id\",\"value\":\"c\"}]} | missing_field",
        "null event_id | {\"event_id\":null,\"event_time\":1767607200000,\"identities\":[{\"namespace\":\"cookie_id\",\"value\":\"c\"}]} | missing_field",
        "object event_id | {\"event_id\":{},\"event_time\":1767607200000,\"identities\":[{\"namespace\":\"cookie_id\",\"value\":\"c\"}]} | invalid_field",
        "missing event_time | {\"event_id\":\"e1\",\"identities\":[{\"namespace\":\"cookie_id\",\"value\":\"c\"}]} | missing_field",
        "unparseable event_time | {\"event_id\":\"e1\",\"event_time\":\"yesterday\",\"identities\":[{\"namespace\":\"cookie_id\",\"value\":\"c\"}]} | invalid_field",
        "fractional event_time | {\"event_id\":\"e1\",\"event_time\":1.5,\"identities\":[{\"namespace\":\"cookie_id\",\"value\":\"c\"}]} | invalid_field",
        "year 1970 | {\"event_id\":\"e1\",\"event_time\":1000,\"identities\":[{\"namespace\":\"cookie_id\",\"value\":\"c\"}]} | implausible_event_time",
        "year 2999 | {\"event_id\":\"e1\",\"event_time\":\"2999-01-01T00:00:00Z\",\"identities\":[{\"namespace\":\"cookie_id\",\"value\":\"c\"}]} | implausible_event_time",
        "missing identities | {\"event_id\":\"e1\",\"event_time\":1767607200000} | missing_field",
        "identities not an array | {\"event_id\":\"e1\",\"event_time\":1767607200000,\"identities\":\"c\"} | invalid_field",
        "empty identities | {\"event_id\":\"e1\",\"event_time\":1767607200000,\"identities\":[]} | no_usable_identity",
        "only placeholders | {\"event_id\":\"e1\",\"event_time\":1767607200000,\"identities\":[{\"namespace\":\"cookie_id\",\"value\":\"undefined\"},{\"namespace\":\"device_id\",\"value\":\"00000000\"}]} | no_usable_identity",
        "identity without value | {\"event_id\":\"e1\",\"event_time\":1767607200000,\"identities\":[{\"namespace\":\"cookie_id\"}]} | no_usable_identity",
        "NaN value | {\"event_id\":\"e1\",\"event_time\":1767607200000,\"identities\":[{\"namespace\":\"cookie_id\",\"value\":\"c\"}],\"value\":NaN} | invalid_value",
        "huge value | {\"event_id\":\"e1\",\"event_time\":1767607200000,\"identities\":[{\"namespace\":\"cookie_id\",\"value\":\"c\"}],\"value\":1e300} | invalid_value",
        "infinite value | {\"event_id\":\"e1\",\"event_time\":1767607200000,\"identities\":[{\"namespace\":\"cookie_id\",\"value\":\"c\"}],\"value\":1e999} | invalid_value",
        "text value | {\"event_id\":\"e1\",\"event_time\":1767607200000,\"identities\":[{\"namespace\":\"cookie_id\",\"value\":\"c\"}],\"value\":\"lots\"} | invalid_field",
        "sentiment out of range | {\"event_id\":\"e1\",\"event_time\":1767607200000,\"identities\":[{\"namespace\":\"cookie_id\",\"value\":\"c\"}],\"sentiment\":7.5} | invalid_value",
        "attributes not an object | {\"event_id\":\"e1\",\"event_time\":1767607200000,\"identities\":[{\"namespace\":\"cookie_id\",\"value\":\"c\"}],\"attributes\":[1]} | invalid_field"
      })
  void shouldRejectWithTheRightReason(String name, String payload, String code) {
    DecodeResult r = decoder.decode(payload);
    assertThat(r.isAccepted()).as(name).isFalse();
    assertThat(DeadLetterReason.codeOf(r.reason())).as(r.reason()).isEqualTo(code);
  }

  @Test
  void shouldReportEventIdAndTimeWhenReadable() {
    DecodeResult r =
        decoder.decode(
            "{\"event_id\":\"e9\",\"event_time\":1767607200000,\"identities\":[],\"value\":1}");
    assertThat(r.eventId()).isEqualTo("e9");
    assertThat(r.eventTime()).isEqualTo(1767607200000L);
    assertThat(r.reason())
        .isEqualTo("no_usable_identity: 0 identities, none usable (empty or placeholder values)");
  }

  @Test
  void aRecordWithoutAnEventIdShouldKeepItsReadableTimeButNotAnAbsurdOne() {
    DecodeResult missing =
        decoder.decode(
            "{\"event_time\":1767607200000,\"identities\":[{\"namespace\":\"cookie_id\",\"value\":\"c\"}]}");
    assertThat(missing.isAccepted()).isFalse();
    assertThat(missing.reason()).isEqualTo("missing_field: event_id");
    assertThat(missing.eventTime()).isEqualTo(1767607200000L);
    DecodeResult empty =
        decoder.decode("{\"event_id\":\" \",\"event_time\":\"2026-01-05T10:00:00Z\"}");
    assertThat(empty.eventTime()).isEqualTo(1767607200000L);
    assertThat(decoder.decode("{\"event_time\":32503680000000}").eventTime())
        .as("year 3000 is not plausible")
        .isNull();
    assertThat(decoder.decode("{\"event_time\":\"soon\"}").eventTime()).isNull();
  }

  @Test
  void shouldRejectOversizedStringsAndIds() {
    String longId = "x".repeat(EventDecoder.MAX_ID_LENGTH + 1);
    assertThat(decoder.decode(GOOD.replace("\"e1\"", "\"" + longId + "\"")).reason())
        .startsWith("invalid_field: event_id longer than 256");
    String longSku = "s".repeat(EventDecoder.MAX_STRING_LENGTH + 1);
    assertThat(decoder.decode(GOOD.replace("sku-1", longSku)).reason())
        .isEqualTo("invalid_field: product_id longer than 4096 chars");
  }

  @Test
  void shouldPassReaderErrorsThrough() {
    RawRecord raw =
        new RawRecord("f:1", "x", DeadLetterReason.RECORD_TOO_LARGE.with("2000000 bytes"));
    assertThat(decoder.decode(raw).reason()).isEqualTo("record_too_large: 2000000 bytes");
  }

  @Test
  void shouldHonourAConfiguredPlausibleRangeAndBlockedValues() {
    EventDecoder strict =
        new EventDecoder(
            new ValidationRules(
                Instant.parse("2026-01-06T00:00:00Z"),
                Instant.parse("2027-01-01T00:00:00Z"),
                List.of("c-81"),
                100),
            pseudonymiser);
    assertThat(strict.decode(GOOD).reason()).startsWith("implausible_event_time");
    String later = GOOD.replace("2026-01-05", "2026-02-05");
    assertThat(strict.decode(later).reason()).startsWith("no_usable_identity");
  }

  @Test
  void blockedValuesOfOneNamespaceDropOnlyThatNamespacesIdentity() {
    java.util.Map<String, java.util.Set<String>> perNamespace =
        java.util.Map.of(
            "device_id",
            java.util.Set.of("shared-kiosk"),
            "email",
            java.util.Set.of(pseudonymiser.hmacHex("test@example.com")));
    EventDecoder d =
        new EventDecoder(
            new ValidationRules(
                ValidationRules.DEFAULT_FROM,
                ValidationRules.DEFAULT_TO,
                List.of(),
                1e12,
                perNamespace),
            pseudonymiser);
    String line =
        GOOD.replace(
            "[{\"namespace\":\"cookie_id\",\"value\":\"c-81\"}]",
            "[{\"namespace\":\"device_id\",\"value\":\" Shared-Kiosk \"},"
                + "{\"namespace\":\"cookie_id\",\"value\":\"shared-kiosk\"},"
                + "{\"namespace\":\"Email\",\"value\":\"TEST@example.com\"},"
                + "{\"namespace\":\"email\",\"value\":\"jane@example.com\"}]");
    assertThat(channelEvent(d.decode(line).event()).getIdentities())
        .containsExactly(
            new Identity("cookie_id", "shared-kiosk"),
            new Identity("email", pseudonymiser.hmacHex("jane@example.com")));
    // an event whose only identity is blocked in its namespace is a dead letter
    String only =
        GOOD.replace(
            "[{\"namespace\":\"cookie_id\",\"value\":\"c-81\"}]",
            "[{\"namespace\":\"device_id\",\"value\":\"SHARED-KIOSK\"}]");
    assertThat(d.decode(only).reason()).startsWith("no_usable_identity");
    assertThat(decoder.decode(only).isAccepted()).isTrue();
  }
}
