package dev.omnichannel.monitor.generate;

import java.util.List;

/**
 * One generated person: persona, identities in use, time-ordered events, the index of the first
 * event of each episode (one episode is one journey) and the scenarios planted in its timeline.
 */
final class GenPerson {
  final int index;
  final Persona persona;
  final boolean anonymous;
  final List<GenEvent> events;
  final int[] episodeStarts;
  final List<PlantedSpec> planted;

  /** Unknown-enum extra events added to each episode after generation. */
  final int[] extraEvents;

  GenPerson(
      int index,
      Persona persona,
      boolean anonymous,
      List<GenEvent> events,
      int[] episodeStarts,
      List<PlantedSpec> planted) {
    this.index = index;
    this.persona = persona;
    this.anonymous = anonymous;
    this.events = events;
    this.episodeStarts = episodeStarts;
    this.planted = planted;
    this.extraEvents = new int[episodeStarts.length];
  }

  /** "P000001" for index 0. */
  String label() {
    return "P" + IdentityFactory.pad(index + 1L, 6);
  }

  int episodeEnd(int episode) {
    return episode + 1 < episodeStarts.length ? episodeStarts[episode + 1] : events.size();
  }
}
