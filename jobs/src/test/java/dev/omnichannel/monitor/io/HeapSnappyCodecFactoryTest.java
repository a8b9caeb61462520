package dev.omnichannel.monitor.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.omnichannel.monitor.event.Event;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The heap Snappy compressor writes the same bytes as Parquet's own, without direct buffers. */
class HeapSnappyCodecFactoryTest {

  @Test
  void aPageShouldCompressToParquetsOwnSnappyBytes() throws IOException {
    CodecFactory parquet = new CodecFactory(new Configuration(), 1 << 20);
    try {
      CompressionCodecFactory.BytesInputCompressor own =
          parquet.getCompressor(CompressionCodecName.SNAPPY);
      for (int size : new int[] {0, 1, 100, 65_536, 1_500_000}) {
        byte[] page = new byte[size];
        for (int i = 0; i < size; i++) {
          page[i] = (byte) ((i * 31 + i / 7) % 97); // compressible, not trivially
        }
        byte[] ours =
            HeapSnappyCodecFactory.INSTANCE
                .getCompressor(CompressionCodecName.SNAPPY)
                .compress(BytesInput.from(page))
                .toByteArray();
        assertThat(ours)
            .as("page of %d bytes", size)
            .isEqualTo(own.compress(BytesInput.from(page)).toByteArray());
        if (size > 1000) {
          assertThat(ours.length).isLessThan(size);
        }
      }
    } finally {
      parquet.release();
    }
  }

  @Test
  void theEventsFileShouldBeByteForByteTheFileOfParquetsCodec(@TempDir Path tmp) throws Exception {
    List<Event> events = EventWriteSupportTest.randomEvents(20_000, 7);
    Path ours = tmp.resolve("ours.parquet");
    Path theirs = tmp.resolve("theirs.parquet");
    ParquetTestFiles.write(ours, ParquetWriters.events(ParquetWriters.forTable("events")), events);
    ParquetWriters.Settings settings = ParquetWriters.forTable("events");
    CodecFactory parquet = new CodecFactory(new Configuration(), settings.pageSize());
    try (ParquetWriter<Event> w =
        settings
            .applyTo(new TestBuilder(new LocalOutputFile(theirs)))
            .withCodecFactory(parquet)
            .build()) {
      for (Event e : events) {
        w.write(e);
      }
    }
    assertThat(Files.readAllBytes(ours)).isEqualTo(Files.readAllBytes(theirs));
    try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(ours))) {
      for (BlockMetaData b : r.getFooter().getBlocks()) {
        for (ColumnChunkMetaData c : b.getColumns()) {
          assertThat(c.getCodec()).isEqualTo(CompressionCodecName.SNAPPY);
        }
      }
    }
  }

  @Test
  void openWritersShouldHoldNoDirectMemory(@TempDir Path tmp) throws Exception {
    // as a FileSink does: many partitions' writers open at once, each past its first pages
    List<Event> events = EventWriteSupportTest.randomEvents(3_000, 11);
    BufferPoolMXBean direct =
        ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
            .filter(b -> b.getName().equals("direct"))
            .findFirst()
            .orElseThrow();
    long before = direct.getMemoryUsed();
    List<ParquetWriter<Event>> open = new ArrayList<>();
    try {
      ParquetWriters.Settings settings = ParquetWriters.forTable("events");
      for (int i = 0; i < 40; i++) {
        ParquetWriter<Event> w =
            settings
                .applyTo(new TestBuilder(new LocalOutputFile(tmp.resolve(i + ".parquet"))))
                // pages are compressed while the file is open
                .withPageSize(64 * 1024)
                .withPageRowCountLimit(1_000)
                .build();
        open.add(w);
        for (Event e : events) {
          w.write(e);
        }
      }
      // Parquet's own codec keeps two direct buffers per writer, grown to its largest page
      assertThat(direct.getMemoryUsed() - before).isLessThan(1 << 20);
    } finally {
      for (ParquetWriter<Event> w : open) {
        w.close();
      }
    }
  }

  @Test
  void otherCodecsAndDecompressionShouldBeRefused() {
    assertThatThrownBy(
            () -> HeapSnappyCodecFactory.INSTANCE.getCompressor(CompressionCodecName.GZIP))
        .hasMessageContaining("GZIP");
    assertThatThrownBy(
            () -> HeapSnappyCodecFactory.INSTANCE.getDecompressor(CompressionCodecName.SNAPPY))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  private static final class TestBuilder extends ParquetWriter.Builder<Event, TestBuilder> {
    TestBuilder(LocalOutputFile out) {
      super(out);
    }

    @Override
    protected TestBuilder self() {
      return this;
    }

    @Override
    protected org.apache.parquet.hadoop.api.WriteSupport<Event> getWriteSupport(
        Configuration conf) {
      return new EventWriteSupport();
    }
  }
}
