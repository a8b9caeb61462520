package dev.omnichannel.monitor.identity;

/**
 * An invalid identity-rules file. The message names the file, the field and what is wrong, e.g.
 * {@code rules.yaml: never_link[2][1]: not an identity (expected namespace:value, e.g.
 * email:a@x.com)}. It never repeats a raw identity value.
 */
public class IdentityRulesException extends IllegalArgumentException {
  private final String file;
  private final String field;

  public IdentityRulesException(String file, String field, String problem) {
    super(file + (field == null ? "" : ": " + field) + ": " + problem);
    this.file = file;
    this.field = field;
  }

  public String file() {
    return file;
  }

  public String field() {
    return field;
  }
}
