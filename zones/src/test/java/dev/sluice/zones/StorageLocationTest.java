package dev.sluice.zones;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StorageLocationTest {
  private static final StorageRoot RAW = StorageRoot.of("s3://lake/raw/");
  private static final StorageRoot LOCAL = StorageRoot.of("file:/srv/lake/intake");

  @Test
  void canonicalSpellings() {
    assertThat(StorageLocation.parse("s3://lake/raw/t").canonical()).isEqualTo("s3://lake/raw/t");
    assertThat(StorageLocation.parse("s3://lake/raw//t/").canonical()).isEqualTo("s3://lake/raw/t");
    assertThat(StorageLocation.parse("s3a://lake/raw/t").canonical()).isEqualTo("s3://lake/raw/t");
    assertThat(StorageLocation.parse("file:///srv/x").canonical()).isEqualTo("file:/srv/x");
    assertThat(StorageLocation.parse("file://localhost/srv/x").canonical())
        .isEqualTo("file:/srv/x");
    assertThat(StorageLocation.parse("/srv/x").canonical()).isEqualTo("file:/srv/x");
  }

  @Test
  void containmentIsOnSegmentBoundaries() {
    assertThat(RAW.contains("s3://lake/raw/customers")).isTrue();
    assertThat(RAW.contains("s3://lake/raw")).isTrue();
    assertThat(RAW.contains("s3a://lake/raw/customers/data/f.parquet")).isTrue();
    assertThat(RAW.contains("s3://lake/raw-x/t")).isFalse();
    assertThat(RAW.contains("s3://lake/rawdata/t")).isFalse();
    assertThat(RAW.contains("s3://lake/")).isFalse();
  }

  @Test
  void schemeAndBucketMustMatch() {
    assertThat(RAW.contains("s3://other/raw/t")).isFalse();
    assertThat(RAW.contains("s3://LAKE/raw/t")).isFalse();
    assertThat(RAW.contains("file:/lake/raw/t")).isFalse();
    assertThat(RAW.contains("gs://lake/raw/t")).isFalse();
    assertThat(RAW.contains("s3://lake.evil/raw/t")).isFalse();
    assertThat(LOCAL.contains("s3://srv/lake/intake/t")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "s3://lake/raw/../curated/t",
        "s3://lake/raw/./t",
        "s3://lake/raw/%2e%2e/curated/t",
        "s3://lake/raw/%2E%2E/curated/t",
        "s3://lake/raw/%2e%2E/curated/t",
        "s3://lake/raw/.%2e/curated/t",
        "s3://lake/raw/%2e./curated/t",
        "s3://lake/raw/%252e%252e/curated/t",
        "s3://lake/raw/%25252e%25252e/curated/t",
        "s3://lake/raw/a%2f..%2fb",
        "s3://lake/raw/a%2F%2E%2E%2Fb",
        "s3://lake/raw/..",
        "s3://lake/raw/%2e%2e",
        "s3://lake/raw/a\\..\\b",
        "s3://lake/raw/a%5c..%5cb",
        "s3://lake/raw/t?x=1",
        "s3://lake/raw/t#frag",
        "s3://lake/raw/t%00",
        "s3://lake/raw/t\u0000x",
        "s3://lake/raw/t\nx",
        "s3://user@lake/raw/t",
        "s3://lake:9000/raw/t",
        "s3:///raw/t",
        "s3://lake/raw/%zz",
        "s3://lake/raw/%2",
        "s3://lake/raw/%c3%28",
        " s3://lake/raw/t",
        "s3://lake/raw/t ",
        "file://evil/srv/lake/intake/t",
        "S3://lake/raw/t",
        "File:/srv/lake/intake/t",
        "file:relative/path",
        "lake/raw/t",
        "",
      })
  void refusesAmbiguousOrEscapingLocations(String location) {
    assertThatThrownBy(() -> StorageLocation.parse(location))
        .isInstanceOf(InvalidLocationException.class);
    assertThat(RAW.contains(location)).isFalse();
    assertThat(LOCAL.contains(location)).isFalse();
  }

  @Test
  void theIssuesExampleIsRefused() {
    String escape = "file:/srv/lake/intake/%2e%2e/%2e%2e/x";
    assertThat(LOCAL.contains(escape)).isFalse();
    assertThatThrownBy(() -> StorageLocation.parse(escape))
        .hasMessageContaining("'..' segment once percent-decoded");
  }

  @Test
  void bothReadingsOfAnEncodedPathMustLieBelowTheRoot() {
    // S3 reads "ra%77" literally (outside raw/); a file system would decode it to "raw"
    assertThat(RAW.contains("s3://lake/ra%77/t")).isFalse();
    // an encoded character that both readings keep below the root is fine
    assertThat(RAW.contains("s3://lake/raw/a%20b")).isTrue();
    assertThat(RAW.contains("s3://lake/raw/a b")).isTrue();
  }

  @Test
  void overlapIsEitherWay() {
    StorageLocation a = StorageLocation.parse("s3://lake/raw/a");
    StorageLocation ab = StorageLocation.parse("s3://lake/raw/a/b");
    StorageLocation ax = StorageLocation.parse("s3://lake/raw/ax");
    assertThat(a.overlaps(ab)).isTrue();
    assertThat(ab.overlaps(a)).isTrue();
    assertThat(a.overlaps(a)).isTrue();
    assertThat(a.overlaps(ax)).isFalse();
  }

  @Test
  void resolveChecksTheChild() {
    assertThat(RAW.resolve("ns/t")).isEqualTo("s3://lake/raw/ns/t");
    assertThat(LOCAL.resolve("ns/t")).isEqualTo("file:/srv/lake/intake/ns/t");
    assertThatThrownBy(() -> RAW.resolve("ns/..")).isInstanceOf(InvalidLocationException.class);
  }

  @Test
  void messagesShowControlCharactersEscaped() {
    assertThatThrownBy(() -> StorageLocation.parse("s3://lake/\u0007"))
        .hasMessageContaining("\\u0007");
  }
}
