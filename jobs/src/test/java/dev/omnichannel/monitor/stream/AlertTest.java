package dev.omnichannel.monitor.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnichannel.monitor.flow.Alert;
import dev.omnichannel.monitor.patterns.PatternMatch;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertTest {
  private static PatternMatch match(String pattern, String... eventIds) {
    PatternMatch m = new PatternMatch();
    m.pattern = pattern;
    m.kind = "FRICTION";
    m.severity = "HIGH";
    m.personId = "p-1";
    m.journeyId = "j-1";
    m.firstEventTime = 1000;
    m.lastEventTime = 2000;
    m.eventIds = eventIds;
    m.channels = new String[] {"WEB", "CHAT"};
    return m;
  }

  @Test
  void shouldWriteSnakeCaseJsonWithAStableIdempotencyKey() throws Exception {
    Alert a = Alert.of(match("REPEAT_CONTACT", "e1", "e2"), List.of("WEB", "CHAT"));
    JsonNode json = new ObjectMapper().readTree(a.toJson());
    assertThat(json.fieldNames())
        .toIterable()
        .containsExactly(
            "alert_id",
            "kind",
            "type",
            "severity",
            "person_id",
            "journey_id",
            "detected_at",
            "evidence_event_ids",
            "channels",
            "recent_channels");
    assertThat(json.get("detected_at").asText()).isEqualTo("1970-01-01T00:00:02Z");
    assertThat(Alert.fromJson(a.toJson())).isEqualTo(a);
    assertThat(a.alertId())
        .startsWith("a-")
        .hasSize(18)
        .isEqualTo(Alert.of(match("REPEAT_CONTACT", "e1", "e2"), List.of()).alertId())
        .isNotEqualTo(Alert.of(match("REPEAT_CONTACT", "e1", "e3"), List.of()).alertId())
        .isNotEqualTo(Alert.of(match("CHANNEL_HOP", "e1", "e2"), List.of()).alertId());
  }
}
