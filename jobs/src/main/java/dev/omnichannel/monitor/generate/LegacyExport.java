package dev.omnichannel.monitor.generate;

/**
 * The legacy exports the generator can write next to the events ({@code legacy/<file>}), each in
 * the layout of an example mapping of {@code examples/mappings/} (also in the jar, under {@code
 * mappings/}).
 */
public enum LegacyExport {
  /** The contact centre's call log (CSV), one row per VOICE call. */
  CONTACT_CENTRE("contact-centre-calls.csv", "contact-centre.yaml", "contact-centre"),
  /** The tills' receipts (fixed width), one line per store purchase with a loyalty card. */
  POS("pos-receipts.txt", "pos-receipts.yaml", "pos"),
  /** The e-mail service provider's activity (TSV), one row per e-mail opened or clicked. */
  ESP("esp-activity.tsv", "esp-activity.yaml", "esp");

  /** The directory of the exports within the generator's output directory. */
  public static final String DIR = "legacy";

  /** The export's file name. */
  public final String file;

  /** The example mapping that reads it. */
  public final String mapping;

  /** The {@code source_system} its mapping gives every event. */
  public final String sourceSystem;

  LegacyExport(String file, String mapping, String sourceSystem) {
    this.file = file;
    this.mapping = mapping;
    this.sourceSystem = sourceSystem;
  }

  /** The mapping's classpath resource, as the jar ships it. */
  public String resource() {
    return "/mappings/" + mapping;
  }
}
