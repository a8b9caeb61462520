package dev.omnichannel.monitor.journey;

/** How a journey ended; see the contract's "Journeys" section. */
public enum JourneyStatus {
  /** Closed by a PURCHASE event, which it includes. */
  CONVERTED,
  /** No further event came within the inactivity gap (or the input ended at least that late). */
  ABANDONED,
  /** Closed by the max-events or max-duration bound; the next event starts a new journey. */
  TRUNCATED,
  /** The input ended before the inactivity gap had passed. */
  OPEN
}
