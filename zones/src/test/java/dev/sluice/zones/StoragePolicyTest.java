package dev.sluice.zones;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class StoragePolicyTest {
  private static final StoragePolicy POLICY = policy();

  private static StoragePolicy policy() {
    ZoneLayout.Builder<StoragePolicy.ZoneStorage> zones = ZoneLayout.builder();
    StoragePolicy.ZoneStorage raw =
        new StoragePolicy.ZoneStorage("raw", StorageRoot.of("s3://lake/raw/"));
    StoragePolicy.ZoneStorage curated =
        new StoragePolicy.ZoneStorage("curated", StorageRoot.of("s3://lake/curated/"));
    zones.put(List.of("raw"), raw);
    zones.put(List.of("curated"), curated);
    return StoragePolicy.of(
        StorageRoot.of("s3://lake/warehouse"),
        List.of(StorageRoot.of("s3://shared/imports")),
        zones.build());
  }

  @Test
  void defaultLocationsFollowTheZone() {
    assertThat(POLICY.defaultLocation(List.of("raw"), "t")).isEqualTo("s3://lake/raw/raw/t");
    assertThat(POLICY.defaultLocation(List.of("raw", "eu"), "t"))
        .isEqualTo("s3://lake/raw/raw/eu/t");
    assertThat(POLICY.defaultLocation(List.of("scratch"), "t"))
        .isEqualTo("s3://lake/warehouse/scratch/t");
    // one level with a dot is not the nested namespace raw.eu: it is in no zone
    assertThat(POLICY.defaultLocation(List.of("raw.eu"), "t"))
        .isEqualTo("s3://lake/warehouse/raw.eu/t");
  }

  @Test
  void aZonedNamespaceStaysUnderItsRoot() {
    assertThat(POLICY.check(List.of("raw"), "raw.t", "location", "s3://lake/raw/x").canonical())
        .isEqualTo("s3://lake/raw/x");
    assertThatThrownBy(
            () -> POLICY.check(List.of("raw"), "raw.t", "location", "s3://lake/curated/x"))
        .isInstanceOf(LocationRefusedException.class)
        .hasMessageContaining("outside the storage root s3://lake/raw/ of zone 'raw'");
    // the warehouse does not help a zoned namespace
    assertThatThrownBy(
            () -> POLICY.check(List.of("raw"), "raw.t", "location", "s3://lake/warehouse/x"))
        .isInstanceOf(LocationRefusedException.class);
    assertThatThrownBy(
            () ->
                POLICY.check(
                    List.of("raw"), "raw.t", "property write.data.path", "s3://lake/raw/%2e%2e/x"))
        .isInstanceOf(LocationRefusedException.class)
        .hasMessageContaining("property write.data.path");
  }

  @Test
  void anUnzonedNamespaceUsesTheWarehouseOrAllowedRoots() {
    POLICY.check(List.of("scratch"), "scratch.t", "location", "s3://lake/warehouse/x");
    POLICY.check(List.of("scratch"), "scratch.t", "location", "s3://shared/imports/x");
    assertThatThrownBy(
            () -> POLICY.check(List.of("scratch"), "scratch.t", "location", "s3://lake/raw/x"))
        .isInstanceOf(LocationRefusedException.class)
        .hasMessageContaining("outside the allowed storage roots");
  }

  @Test
  void aTableNeedsAFolderBelowItsRoot() {
    assertThatThrownBy(() -> POLICY.checkEntityLocation(List.of("raw"), "raw.t", "s3://lake/raw/"))
        .hasMessageContaining("storage root itself");
    assertThatThrownBy(
            () ->
                POLICY.checkEntityLocation(List.of("scratch"), "scratch.t", "s3://shared/imports"))
        .hasMessageContaining("storage root");
    POLICY.checkEntityLocation(List.of("raw"), "raw.t", "s3://lake/raw/t");
  }

  @Test
  void managedLocationsAreUnderSomeRoot() {
    assertThat(POLICY.isManaged("s3://lake/raw/t/data/f.parquet")).isTrue();
    assertThat(POLICY.isManaged("s3://lake/curated/t")).isTrue();
    assertThat(POLICY.isManaged("s3://shared/imports/t")).isTrue();
    assertThat(POLICY.isManaged("s3://lake/other/t")).isFalse();
    assertThat(POLICY.isManaged("s3://lake/raw/../other/t")).isFalse();
    assertThat(POLICY.isManaged("file:/etc/passwd")).isFalse();
  }
}
