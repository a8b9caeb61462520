package dev.omnichannel.monitor.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** The event serializer: every field survives, whatever is absent, in any text. */
class EventSerializerTest {
  private static final String[] TEXTS = {
    "",
    "e-0001",
    "cookie_id:ck_6995a7407e9fb0d2",
    "naïve café",
    "日本語テキスト",
    "emoji 😀 end",
    "x".repeat(300)
  };

  private static String text(Random r) {
    return TEXTS[r.nextInt(TEXTS.length)] + r.nextInt(1000);
  }

  private static String maybe(Random r) {
    return r.nextInt(3) == 0 ? null : text(r);
  }

  static Event random(Random r) {
    Event e = new Event();
    e.eventId = text(r);
    e.eventTime = r.nextLong();
    e.channel = (byte) r.nextInt(12);
    e.eventType = (byte) r.nextInt(21);
    e.identities = new String[r.nextInt(4)];
    for (int i = 0; i < e.identities.length; i++) {
      e.identities[i] = "ns" + i + ":" + text(r);
    }
    e.sessionId = maybe(r);
    e.sourceSystem = maybe(r);
    e.orderId = maybe(r);
    e.productId = maybe(r);
    e.currency = maybe(r);
    e.campaign = maybe(r);
    e.topic = maybe(r);
    e.outcome = maybe(r);
    e.value = r.nextBoolean() ? Double.NaN : r.nextGaussian() * 100;
    e.sentiment = r.nextBoolean() ? Double.NaN : -0.0;
    if (r.nextBoolean()) {
      e.attributes = new String[] {"a", text(r), "b", text(r)};
    }
    e.personId = maybe(r);
    e.journeyId = maybe(r);
    return e;
  }

  @Test
  void everyFieldShouldSurviveARoundTrip() throws Exception {
    Random r = new Random(7);
    DataOutputSerializer out = new DataOutputSerializer(64);
    for (int i = 0; i < 2_000; i++) {
      Event e = random(r);
      out.clear();
      EventSerializer.INSTANCE.serialize(e, out);
      Event back =
          EventSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
      assertThat(back).isEqualTo(e);
      assertThat(back.toString()).isEqualTo(e.toString());
      // copy() of the serialized form gives the same bytes
      DataOutputSerializer copied = new DataOutputSerializer(64);
      EventSerializer.INSTANCE.copy(new DataInputDeserializer(out.getCopyOfBuffer()), copied);
      assertThat(copied.getCopyOfBuffer()).isEqualTo(out.getCopyOfBuffer());
    }
  }

  @Test
  void flinkShouldFindTheSerializerForEvent() {
    assertThat(TypeInformation.of(Event.class)).isEqualTo(EventTypeInfo.INSTANCE);
  }
}
