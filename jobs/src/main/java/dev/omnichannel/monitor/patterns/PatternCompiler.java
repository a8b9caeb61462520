package dev.omnichannel.monitor.patterns;

import dev.omnichannel.monitor.event.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;

/**
 * Compiles a {@link PatternDef} to a Flink CEP {@link Pattern} over {@link Event}s.
 *
 * <ul>
 *   <li>Matches never overlap: after a match, the next starts after its last event ({@code
 *       skipPastLastEvent}).
 *   <li>{@code within} is inclusive: the last event may come exactly {@code within} after the first
 *       (the CEP window is one millisecond longer, as CEP's is exclusive).
 *   <li>An absence step in the middle ("no PURCHASE within 1h after the cart") becomes a {@code
 *       notFollowedBy} whose condition only holds for events inside the absence window, repeated
 *       after every later step while the window may still be open; later steps also refuse such
 *       events. So "no X within T after A" holds exactly: no X in (A, A + T].
 *   <li>A trailing absence step becomes a trailing {@code notFollowedBy} with the pattern's window;
 *       the match is emitted when the window has passed. At the end of a bounded input the caller
 *       must drop matches whose window had not passed yet (see {@link PatternDef#absenceDeadline}).
 * </ul>
 */
public final class PatternCompiler {
  private PatternCompiler() {}

  /** A compiled pattern with what the matcher needs to interpret its matches. */
  public record CompiledPattern(
      PatternDef def, Pattern<Event, ?> pattern, List<String> eventSteps) {}

  public static CompiledPattern compile(PatternDef def) {
    List<StepDef> steps = def.steps();
    List<String> eventSteps = new ArrayList<>();
    List<Absence> open = new ArrayList<>();
    Pattern<Event, Event> p = null;
    for (int i = 0; i < steps.size(); i++) {
      StepDef s = steps.get(i);
      if (s.absent()) {
        Absence a = new Absence(s.where(), eventSteps.get(eventSteps.size() - 1), s.absentWithin());
        p = p.notFollowedBy(s.name()).where(new InAbsenceWindow(List.of(a)));
        if (a.window != null) {
          open.add(a);
        }
        continue;
      }
      if (p == null) {
        p = Pattern.<Event>begin(s.name(), AfterMatchSkipStrategy.skipPastLastEvent());
      } else {
        if (!open.isEmpty() && !steps.get(i - 1).absent()) {
          // keep the absence windows of earlier steps closed between this step and the previous one
          p = p.notFollowedBy(s.name() + "__absence").where(new InAbsenceWindow(open));
        }
        p =
            switch (s.contiguity()) {
              case NEXT -> p.next(s.name());
              case FOLLOWED_BY -> p.followedBy(s.name());
              case FOLLOWED_BY_ANY -> p.followedByAny(s.name());
            };
      }
      p =
          p.where(
              new StepCondition(s.where(), s.name(), List.copyOf(eventSteps), List.copyOf(open)));
      p = quantify(p, s);
      eventSteps.add(s.name());
    }
    p = p.within(def.within().plusMillis(1));
    return new CompiledPattern(def, p, List.copyOf(eventSteps));
  }

  private static Pattern<Event, Event> quantify(Pattern<Event, Event> p, StepDef s) {
    int min = Math.max(1, s.minTimes());
    Integer max = s.maxTimes();
    if (max == null) {
      p = p.timesOrMore(min);
    } else if (max > 1 || min > 1) {
      p = p.times(min, max);
    }
    if ((max == null || max > 1) && s.contiguity() == StepDef.Contiguity.NEXT) {
      p = p.consecutive();
    } else if ((max == null || max > 1) && s.contiguity() == StepDef.Contiguity.FOLLOWED_BY_ANY) {
      p = p.allowCombinations();
    }
    if (s.optional()) {
      p = p.optional();
    }
    return p;
  }

  /** An absence window: no event matching {@code what} within {@code window} after the anchor. */
  record Absence(Condition what, String anchorStep, Duration window)
      implements java.io.Serializable {
    boolean violatedBy(Event e, Context ctx) throws Exception {
      if (!what.test(e)) {
        return false;
      }
      if (window == null) {
        return true;
      }
      long anchor = Long.MIN_VALUE;
      for (Event a : ctx.getEventsForPattern(anchorStep)) {
        anchor = Math.max(anchor, a.eventTime);
      }
      return e.eventTime <= anchor + window.toMillis();
    }
  }

  private interface Context {
    Iterable<Event> getEventsForPattern(String name) throws Exception;
  }

  private static Context wrap(IterativeCondition.Context<Event> ctx) {
    return ctx::getEventsForPattern;
  }

  /** The condition of a negated step: the event falls in one of the absence windows. */
  static final class InAbsenceWindow extends IterativeCondition<Event> {
    private final List<Absence> absences;

    InAbsenceWindow(List<Absence> absences) {
      this.absences = List.copyOf(absences);
    }

    @Override
    public boolean filter(Event e, IterativeCondition.Context<Event> ctx) throws Exception {
      for (Absence a : absences) {
        if (a.violatedBy(e, wrap(ctx))) {
          return true;
        }
      }
      return false;
    }
  }

  /** The condition of a positive step, with the distinct-channel and open-absence checks. */
  static final class StepCondition extends IterativeCondition<Event> {
    private final Condition where;
    private final String self;
    private final List<String> earlierSteps;
    private final List<Absence> open;

    StepCondition(Condition where, String self, List<String> earlierSteps, List<Absence> open) {
      this.where = where;
      this.self = self;
      this.earlierSteps = earlierSteps;
      this.open = open;
    }

    @Override
    public boolean filter(Event e, IterativeCondition.Context<Event> ctx) throws Exception {
      if (!where.test(e)) {
        return false;
      }
      for (Absence a : open) {
        if (a.violatedBy(e, wrap(ctx))) {
          return false;
        }
      }
      if (where.distinctChannel()) {
        // channel ordinals (fewer than 64) as bits
        long seen = 0;
        for (String step : earlierSteps) {
          for (Event x : ctx.getEventsForPattern(step)) {
            seen |= 1L << x.channel;
          }
        }
        for (Event x : ctx.getEventsForPattern(self)) {
          seen |= 1L << x.channel;
        }
        return (seen & (1L << e.channel)) == 0;
      }
      return true;
    }
  }
}
