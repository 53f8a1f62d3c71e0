package dev.sluice.zones;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StorageRootTest {

  @Test
  void containsLocationsBelowTheRoot() {
    StorageRoot root = new StorageRoot("s3://lake/raw");
    assertThat(root.location()).isEqualTo("s3://lake/raw/");
    assertThat(root.contains("s3://lake/raw/customers")).isTrue();
    assertThat(root.contains("s3://lake/raw/")).isTrue();
    assertThat(root.contains("s3://lake/raw")).isTrue();
    assertThat(root.contains("s3a://lake/raw/customers")).isTrue();
  }

  @Test
  void rejectsSiblingsWithACommonPrefixAndTraversal() {
    StorageRoot root = new StorageRoot("s3://lake/raw/");
    assertThat(root.contains("s3://lake/rawdata/t")).isFalse();
    assertThat(root.contains("s3://lake/raw/../curated/t")).isFalse();
    assertThat(root.contains("s3://other/raw/t")).isFalse();
    assertThat(root.contains("file:/lake/raw/t")).isFalse();
    assertThat(root.contains("not a uri ::")).isFalse();
  }

  @Test
  void treatsFileSpellingsAlike() {
    StorageRoot root = new StorageRoot("file:///var/lib/sluice/warehouse");
    assertThat(root.location()).isEqualTo("file:/var/lib/sluice/warehouse/");
    assertThat(root.contains("file:/var/lib/sluice/warehouse/ns/t")).isTrue();
    assertThat(root.contains("/var/lib/sluice/warehouse/ns/t")).isTrue();
    assertThat(root.contains("file:/var/lib/other")).isFalse();
    assertThat(root.resolve("ns/t")).isEqualTo("file:/var/lib/sluice/warehouse/ns/t");
  }

  @Test
  void refusesBlankOrSchemelessRoots() {
    assertThatThrownBy(() -> new StorageRoot(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new StorageRoot("lake/raw"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no scheme");
  }
}
