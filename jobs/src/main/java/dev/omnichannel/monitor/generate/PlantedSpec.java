package dev.omnichannel.monitor.generate;

/** A planted pattern or friction: its kind ("journey" or "friction"), name and evidence events. */
record PlantedSpec(String kind, String name, GenEvent[] events) {}
