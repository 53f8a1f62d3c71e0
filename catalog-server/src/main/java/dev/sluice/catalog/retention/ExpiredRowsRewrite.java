package dev.sluice.catalog.retention;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.MetadataColumns;
import org.apache.iceberg.RewriteFiles;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.DeleteFilter;
import org.apache.iceberg.data.GenericDeleteFilter;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IdentityPartitionConverters;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.formats.FormatModelRegistry;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.PartitionUtil;

/**
 * Removes the rows a predicate matches (expired rows, an erased subject's rows) from the head of
 * one branch of a table (the current snapshot by default) by copy-on-write: every data file that
 * holds at least one matching row, visible or already hidden by a delete, is read and its live rows
 * that do not match are written to a new Parquet file; one {@link RewriteFiles} swaps the old data
 * files, and the delete files that applied only to them, for the new files. The commit validates
 * from the planned snapshot, so a concurrent writer's delete of a rewritten file fails it; the
 * caller plans again.
 */
public final class ExpiredRowsRewrite {

  /** What one rewrite did; {@code snapshotId} is null when nothing needed rewriting. */
  public record Outcome(
      long rowsRemoved,
      long rowsKept,
      int filesRewritten,
      long bytesRewritten,
      int filesWritten,
      long bytesWritten,
      int deleteFilesRemoved,
      Long snapshotId,
      List<String> writtenFiles,
      int attempts,
      List<String> replacedFiles) {
    // replacedFiles: the data files rewritten and the delete files dropped with them
    public static final Outcome NOTHING =
        new Outcome(0, 0, 0, 0, 0, 0, 0, null, List.of(), 0, List.of());

    Outcome withAttempts(int attempts) {
      return new Outcome(
          rowsRemoved,
          rowsKept,
          filesRewritten,
          bytesRewritten,
          filesWritten,
          bytesWritten,
          deleteFilesRemoved,
          snapshotId,
          writtenFiles,
          attempts,
          replacedFiles);
    }
  }

  /** Progress within one table: files examined so far of those that may hold expired rows. */
  public interface Listener {
    void filesExamined(int examined, int candidates, long rowsRemoved);
  }

  private final Table table;
  private final RowExpiry expiry;
  private final String operationId;
  private final String operation;
  private final String branch;

  ExpiredRowsRewrite(Table table, RowExpiry expiry, String operationId) {
    this(table, expiry, operationId, "retention.sweep", SnapshotRef.MAIN_BRANCH);
  }

  /**
   * A rewrite of {@code branch}'s head whose snapshot summary names {@code operation} (the {@code
   * sluice.operation} property).
   */
  public ExpiredRowsRewrite(
      Table table, RowExpiry expiry, String operationId, String operation, String branch) {
    this.table = table;
    this.expiry = expiry;
    this.operationId = operationId;
    this.operation = operation;
    this.branch = branch;
  }

  /**
   * Runs until a commit goes through, at most {@code attempts} times: a concurrent commit that
   * conflicts (a delete of a file being rewritten) makes it plan again from the new snapshot, so
   * neither the other writer's change nor the removal is lost. {@code onConflict} hears of each
   * retried conflict.
   */
  public Outcome runWithRetries(
      int attempts,
      Listener listener,
      Consumer<Outcome> beforeCommit,
      Consumer<RuntimeException> onConflict) {
    for (int attempt = 1; ; attempt++) {
      try {
        Outcome outcome = run(listener, beforeCommit);
        return outcome.withAttempts(attempt);
      } catch (CommitFailedException | ValidationException e) {
        if (attempt >= Math.max(1, attempts)) {
          throw e;
        }
        onConflict.accept(e);
      }
    }
  }

