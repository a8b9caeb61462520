package dev.omnichannel.monitor.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.testing.S3Server;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObjectStoreSmokeITCase {
  @TempDir Path tmp;

  @Test
  void writesAndReadsThroughThePlugin() throws Exception {
    try (S3Server s3 = S3Server.start(tmp.resolve("s3"), "lake")) {
      Configuration conf = new Configuration();
      conf.setString("s3.endpoint", s3.endpoint());
      conf.setString("s3.path.style.access", "true");
      conf.setString("s3.access-key", S3Server.ACCESS_KEY);
      conf.setString("s3.secret-key", S3Server.SECRET_KEY);
      conf.setString("s3.directory.marker.retention", "keep");
      ObjectStores.initialize(conf, Path.of("target/plugins"));
      org.apache.flink.core.fs.Path p = new org.apache.flink.core.fs.Path("s3://lake/x/hello.txt");
      FileSystem fs = p.getFileSystem();
      try (OutputStream out = fs.create(p, FileSystem.WriteMode.OVERWRITE)) {
        out.write("hi".getBytes(StandardCharsets.UTF_8));
      }
      assertThat(s3.keys("lake", "x/")).containsExactly("x/hello.txt");
      assertThat(fs.getFileStatus(p).getLen()).isEqualTo(2);
    }
  }
}
