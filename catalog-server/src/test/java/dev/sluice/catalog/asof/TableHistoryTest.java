package dev.sluice.catalog.asof;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableMetadataParser;
import org.junit.jupiter.api.Test;

/**
 * The snapshot, schema and metadata file of a table at a time, from metadata as Iceberg writes it:
 * three appends (the second after a schema change) and a rollback to the second.
 */
class TableHistoryTest {
  private static final String CURRENT = "file:/lake/shop/orders/metadata/00004.metadata.json";

  private static final String SCHEMAS =
      """
      "current-schema-id": 1, "last-column-id": 2,
      "schemas": [
        {"type": "struct", "schema-id": 0, "fields": [
          {"id": 1, "name": "id", "required": false, "type": "long"}]},
        {"type": "struct", "schema-id": 1, "fields": [
          {"id": 1, "name": "id", "required": false, "type": "long"},
          {"id": 2, "name": "name", "required": false, "type": "string"}]}],
      "default-spec-id": 0, "partition-specs": [{"spec-id": 0, "fields": []}],
      "last-partition-id": 999, "default-sort-order-id": 0,
      "sort-orders": [{"order-id": 0, "fields": []}], "properties": {},
      """;

  private static TableHistory rolledBack() {
    String json =
        """
        {"format-version": 2, "table-uuid": "0b6f7c64-3f4b-4bb4-9c1a-8d1e2f3a4b5c",
         "location": "file:/lake/shop/orders", "last-sequence-number": 3,
         "last-updated-ms": 4000,
         %s
         "current-snapshot-id": 1002,
         "refs": {"main": {"snapshot-id": 1002, "type": "branch"}},
         "snapshots": [
           {"snapshot-id": 1001, "sequence-number": 1, "timestamp-ms": 1000, "schema-id": 0,
            "manifest-list": "file:/lake/shop/orders/metadata/snap-1001.avro",
            "summary": {"operation": "append"}},
           {"snapshot-id": 1002, "parent-snapshot-id": 1001, "sequence-number": 2,
            "timestamp-ms": 2000, "schema-id": 1,
            "manifest-list": "file:/lake/shop/orders/metadata/snap-1002.avro",
            "summary": {"operation": "append"}},
           {"snapshot-id": 1003, "parent-snapshot-id": 1002, "sequence-number": 3,
            "timestamp-ms": 3000, "schema-id": 1,
            "manifest-list": "file:/lake/shop/orders/metadata/snap-1003.avro",
            "summary": {"operation": "append"}}],
         "snapshot-log": [
           {"timestamp-ms": 1000, "snapshot-id": 1001},
           {"timestamp-ms": 2000, "snapshot-id": 1002},
           {"timestamp-ms": 3000, "snapshot-id": 1003},
           {"timestamp-ms": 4000, "snapshot-id": 1002}],
         "metadata-log": [
           {"timestamp-ms": 500, "metadata-file": "file:/lake/shop/orders/metadata/00000.metadata.json"},
           {"timestamp-ms": 1000, "metadata-file": "file:/lake/shop/orders/metadata/00001.metadata.json"},
           {"timestamp-ms": 2000, "metadata-file": "file:/lake/shop/orders/metadata/00002.metadata.json"},
           {"timestamp-ms": 3000, "metadata-file": "file:/lake/shop/orders/metadata/00003.metadata.json"}]}
        """
            .formatted(SCHEMAS);
    TableMetadata metadata = TableMetadataParser.fromJson(CURRENT, json);
    return new TableHistory("shop.orders", metadata, CURRENT, null);
  }

  private static Instant at(long millis) {
    return Instant.ofEpochMilli(millis);
  }

  @Test
  void theSnapshotOfTheMainBranchAtEachTime() {
    TableHistory history = rolledBack();

    assertThat(history.snapshotIdAt(at(999))).isEmpty();
    assertThat(history.snapshotIdAt(at(1000))).contains(1001L);
    assertThat(history.snapshotIdAt(at(1999))).contains(1001L);
    assertThat(history.snapshotIdAt(at(2000))).contains(1002L);
    assertThat(history.snapshotIdAt(at(3500))).contains(1003L);
    // after the rollback the older snapshot is current again, though 1003 is newer
    assertThat(history.snapshotIdAt(at(4000))).contains(1002L);
    assertThat(history.snapshotIdAt(at(90_000))).contains(1002L);
  }

  @Test
  void eachSnapshotHasTheSchemaItWasWrittenWith() {
    TableHistory history = rolledBack();

    assertThat(history.schemaOf(1001).schemaId()).isEqualTo(0);
    assertThat(history.schemaOf(1001).findField("name")).isNull();
    assertThat(history.schemaOf(1003).schemaId()).isEqualTo(1);
    assertThat(history.schemaOf(1003).findField("name")).isNotNull();
  }

  @Test
  void theMetadataFileCurrentAtATimeComesFromTheMetadataLog() {
    TableHistory history = rolledBack();

    assertThat(history.metadataFileAt(at(499))).isEmpty();
    assertThat(history.metadataFileAt(at(1500))).contains(metadata(1));
    assertThat(history.metadataFileAt(at(3000))).contains(metadata(3));
    assertThat(history.metadataFileAt(at(3999))).contains(metadata(3));
    assertThat(history.metadataFileAt(at(4000))).contains(CURRENT);
  }

  @Test
  void noSnapshotBeforeTheFirstSaysWhereHistoryStarts() {
    assertThat(rolledBack().noSnapshotAt(at(999), "shop.orders"))
        .contains("had no snapshot at 1970-01-01T00:00:00.999Z")
        .contains("starts at 1970-01-01T00:00:01Z (snapshot 1001)")
        .doesNotContain("expired");
  }

  @Test
  void historyCutByExpirySaysSo() {
    String json =
        """
        {"format-version": 2, "table-uuid": "0b6f7c64-3f4b-4bb4-9c1a-8d1e2f3a4b5c",
         "location": "file:/lake/shop/orders", "last-sequence-number": 3,
         "last-updated-ms": 3000,
         %s
         "current-snapshot-id": 1003,
         "refs": {"main": {"snapshot-id": 1003, "type": "branch"}},
         "snapshots": [
           {"snapshot-id": 1003, "parent-snapshot-id": 1002, "sequence-number": 3,
            "timestamp-ms": 3000, "schema-id": 1,
            "manifest-list": "file:/lake/shop/orders/metadata/snap-1003.avro",
            "summary": {"operation": "append"}}],
         "snapshot-log": [{"timestamp-ms": 3000, "snapshot-id": 1003}],
         "metadata-log": []}
        """
            .formatted(SCHEMAS);
    TableHistory expired =
        new TableHistory("shop.orders", TableMetadataParser.fromJson(CURRENT, json), CURRENT, null);

    assertThat(expired.snapshotIdAt(at(2500))).isEmpty();
    assertThat(expired.noSnapshotAt(at(2500), "shop.orders"))
        .contains("(snapshot 1003)")
        .contains("older snapshots were expired");
  }

  private static String metadata(int n) {
    return "file:/lake/shop/orders/metadata/0000" + n + ".metadata.json";
  }
}
