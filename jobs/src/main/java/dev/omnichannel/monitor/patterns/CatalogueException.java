package dev.omnichannel.monitor.patterns;

/**
 * An invalid pattern catalogue. The message names the file, the pattern, the field and what is
 * wrong, e.g. {@code my.yaml: pattern CART_ABANDONED: steps[1].within: '72x' is not a duration}.
 */
public class CatalogueException extends IllegalArgumentException {
  private final String file;
  private final String pattern;
  private final String field;

  public CatalogueException(String file, String pattern, String field, String problem) {
    super(
        file
            + (pattern == null ? "" : ": pattern " + pattern)
            + (field == null ? "" : ": " + field)
            + ": "
            + problem);
    this.file = file;
    this.pattern = pattern;
    this.field = field;
  }

  public String file() {
    return file;
  }

  public String pattern() {
    return pattern;
  }

  public String field() {
    return field;
  }
}
