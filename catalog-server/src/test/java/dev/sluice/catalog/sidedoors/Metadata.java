package dev.sluice.catalog.sidedoors;

import org.apache.iceberg.GenericStatisticsFile;
import org.apache.iceberg.ImmutableGenericPartitionStatisticsFile;
import org.apache.iceberg.MetadataUpdate;
import org.apache.iceberg.SnapshotParser;

/** Metadata updates that name files, as a client would send them. */
final class Metadata {
  static final long SNAPSHOT_ID = 4242L;

  private Metadata() {}

  static MetadataUpdate addSnapshot(String manifestList) {
    return addSnapshot(SNAPSHOT_ID, manifestList);
  }

  static MetadataUpdate addSnapshot(long id, String manifestList) {
    return new MetadataUpdate.AddSnapshot(
        SnapshotParser.fromJson(
            "{\"snapshot-id\":"
                + id
                + ",\"sequence-number\":1,\"timestamp-ms\":"
                + System.currentTimeMillis()
                + ",\"summary\":{\"operation\":\"append\"},\"manifest-list\":"
                + Caller.toJson(manifestList)
                + ",\"schema-id\":0}"));
  }

  static MetadataUpdate setStatistics(long snapshotId, String path) {
    return new MetadataUpdate.SetStatistics(
        new GenericStatisticsFile(snapshotId, path, 100, 10, java.util.List.of()));
  }

  static MetadataUpdate setPartitionStatistics(long snapshotId, String path) {
    return new MetadataUpdate.SetPartitionStatistics(
        ImmutableGenericPartitionStatisticsFile.builder()
            .snapshotId(snapshotId)
            .path(path)
            .fileSizeInBytes(100)
            .build());
  }
}
