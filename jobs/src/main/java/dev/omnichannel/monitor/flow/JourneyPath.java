package dev.omnichannel.monitor.flow;

import dev.omnichannel.monitor.journey.Journey;
import dev.omnichannel.monitor.journey.Touch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A closed journey as attribution sees it: its touches and how it ended. CONVERTED journeys are
 * converting paths; ABANDONED ones are non-converting paths. A Flink POJO.
 */
public class JourneyPath {
  public String journeyId;
  public String personId;

  /** The closing PURCHASE; null for an ABANDONED journey. */
  public String conversionEventId;

  /** The conversion time, or the last event's time of an ABANDONED journey. */
  public long endTime;

  /** The conversion value; null when not converted or without a value. */
  public Double value;

  public boolean converted;

  /** The touches' dimension values, in order. */
  public String[] touches;

  /** The touches' start times, in order. */
  public long[] touchStarts;

  /** The attribution window's key (see {@code AttributionWindows}); set by the window step. */
  public long window;

  public JourneyPath() {}

  /** The path of a CONVERTED or ABANDONED journey. */
  public static JourneyPath of(Journey<?> j) {
    JourneyPath p = new JourneyPath();
    p.journeyId = j.journeyId();
    p.personId = j.personId();
    p.converted = j.converted();
    p.conversionEventId = j.conversionEventId();
    p.endTime = j.endTime();
    p.value = j.conversionValue();
    List<Touch> touches = j.touches();
    p.touches = new String[touches.size()];
    p.touchStarts = new long[touches.size()];
    for (int i = 0; i < touches.size(); i++) {
      p.touches[i] = touches.get(i).dimensionValue();
      p.touchStarts[i] = touches.get(i).startTime();
    }
    return p;
  }

  /** The touches as {@link Touch}es (end time and event count are not kept). */
  public List<Touch> touchList() {
    List<Touch> out = new ArrayList<>(touches.length);
    for (int i = 0; i < touches.length; i++) {
      out.add(new Touch(touches[i], touchStarts[i], touchStarts[i], 1));
    }
    return out;
  }

  /** The touches joined by {@code " > "}. */
  public String path() {
    return String.join(" > ", touches);
  }

  /** The key that groups the journeys of one window with the same path. */
  public String windowPathKey() {
    return window + "|" + path();
  }

  @Override
  public String toString() {
    return journeyId + " " + Arrays.toString(touches) + (converted ? " converted" : " abandoned");
  }
}
