package dev.sluice.catalog.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.policy.model.Origin;
import dev.sluice.policy.model.Retention;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.deletes.PositionDelete;
import org.apache.iceberg.deletes.PositionDeleteWriter;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.inmemory.InMemoryCatalog;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rewrite against a writer committing at the worst moment, between the rewrite's planning and
 * its commit: neither the writer's change nor the removal of the expired rows is lost.
 */
class ExpiredRowsRewriteTest {
  private static final TableIdentifier NAME = TableIdentifier.of("kept", "events");
  private static final Schema SCHEMA =
      new Schema(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.optional(2, "retention_until", Types.TimestampType.withZone()));
  private static final OffsetDateTime PAST = OffsetDateTime.now(ZoneOffset.UTC).minusDays(1);
  private static final OffsetDateTime FUTURE = OffsetDateTime.now(ZoneOffset.UTC).plusYears(1);

  private InMemoryCatalog catalog;
  private Table table;
  private RowExpiry expiry;

  @BeforeEach
  void table() {
    catalog = new InMemoryCatalog();
    catalog.initialize("memory", Map.of());
    catalog.createNamespace(Namespace.of("kept"));
    table =
        catalog.createTable(
            NAME, SCHEMA, PartitionSpec.unpartitioned(), Map.of("format-version", "2"));
    expiry =
        RowExpiry.of(
                new Retention("retention_until", null, null, null, new Origin("t.yaml", 1, 1)),
                SCHEMA,
                Instant.now())
            .orElseThrow();
  }

  @Test
  void aConcurrentAppendIsKeptAndTheRewriteCommitsOnce() {
    DataFile old = append(table, row(1, PAST), row(2, FUTURE));
    AtomicInteger commits = new AtomicInteger();

    ExpiredRowsRewrite.Outcome outcome =
        new ExpiredRowsRewrite(table, expiry, "op")
            .runWithRetries(
                3,
                (examined, candidates, removed) -> {},
                planned -> {
                  if (commits.getAndIncrement() == 0) {
                    // another writer appends (an expired row too) before the rewrite commits
                    append(catalog.loadTable(NAME), row(3, FUTURE), row(4, PAST));
                  }
                },
                conflict -> {});

    assertThat(outcome.attempts()).isEqualTo(1);
    assertThat(outcome.rowsRemoved()).isEqualTo(1);
    assertThat(ids(catalog.loadTable(NAME))).containsExactly(2L, 3L, 4L);
    assertThat(files(catalog.loadTable(NAME))).doesNotContain(old.location());
  }

  @Test
  void aMatchingRowADeleteAlreadyHidesStillGetsItsFileReplaced() {
    // row 1 expired, but a merge-on-read delete already hides it: readers do not see it, the file
    // still holds it
    DataFile old = append(table, row(1, PAST), row(2, FUTURE), row(3, FUTURE));
    table.newRowDelta().addDeletes(positionDelete(table, old, 0)).commit();
    DataFile clean = append(table, row(4, FUTURE));

    ExpiredRowsRewrite.Outcome outcome =
        new ExpiredRowsRewrite(table, expiry, "op")
            .runWithRetries(1, (examined, candidates, removed) -> {}, planned -> {}, e -> {});

    assertThat(outcome.snapshotId()).isNotNull();
    assertThat(outcome.rowsRemoved()).as("no visible row was removed").isZero();
    assertThat(outcome.filesRewritten()).isEqualTo(1);
    assertThat(outcome.deleteFilesRemoved()).isEqualTo(1);
    assertThat(ids(catalog.loadTable(NAME))).containsExactly(2L, 3L, 4L);
    assertThat(files(catalog.loadTable(NAME)))
        .doesNotContain(old.location())
        .contains(clean.location());
  }

  @Test
  void aConcurrentDeleteOfARewrittenFileMakesItPlanAgainAndBothHold() {
    DataFile old = append(table, row(1, PAST), row(2, FUTURE), row(3, FUTURE));
    AtomicInteger commits = new AtomicInteger();
    List<String> conflicts = new ArrayList<>();

    ExpiredRowsRewrite.Outcome outcome =
        new ExpiredRowsRewrite(table, expiry, "op")
            .runWithRetries(
                3,
                (examined, candidates, removed) -> {},
                planned -> {
                  if (commits.getAndIncrement() == 0) {
                    // another writer deletes id 2 from the file the rewrite is replacing
                    Table writer = catalog.loadTable(NAME);
                    writer.newRowDelta().addDeletes(positionDelete(writer, old, 1)).commit();
                  }
                },
                conflict -> conflicts.add(conflict.getMessage()));

    assertThat(conflicts).hasSize(1);
    assertThat(outcome.attempts()).isEqualTo(2);
    assertThat(outcome.rowsRemoved()).isEqualTo(1);
    // the writer's delete holds (2 stays gone) and so does the removal (1 is gone)
    assertThat(ids(catalog.loadTable(NAME))).containsExactly(3L);
    // the delete applied only to the replaced file, so it went with it
    assertThat(outcome.deleteFilesRemoved()).isEqualTo(1);
  }

