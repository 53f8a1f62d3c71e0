package dev.sluice.catalog.asof;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.HistoryEntry;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.StaticTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.util.SnapshotUtil;

/**
 * A table's past as one of its metadata files records it. The snapshot current at a time comes from
 * the snapshot log, the history of the main branch, as Iceberg's time travel reads it ({@link
 * SnapshotUtil#nullableSnapshotIdAsOfTime}): after a rollback the snapshot rolled back to is the
 * current one, however much newer another snapshot is. Nothing here reads a file.
 */
final class TableHistory {
  private final TableMetadata metadata;
  private final String metadataLocation;
  private final Table table;

  /**
   * @param metadataLocation the file {@code metadata} was read from
   */
  TableHistory(String name, TableMetadata metadata, String metadataLocation, FileIO io) {
    this.metadata = metadata;
    this.metadataLocation = metadataLocation;
    this.table = new BaseTable(new StaticTableOperations(metadata, io), name);
  }

  TableMetadata metadata() {
    return metadata;
  }

  String metadataLocation() {
    return metadataLocation;
  }

  /** The id of the main branch's snapshot at {@code time}, if it had one then. */
  Optional<Long> snapshotIdAt(Instant time) {
    return Optional.ofNullable(SnapshotUtil.nullableSnapshotIdAsOfTime(table, time.toEpochMilli()));
  }

  /** The snapshot, if the table still keeps it. */
  Optional<Snapshot> snapshot(long id) {
    return Optional.ofNullable(metadata.snapshot(id));
  }

  /** The schema the snapshot was written with. */
  Schema schemaOf(long snapshotId) {
    return SnapshotUtil.schemaFor(table, snapshotId);
  }

  /**
   * The metadata file that was the table's current one at {@code time}, by the files' last-updated
   * times: this file or one of the earlier files it lists; empty when the list no longer reaches
   * back that far ({@code write.metadata.previous-versions-max}).
   */
  Optional<String> metadataFileAt(Instant time) {
    long at = time.toEpochMilli();
    if (metadata.lastUpdatedMillis() <= at) {
      return Optional.of(metadataLocation);
    }
    String found = null;
    for (TableMetadata.MetadataLogEntry entry : metadata.previousFiles()) {
      if (entry.timestampMillis() <= at) {
        found = entry.file();
      }
    }
    return Optional.ofNullable(found);
  }

  /** Why no snapshot was current at {@code time}, for a 404's message. */
  String noSnapshotAt(Instant time, String name) {
    List<HistoryEntry> log = new ArrayList<>(table.history());
    if (log.isEmpty()) {
      return "Table " + name + " has no snapshot: nothing was ever written to its main branch";
    }
    HistoryEntry first = log.get(0);
    String text =
        "Table "
            + name
            + " had no snapshot at "
            + time
            + ": its main branch's history starts at "
            + Instant.ofEpochMilli(first.timestampMillis())
            + " (snapshot "
            + first.snapshotId()
            + ")";
    Snapshot oldest = metadata.snapshot(first.snapshotId());
    if (oldest != null
        && oldest.parentId() != null
        && metadata.snapshot(oldest.parentId()) == null) {
      text += "; older snapshots were expired";
    }
    return text;
  }
}
