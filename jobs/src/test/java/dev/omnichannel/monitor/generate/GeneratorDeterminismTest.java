package dev.omnichannel.monitor.generate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.generate.GeneratorConfig.Format;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Same configuration, same bytes; another seed, other data. */
class GeneratorDeterminismTest {
  @TempDir Path tmp;

  private static final GeneratorConfig SMALL =
      GeneratorConfig.defaults().withCustomers(150).withDays(45).withBadRatio(0.1);

  @Test
  void shouldWriteIdenticalBytesForTheSameSeed() throws IOException {
    for (GeneratorConfig cfg :
        List.of(
            SMALL, SMALL.withFormat(Format.JSONL, true), SMALL.withFormat(Format.AVRO, false))) {
      Path a = tmp.resolve(cfg.format() + "-" + cfg.gzip() + "-a");
      Path b = tmp.resolve(cfg.format() + "-" + cfg.gzip() + "-b");
      Generator.generate(cfg, a);
      Generator.generate(cfg, b);
      List<Path> filesA = GeneratedData.files(a);
      List<Path> filesB = GeneratedData.files(b);
      assertThat(filesA).hasSizeGreaterThan(30);
      assertThat(filesA.stream().map(p -> p.getFileName().toString()))
          .containsExactlyElementsOf(filesB.stream().map(p -> p.getFileName().toString()).toList());
      for (int i = 0; i < filesA.size(); i++) {
        assertThat(Files.readAllBytes(filesA.get(i)))
            .as(filesA.get(i).toString())
            .isEqualTo(Files.readAllBytes(filesB.get(i)));
      }
      assertThat(Files.readAllBytes(a.resolve("ground-truth.json")))
          .isEqualTo(Files.readAllBytes(b.resolve("ground-truth.json")));
    }
  }

  @Test
  void shouldWriteDifferentDataForAnotherSeed() throws IOException {
    GroundTruth a = Generator.generate(SMALL, tmp.resolve("a"));
    GroundTruth b = Generator.generate(SMALL.withSeed(43), tmp.resolve("b"));
    assertThat(b.persons()).isNotEqualTo(a.persons());
    assertThat(Files.readAllBytes(GeneratedData.files(tmp.resolve("b")).get(0)))
        .isNotEqualTo(Files.readAllBytes(GeneratedData.files(tmp.resolve("a")).get(0)));
  }

  @Test
  void shouldRemoveStaleEventFilesAndHonourNoGroundTruth() throws IOException {
    Path out = tmp.resolve("out");
    Generator.generate(SMALL.withDays(40), out);
    Generator.generate(SMALL.withDays(20).withGroundTruth(false), out);
    assertThat(GeneratedData.files(out))
        .allSatisfy(p -> assertThat(p.getFileName().toString()).isLessThan("events-2026-01-21"));
    assertThat(out.resolve("ground-truth.json")).doesNotExist();
  }

  @Test
  void shouldDeriveCustomersFromTheTargetNumberOfEvents() throws IOException {
    GeneratorConfig cfg = GeneratorConfig.defaults().withTargetEvents(20_000).withBadRatio(0.2);
    GroundTruth truth = Generator.generate(cfg, tmp.resolve("target"));
    assertThat(truth.customers()).isEqualTo(Generator.customersFor(cfg)).isBetween(500, 3000);
    assertThat(truth.counts().records()).isBetween(18_000L, 22_000L);
  }
}