  @Test
  void aBranchIsRewrittenAloneAndAConcurrentDeleteOnItMakesItPlanAgain() {
    DataFile old = append(table, row(1, FUTURE), row(2, FUTURE), row(3, FUTURE));
    long mainHead = table.currentSnapshot().snapshotId();
    table.manageSnapshots().createBranch("pinned", mainHead).commit();
    // a subject's rows, as an erasure asks: id 1
    RowExpiry subject = new RowExpiry(Expressions.equal("id", 1L), List.of("id = 1"));
    AtomicInteger commits = new AtomicInteger();
    List<String> conflicts = new ArrayList<>();

    ExpiredRowsRewrite.Outcome outcome =
        new ExpiredRowsRewrite(table, subject, "op", "erasure", "pinned")
            .runWithRetries(
                3,
                (examined, candidates, removed) -> {},
                planned -> {
                  if (commits.getAndIncrement() == 0) {
                    // another writer deletes id 2 on the same branch before the rewrite commits
                    Table writer = catalog.loadTable(NAME);
                    writer
                        .newRowDelta()
                        .addDeletes(positionDelete(writer, old, 1))
                        .toBranch("pinned")
                        .commit();
                  }
                },
                conflict -> conflicts.add(conflict.getMessage()));

    assertThat(conflicts).hasSize(1);
    assertThat(outcome.attempts()).isEqualTo(2);
    assertThat(outcome.rowsRemoved()).isEqualTo(1);
    assertThat(outcome.replacedFiles()).contains(old.location());
    Table after = catalog.loadTable(NAME);
    assertThat(after.snapshot("pinned").snapshotId()).isEqualTo(outcome.snapshotId());
    assertThat(after.snapshot("pinned").summary()).containsEntry("sluice.operation", "erasure");
    assertThat(idsAt(after, outcome.snapshotId())).containsExactly(3L);
    // main is another ref: untouched
    assertThat(after.currentSnapshot().snapshotId()).isEqualTo(mainHead);
    assertThat(ids(after)).containsExactly(1L, 2L, 3L);
  }

  @Test
  void aFileWithoutExpiredRowsIsLeftAsItIs() {
    DataFile kept = append(table, row(1, FUTURE), row(2, null));
    long before = table.currentSnapshot().snapshotId();

    ExpiredRowsRewrite.Outcome outcome =
        new ExpiredRowsRewrite(table, expiry, "op")
            .run((examined, candidates, removed) -> {}, planned -> {});

    assertThat(outcome.snapshotId()).isNull();
    assertThat(catalog.loadTable(NAME).currentSnapshot().snapshotId()).isEqualTo(before);
    assertThat(files(catalog.loadTable(NAME))).containsExactly(kept.location());
  }

  private static Record row(long id, OffsetDateTime until) {
    Record row = GenericRecord.create(SCHEMA);
    row.setField("id", id);
    row.setField("retention_until", until);
    return row;
  }

  private static OutputFileFactory outputs(Table table) {
    return OutputFileFactory.builderFor(table, 1, System.nanoTime())
        .format(FileFormat.PARQUET)
        .build();
  }

  private static DataFile append(Table table, Record... rows) {
    DataWriter<Record> writer =
        new GenericFileWriterFactory.Builder(table)
            .dataFileFormat(FileFormat.PARQUET)
            .build()
            .newDataWriter(outputs(table).newOutputFile(), table.spec(), null);
    try (writer) {
      for (Record row : rows) {
        writer.write(row);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    DataFile file = writer.toDataFile();
    table.newAppend().appendFile(file).commit();
    return file;
  }

  private static DeleteFile positionDelete(Table table, DataFile file, long position) {
    PositionDeleteWriter<Record> writer =
        new GenericFileWriterFactory.Builder(table)
            .deleteFileFormat(FileFormat.PARQUET)
            .build()
            .newPositionDeleteWriter(outputs(table).newOutputFile(), table.spec(), null);
    try (writer) {
      writer.write(PositionDelete.<Record>create().set(file.location(), position));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return writer.toDeleteFile();
  }

  private static Set<Long> idsAt(Table table, long snapshot) {
    Set<Long> ids = new TreeSet<>();
    try (CloseableIterable<Record> rows =
        IcebergGenerics.read(table).useSnapshot(snapshot).build()) {
      rows.forEach(row -> ids.add((Long) row.getField("id")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ids;
  }

  private static Set<Long> ids(Table table) {
    Set<Long> ids = new TreeSet<>();
    try (CloseableIterable<Record> rows = IcebergGenerics.read(table).build()) {
      rows.forEach(row -> ids.add((Long) row.getField("id")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ids;
  }

  private static Set<String> files(Table table) {
    Set<String> paths = new TreeSet<>();
    try (var tasks = table.newScan().planFiles()) {
      tasks.forEach(task -> paths.add(task.file().location()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return paths;
  }
}
