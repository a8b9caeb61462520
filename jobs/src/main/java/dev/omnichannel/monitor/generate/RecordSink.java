package dev.omnichannel.monitor.generate;

import java.io.Closeable;
import java.io.IOException;

/** Writes the records of one output file, in the order given. */
interface RecordSink extends Closeable {
  void write(OutRecord record) throws IOException;
}
