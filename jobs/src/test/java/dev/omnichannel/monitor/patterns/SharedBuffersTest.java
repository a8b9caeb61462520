package dev.omnichannel.monitor.patterns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.event.Event;
import dev.omnichannel.monitor.event.EventSerializer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.cep.nfa.sharedbuffer.SharedBuffer;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

/**
 * The pattern engine's shared buffers get plain-map caches (that they give the same matches as
 * Flink CEP's own operator, with Guava caches, is shown by {@code PatternStageMatchesCepTest}).
 */
class SharedBuffersTest {
  /** Builds a buffer over the keyed state of its harness. */
  static final class Opener extends KeyedProcessFunction<String, Event, Event> {
    static boolean plain;

    @Override
    public void open(OpenContext ctx) throws Exception {
      SharedBuffer<Event> buffer =
          SharedBuffers.create(
              PrefixedStateStore.over(getRuntimeContext(), "test/"), EventSerializer.INSTANCE);
      plain = SharedBuffers.hasPlainCaches(buffer);
      buffer.releaseCacheStatisticsTimer();
    }

    @Override
    public void processElement(Event e, Context ctx, Collector<Event> out) {}
  }

  @Test
  void shouldReplaceTheGuavaCachesOfTheFlinkVersionInUse() throws Exception {
    Opener.plain = false;
    try (KeyedOneInputStreamOperatorTestHarness<String, Event, Event> h =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
            new Opener(), e -> e.personId, Types.STRING)) {
      h.open();
    }
    assertThat(Opener.plain)
        .as("SharedBuffer still has the private Guava cache fields this Flink version had")
        .isTrue();
  }

  @Test
  void plainCacheShouldKeepWhatWasPutUntilInvalidated() throws Exception {
    SharedBuffers.PlainCache<String, Integer> c = new SharedBuffers.PlainCache<>();
    c.put("a", 1);
    c.put("b", 2);
    c.put("a", 3);
    assertThat(c.getIfPresent("a")).isEqualTo(3);
    assertThat(c.getIfPresent("x")).isNull();
    assertThat(c.get("x", () -> 9)).isEqualTo(9);
    assertThat(c.size()).isEqualTo(3);
    c.invalidate("b");
    assertThat(c.asMap()).containsOnlyKeys("a", "x");
    c.invalidateAll();
    assertThat(c.asMap()).isEmpty();
    for (int i = 0; i < 1000; i++) {
      c.put("k" + i, i);
    }
    assertThat(c.asMap()).hasSize(1000);
    c.invalidateAll();
    assertThat(c.asMap()).isEmpty();
    assertThat(c.size()).isZero();
  }
}
