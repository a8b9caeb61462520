package dev.omnichannel.monitor.io;

import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Renders Avro records as the JSON text that {@link EventDecoder} reads, so that one decoder serves
 * every encoding (Avro container files, Kafka Avro binary, JSON Lines).
 *
 * <p>The record must have been read without logical-type conversions (a plain {@code
 * GenericDatumReader}): {@code event_time} is then a number of epoch milliseconds, enums are their
 * symbols, optional fields that are absent are {@code null}, and NaN or infinite doubles are
 * written as {@code NaN} / {@code Infinity}, which the decoder accepts and then rejects as invalid
 * values.
 */
public final class AvroJson {
  private AvroJson() {}

  /** The record as JSON text. */
  public static String render(GenericRecord record) {
    return GenericData.get().toString(record);
  }
}