  /**
   * Plans, rewrites and commits once; throws on a commit conflict (the caller retries). {@code
   * beforeCommit} sees what the commit will do (its snapshot id still null) just before it is made.
   */
  Outcome run(Listener listener, Consumer<Outcome> beforeCommit) {
    table.refresh();
    Snapshot base = table.snapshot(branch);
    if (base == null) {
      return Outcome.NOTHING;
    }
    // which data files each delete file applies to: a delete file goes only with all of them
    Map<String, Set<String>> deleteTargets = new HashMap<>();
    Map<String, DeleteFile> deleteFiles = new HashMap<>();
    try (CloseableIterable<FileScanTask> all =
        table.newScan().useSnapshot(base.snapshotId()).planFiles()) {
      for (FileScanTask task : all) {
        for (DeleteFile delete : task.deletes()) {
          deleteFiles.putIfAbsent(delete.location(), delete);
          deleteTargets
              .computeIfAbsent(delete.location(), k -> new HashSet<>())
              .add(task.file().location());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<FileScanTask> candidates = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks =
        table
            .newScan()
            .useSnapshot(base.snapshotId())
            .filter(expiry.expired())
            .ignoreResiduals()
            .planFiles()) {
      tasks.forEach(candidates::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }

    Schema schema = table.schema();
    GenericFileWriterFactory writers =
        new GenericFileWriterFactory.Builder(table).dataFileFormat(FileFormat.PARQUET).build();
    OutputFileFactory files =
        OutputFileFactory.builderFor(table, 0, System.currentTimeMillis())
            .format(FileFormat.PARQUET)
            .operationId(operationId)
            .build();
    Map<String, DataFile> replaced = new LinkedHashMap<>();
    List<DataFile> written = new ArrayList<>();
    long removed = 0;
    long kept = 0;
    long bytesRewritten = 0;
    long bytesWritten = 0;
    int examined = 0;
    for (FileScanTask task : candidates) {
      examined++;
      FileRewrite rewrite = rewrite(task, schema, writers, files);
      // a matching row a delete already hides is still in the file: the file goes all the same
      if (rewrite.removed() > 0 || rewrite.hiddenMatches() > 0) {
        replaced.put(task.file().location(), task.file());
        removed += rewrite.removed();
        kept += rewrite.kept();
        bytesRewritten += task.file().fileSizeInBytes();
        if (rewrite.written() != null) {
          written.add(rewrite.written());
          bytesWritten += rewrite.written().fileSizeInBytes();
        }
      } else if (rewrite.written() != null) {
        // nothing expired after all (the file's statistics only said it might): not needed
        table.io().deleteFile(rewrite.written().location());
      }
      listener.filesExamined(examined, candidates.size(), removed);
    }
    if (replaced.isEmpty()) {
      return Outcome.NOTHING;
    }
    RewriteFiles commit =
        table.newRewrite().validateFromSnapshot(base.snapshotId()).toBranch(branch);
    replaced.values().forEach(commit::deleteFile);
    written.forEach(commit::addFile);
    int deletesRemoved = 0;
    List<String> removedPaths = new ArrayList<>(replaced.keySet());
    for (Map.Entry<String, Set<String>> entry : deleteTargets.entrySet()) {
      if (replaced.keySet().containsAll(entry.getValue())) {
        commit.deleteFile(deleteFiles.get(entry.getKey()));
        removedPaths.add(entry.getKey());
        deletesRemoved++;
      }
    }
    commit.set("sluice.operation", operation).set("sluice.operation-id", operationId);
    List<String> paths = written.stream().map(DataFile::location).toList();
    try {
      beforeCommit.accept(
          new Outcome(
              removed,
              kept,
              replaced.size(),
              bytesRewritten,
              written.size(),
              bytesWritten,
              deletesRemoved,
              null,
              paths,
              0,
              List.copyOf(removedPaths)));
      commit.commit();
    } catch (RuntimeException e) {
      // the new files were never committed: remove them now rather than as orphans later
      written.forEach(file -> deleteQuietly(file.location()));
      throw e;
    }
    table.refresh();
    return new Outcome(
        removed,
        kept,
        replaced.size(),
        bytesRewritten,
        written.size(),
        bytesWritten,
        deletesRemoved,
        table.snapshot(branch).snapshotId(),
        paths,
        1,
        List.copyOf(removedPaths));
  }

  /**
   * @param hiddenMatches matching rows a delete already hid from readers, still in the file
   */
  private record FileRewrite(long removed, long kept, long hiddenMatches, DataFile written) {}

  /**
   * Reads one data file with its deletes marked, not applied; writes its live rows that do not
   * match to a new file. Deleted rows are never written, and a deleted row that matches still makes
   * the file one to replace: a delete hides a row from readers, it does not remove it from the
   * file.
   */
  private FileRewrite rewrite(
      FileScanTask task, Schema schema, GenericFileWriterFactory writers, OutputFileFactory files) {
    Schema marked = TypeUtil.join(schema, new Schema(MetadataColumns.IS_DELETED));
    DeleteFilter<Record> deletes =
        new GenericDeleteFilter(table.io(), task, schema, marked) {
          @Override
          protected void markRowDeleted(Record row) {
            row.setField(MetadataColumns.IS_DELETED.name(), true);
          }
        };
    Schema readSchema = deletes.requiredSchema();
    RowExpiry.RecordTest test = expiry.test(readSchema);
    long removed = 0;
    long kept = 0;
    long hidden = 0;
    DataWriter<Record> writer =
        writers.newDataWriter(
            // an unpartitioned spec has no partition path: data/<file>, never data//<file>
            task.spec().isUnpartitioned()
                ? files.newOutputFile()
                : files.newOutputFile(task.spec(), task.file().partition()),
            task.spec(),
            task.file().partition());
    boolean closed = false;
    try (CloseableIterable<Record> rows = deletes.filter(open(task, readSchema))) {
      for (Record row : rows) {
        if (Boolean.TRUE.equals(row.getField(MetadataColumns.IS_DELETED.name()))) {
          if (test.expired(row)) {
            hidden++;
          }
        } else if (test.expired(row)) {
          removed++;
        } else {
          kept++;
          writer.write(copy(row, schema));
        }
      }
      writer.close();
      closed = true;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (!closed) {
        closeQuietly(writer);
      }
    }
    DataFile file = writer.toDataFile();
    if (kept == 0) {
      deleteQuietly(file.location());
      return new FileRewrite(removed, kept, hidden, null);
    }
    return new FileRewrite(removed, kept, hidden, file);
  }

  private CloseableIterable<Record> open(FileScanTask task, Schema readSchema) {
    Map<Integer, ?> partition =
        PartitionUtil.constantsMap(task, IdentityPartitionConverters::convertConstant);
    return FormatModelRegistry.<Record, Schema>readBuilder(
            task.file().format(), Record.class, table.io().newInputFile(task.file()))
        .project(readSchema)
        .idToConstant(partition)
        .build();
  }

  /** The row in the table's schema: the reader's record may carry the row position after it. */
  private static Record copy(Record row, Schema schema) {
    GenericRecord out = GenericRecord.create(schema);
    List<Types.NestedField> columns = schema.columns();
    for (int i = 0; i < columns.size(); i++) {
      out.set(i, row.getField(columns.get(i).name()));
    }
    return out;
  }

  private void deleteQuietly(String location) {
    try {
      table.io().deleteFile(location);
    } catch (RuntimeException ignored) {
      // left as an orphan; the sweep's orphan removal takes it once it is old enough
    }
  }

  private static void closeQuietly(DataWriter<Record> writer) {
    try {
      writer.close();
    } catch (IOException | RuntimeException ignored) {
      // the failure that got here is the one reported
    }
  }
}
