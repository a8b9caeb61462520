package dev.omnichannel.monitor.io;

import java.io.IOException;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.xerial.snappy.Snappy;

/**
 * Snappy page compression for the Parquet writers, on heap arrays.
 *
 * <p>Parquet's own Snappy codec compresses through two direct buffers per open writer, grown to the
 * largest page it has seen and kept until the file closes. A {@code FileSink} keeps a writer open
 * per table, {@code dt=} partition and subtask (hundreds per subtask in a 90-day backfill), so
 * those buffers add up to gigabytes of direct memory: a TaskManager, whose direct memory is capped
 * at its off-heap budget, failed a 1M-event backfill with {@code OutOfMemoryError: Direct buffer
 * memory}. This compressor keeps nothing between pages: each page is compressed from one heap array
 * into another, which the next young collection frees. The bytes are the same (raw Snappy, as
 * Parquet writes it), so readers see no difference.
 *
 * <p>Writers only: decompression is not offered.
 */
public final class HeapSnappyCodecFactory implements CompressionCodecFactory {
  /** The one instance: it has no state. */
  public static final HeapSnappyCodecFactory INSTANCE = new HeapSnappyCodecFactory();

  private static final BytesInputCompressor SNAPPY =
      new BytesInputCompressor() {
        @Override
        public BytesInput compress(BytesInput bytes) throws IOException {
          byte[] in = bytes.toByteArray();
          if (in.length == 0) {
            return BytesInput.empty(); // as Parquet's codec: nothing, not Snappy's empty block
          }
          byte[] out = new byte[Snappy.maxCompressedLength(in.length)];
          int n = Snappy.compress(in, 0, in.length, out, 0);
          return BytesInput.from(out, 0, n);
        }

        @Override
        public CompressionCodecName getCodecName() {
          return CompressionCodecName.SNAPPY;
        }

        @Override
        public void release() {}
      };

  private HeapSnappyCodecFactory() {}

  @Override
  public BytesInputCompressor getCompressor(CompressionCodecName codec) {
    if (codec != CompressionCodecName.SNAPPY) {
      throw new IllegalArgumentException("only SNAPPY is supported, not " + codec);
    }
    return SNAPPY;
  }

  @Override
  public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
    throw new UnsupportedOperationException("a writer's codec factory: no decompression");
  }

  @Override
  public void release() {}
}
