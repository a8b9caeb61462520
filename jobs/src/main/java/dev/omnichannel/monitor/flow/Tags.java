package dev.omnichannel.monitor.flow;

import dev.omnichannel.monitor.avro.DeadLetterRow;
import dev.omnichannel.monitor.avro.EventRow;
import dev.omnichannel.monitor.avro.IdentityMergeRow;
import dev.omnichannel.monitor.profile.PersonProfile;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.OutputTag;

/** The job's side outputs and broadcast descriptors, kept in one place. */
public final class Tags {
  public static final OutputTag<DeadLetterRow> DEAD_LETTERS =
      new OutputTag<>("dead-letters", TypeInformation.of(DeadLetterRow.class));
  public static final OutputTag<IdentityMergeRow> IDENTITY_MERGES =
      new OutputTag<>("identity-merges", TypeInformation.of(IdentityMergeRow.class));
  public static final OutputTag<EventRow> EVENTS =
      new OutputTag<>("events", TypeInformation.of(EventRow.class));

  /**
   * The identity stage's part of the persons' profiles: each person's identities per namespace (its
   * canonical identity not included) and rejected identity pairs, as {@link PersonProfile} deltas
   * that add up.
   */
  public static final OutputTag<PersonProfile> PERSON_IDENTITIES =
      new OutputTag<>("person-identities", TypeInformation.of(PersonProfile.class));

  public static final OutputTag<JourneyPath> JOURNEY_PATHS =
      new OutputTag<>("journey-paths", TypeInformation.of(JourneyPath.class));
  public static final OutputTag<PathCredit> PATH_CREDITS =
      new OutputTag<>("path-credits", TypeInformation.of(PathCredit.class));

  /** Broadcast state holding the end of input (largest accepted event time) under key "end". */
  public static final MapStateDescriptor<String, Long> END_OF_INPUT =
      new MapStateDescriptor<>("end-of-input", Types.STRING, Types.LONG);

  /** Keeps the largest time seen in the {@link #END_OF_INPUT} broadcast state. */
  public static void updateEndOfInput(
      org.apache.flink.api.common.state.BroadcastState<String, Long> state, long maxTime)
      throws Exception {
    Long current = state.get("end");
    if (current == null || maxTime > current) {
      state.put("end", maxTime);
    }
  }

  private Tags() {}
}
