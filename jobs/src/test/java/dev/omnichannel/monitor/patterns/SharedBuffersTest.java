package dev.omnichannel.monitor.patterns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.event.Event;
import dev.omnichannel.monitor.event.EventSerializer;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
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
  void plainCacheShouldBehaveAsAMapBeforeAndAfterItOutgrowsItsArrays() {
    for (int n :
        new int[] {3, SharedBuffers.PlainCache.SMALL, 5 * SharedBuffers.PlainCache.SMALL}) {
      SharedBuffers.PlainCache<String, Integer> c = new SharedBuffers.PlainCache<>();
      Map<String, Integer> expected = new HashMap<>();
      Random rnd = new Random(n);
      for (int i = 0; i < 20 * n; i++) {
        // equal but not identical keys, as the shared buffer builds them
        String k = new String("k" + rnd.nextInt(n + 2));
        switch (rnd.nextInt(4)) {
          case 0, 1 -> {
            c.put(k, i);
            expected.put(k, i);
          }
          case 2 -> {
            c.invalidate(k);
            expected.remove(k);
          }
          default -> assertThat(c.getIfPresent(k)).isEqualTo(expected.get(k));
        }
        assertThat(c.size()).isEqualTo(expected.size());
        assertThat(c.asMap()).isEqualTo(expected);
      }
      Map<String, Integer> flushed = new HashMap<>();
      flushed.putAll(c.asMap());
      assertThat(flushed).isEqualTo(expected);
      c.asMap().entrySet().removeIf(e -> e.getValue() % 2 == 0);
      expected.entrySet().removeIf(e -> e.getValue() % 2 == 0);
      assertThat(c.asMap()).isEqualTo(expected);
      c.invalidateAll();
      assertThat(c.asMap()).isEmpty();
      assertThat(c.size()).isZero();
      assertThat(c.getIfPresent("k0")).isNull();
      c.put("again", 1);
      assertThat(c.asMap()).isEqualTo(Map.of("again", 1));
    }
  }
}
