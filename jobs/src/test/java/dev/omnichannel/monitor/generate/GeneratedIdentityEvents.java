package dev.omnichannel.monitor.generate;

import dev.omnichannel.monitor.identity.IdentityKey;
import dev.omnichannel.monitor.identity.RandomIdentityEvents.Ev;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The identities of a generated data set's accepted events (usable, normalised; emails and phones
 * not pseudonymised, which changes no link), in (time, event id) order: input for the identity
 * resolver tests.
 */
public final class GeneratedIdentityEvents {
  private GeneratedIdentityEvents() {}

  /** The configurations the heavier generator checks run over. */
  public static List<GeneratorConfig> configurations() {
    return GeneratedData.configurations().toList();
  }

  /** Generates {@code cfg} under {@code parent} and returns its accepted events' identities. */
  public static List<Ev> generate(GeneratorConfig cfg, Path parent) throws IOException {
    GeneratedData data = GeneratedData.generate(cfg, parent);
    List<Ev> out = new ArrayList<>();
    for (GeneratedData.Rec r : data.accepted()) {
      List<IdentityKey> ids = r.usable();
      if (!ids.isEmpty()) {
        out.add(new Ev(r.eventId(), r.time(), ids));
      }
    }
    out.sort(
        (a, b) ->
            a.time() != b.time()
                ? Long.compare(a.time(), b.time())
                : a.eventId().compareTo(b.eventId()));
    return out;
  }
}
