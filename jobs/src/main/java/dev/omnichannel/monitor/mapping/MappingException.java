package dev.omnichannel.monitor.mapping;

/**
 * An invalid mapping file. The message is {@code file: field: problem}, e.g. {@code calls.yaml:
 * fields.channel.constant: VOIC is not a channel (expected one of WEB, ...)}.
 */
public class MappingException extends IllegalArgumentException {
  public MappingException(String file, String field, String problem) {
    super(file + (field == null ? "" : ": " + field) + ": " + problem);
  }
}
