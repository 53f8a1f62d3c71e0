package dev.sluice.catalog;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.deletes.EqualityDeleteWriter;
import org.apache.iceberg.deletes.PositionDelete;
import org.apache.iceberg.deletes.PositionDeleteWriter;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.rest.RESTCatalog;

/**
 * Writes Parquet data and delete files the way an engine would, and reads back what a reader of a
 * snapshot sees, for tests of rewrites.
 */
public final class TableWrites {
  private TableWrites() {}

  /** An unpartitioned v2 table. */
  public static Table create(RESTCatalog client, TableIdentifier name, Schema schema) {
    return client.createTable(
        name, schema, PartitionSpec.unpartitioned(), Map.of("format-version", "2"));
  }

  /** Names for new files of the table. */
  public static OutputFileFactory files(Table table) {
    return OutputFileFactory.builderFor(table, 1, System.nanoTime())
        .format(FileFormat.PARQUET)
        .build();
  }

  /** Appends the rows as one data file in one commit; the file. */
  public static DataFile append(Table table, Record... rows) throws IOException {
    GenericFileWriterFactory writers =
        new GenericFileWriterFactory.Builder(table).dataFileFormat(FileFormat.PARQUET).build();
    DataWriter<Record> writer =
        writers.newDataWriter(files(table).newOutputFile(), table.spec(), null);
    try (writer) {
      for (Record row : rows) {
        writer.write(row);
      }
    }
    DataFile file = writer.toDataFile();
    table.newAppend().appendFile(file).commit();
    return file;
  }

  /** An equality delete file on column {@code id} for one value (not committed). */
  public static DeleteFile equalityDelete(Table table, long id) throws IOException {
    Schema key = table.schema().select("id");
    GenericFileWriterFactory writers =
        new GenericFileWriterFactory.Builder(table)
            .deleteFileFormat(FileFormat.PARQUET)
            .equalityFieldIds(new int[] {table.schema().findField("id").fieldId()})
            .equalityDeleteRowSchema(key)
            .build();
    EqualityDeleteWriter<Record> writer =
        writers.newEqualityDeleteWriter(files(table).newOutputFile(), table.spec(), null);
    try (writer) {
      Record row = GenericRecord.create(key);
      row.setField("id", id);
      writer.write(row);
    }
    return writer.toDeleteFile();
  }

  /** A position delete file for one row of {@code file} (not committed). */
  public static DeleteFile positionDelete(Table table, DataFile file, long position)
      throws IOException {
    GenericFileWriterFactory writers =
        new GenericFileWriterFactory.Builder(table).deleteFileFormat(FileFormat.PARQUET).build();
    PositionDeleteWriter<Record> writer =
        writers.newPositionDeleteWriter(files(table).newOutputFile(), table.spec(), null);
    try (writer) {
      writer.write(PositionDelete.<Record>create().set(file.location(), position));
    }
    return writer.toDeleteFile();
  }

  /** The ids (column {@code id}) a reader of {@code snapshot} sees, deletes applied, in order. */
  public static Set<Long> ids(Table table, long snapshot) throws IOException {
    Set<Long> ids = new TreeSet<>();
    try (CloseableIterable<Record> rows =
        IcebergGenerics.read(table).useSnapshot(snapshot).build()) {
      rows.forEach(row -> ids.add((Long) row.getField("id")));
    }
    return ids;
  }
}
