package dev.omnichannel.monitor.journey;

import java.io.Serializable;

/**
 * A maximal run of consecutive journey events with the same dimension value, each at most the visit
 * timeout after the previous one.
 *
 * @param dimensionValue the channel (or campaign) of the run
 * @param startTime the first event's time (epoch milliseconds)
 * @param endTime the last event's time (epoch milliseconds)
 * @param eventCount the number of events in the run
 */
public record Touch(String dimensionValue, long startTime, long endTime, int eventCount)
    implements Serializable {}
