package dev.sluice.catalog.erasure;

import dev.sluice.catalog.audit.AuditEntry;
import dev.sluice.catalog.audit.AuditTrail;
import dev.sluice.catalog.catalog.IcebergCatalogService;
import dev.sluice.catalog.retention.ExpiredRowsRewrite;
import dev.sluice.catalog.retention.OrphanFiles;
import dev.sluice.catalog.retention.RefRewrites;
import dev.sluice.catalog.retention.RowExpiry;
import dev.sluice.catalog.retention.RowRemoval;
import dev.sluice.catalog.retention.RowRemovals;
import dev.sluice.catalog.security.Names;
import dev.sluice.zones.StorageLocation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.ExpireSnapshots;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.formats.FormatModelRegistry;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.SupportsPrefixOperations;
import org.apache.iceberg.types.Types;
import org.jboss.logging.Logger;

/**
 * Erases one subject from one table, across its history: the subject's rows leave the head of every
 * branch (copy-on-write, deletes applied); every tag whose snapshot holds them is moved to a
 * rewritten copy of that snapshot (made on a temporary branch); the snapshots that still reach a
 * replaced file are expired and the replaced files deleted (only under the table's location); then
 * every retained snapshot and every Parquet file under the location is read for the subject.
 * Running it again after a crash finds less or nothing to do.
 */
final class TableErasure {
  private static final Logger LOG = Logger.getLogger(TableErasure.class);
  static final String TEMPORARY_BRANCH_PREFIX = "sluice-erasure-";

  /** What reading everything that is left found. */
  record Verification(int snapshotsScanned, int filesScanned, long matches, List<String> found) {}

  /** What the erasure did to one table; {@code skipped} says why it did nothing. */
  record TableReceipt(
      String table,
      List<String> subjectColumns,
      String foundBy,
      String skipped,
      List<String> columnsMissing,
      long rowsDeleted,
      int filesRewritten,
      long bytesRewritten,
      int filesWritten,
      List<String> filesRemoved,
      List<Long> snapshotsExpired,
      List<RefRewrites.RefMoved> refsRepointed,
      int filesLeftOutsideLocation,
      Verification verification) {
    static TableReceipt skipped(String table, List<String> columns, String foundBy, String reason) {
      return new TableReceipt(
          table, columns, foundBy, reason, List.of(), 0, 0, 0, 0, List.of(), List.of(), List.of(),
          0, null);
    }
  }

  private final IcebergCatalogService catalog;
  private final RowRemovals removals;
  private final AuditTrail audit;
  private final String jobId;
  private final String erasureId;
  private final String subjectHash;
  private final int commitAttempts;

  TableErasure(
      IcebergCatalogService catalog,
      RowRemovals removals,
      AuditTrail audit,
      String jobId,
      String erasureId,
      String subjectHash,
      int commitAttempts) {
    this.catalog = catalog;
    this.removals = removals;
    this.audit = audit;
    this.jobId = jobId;
    this.erasureId = erasureId;
    this.subjectHash = subjectHash;
    this.commitAttempts = commitAttempts;
  }

  TableReceipt erase(
      TableIdentifier identifier, List<String> columns, String foundBy, String subject) {
    String text = Names.text(identifier);
    if (!catalog.catalog().tableExists(identifier)) {
      return TableReceipt.skipped(text, columns, foundBy, "no such table");
    }
    Table table = catalog.catalog().loadTable(identifier);
    List<String> names = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    List<Expression> matches = new ArrayList<>();
    for (String column : columns) {
      Types.NestedField field = table.schema().caseInsensitiveFindField(column);
      if (field == null || !supported(field)) {
        missing.add(
            field == null
                ? "the table has no column '" + column + "'"
                : "subject column '" + column + "' is " + field.type() + ", not supported");
        continue;
      }
      String name = table.schema().findColumnName(field.fieldId());
      names.add(name);
      // a subject that cannot be a value of the column matches no row there; still verified
      matches.add(match(field, name, subject).orElse(Expressions.alwaysFalse()));
    }
    if (names.isEmpty()) {
      String reason = String.join("; ", missing);
      record("erasure.table", text, false, "skipped: " + reason);
      return TableReceipt.skipped(text, columns, foundBy, reason);
    }
    Expression any = matches.get(0);
    for (Expression match : matches.subList(1, matches.size())) {
      any = Expressions.or(any, match);
    }
    RowExpiry rows =
        new RowExpiry(
            any,
            List.of(
                names.stream()
                    .map(name -> name + " = subject " + subjectHash)
                    .collect(java.util.stream.Collectors.joining(" or "))));

    String temporaryPrefix = TEMPORARY_BRANCH_PREFIX + erasureId + "-";
    RefRewrites.Listener refs = refListener(text);
    RefRewrites.dropTemporaryBranches(table, temporaryPrefix, refs);
    RefRewrites.Result rewritten =
        RefRewrites.run(
            table, temporaryPrefix, branch -> rewrite(table, identifier, text, rows, branch), refs);
    long deleted = rewritten.rowsRemoved();
    // the files this run replaced, and any other file a retained snapshot reaches that still holds
    // the subject: those an earlier run replaced before it died, before expiring what reached them
    Set<String> replaced = new LinkedHashSet<>(rewritten.replacedFiles());
    replaced.addAll(filesHolding(table, names, rows));
    StorageLocation root = StorageLocation.parse(table.location());
    List<Long> expired = new ArrayList<>();
    AtomicInteger outside = new AtomicInteger();
    if (!replaced.isEmpty()) {
      expired = expireReaching(table, text, replaced, root, outside);
    }
    List<String> removed = removeUnreachable(table, replaced, root, outside);
    Verification verification = verify(table, names, rows);
    record(
        "erasure.verify-table",
        text,
        verification.matches() == 0,
        "read "
            + verification.snapshotsScanned()
            + " snapshots and "
            + verification.filesScanned()
            + " Parquet files under "
            + table.location()
            + ": "
            + verification.matches()
            + " rows where "
            + rows.conditions().get(0));
    return new TableReceipt(
        text,
        names,
        foundBy,
        null,
        missing,
        deleted,
        rewritten.filesRewritten(),
        rewritten.bytesRewritten(),
        rewritten.filesWritten(),
        removed,
        expired,
        rewritten.moved(),
        outside.get(),
        verification);
  }

  private RefRewrites.Rewritten rewrite(
      Table table, TableIdentifier identifier, String text, RowExpiry rows, String branch) {
    RowRemovals.Choice choice =
        removals.choose(table, rows, branch, jobId, "erasure", commitAttempts);
    RowRemoval removal = choice.removal();
    String by =
        "executor "
            + removal.executor()
            + (choice.reason() == null ? "" : " (" + choice.reason() + ")");
    try {
      ExpiredRowsRewrite.Outcome done =
          removal.remove(
              table,
              identifier,
              rows,
              branch,
              new RowRemoval.Events() {
                @Override
                public void planned(ExpiredRowsRewrite.Outcome planned) {
                  record(
                      "erasure.rewrite",
                      text,
                      true,
                      "branch "
                          + branch
                          + ": removed "
                          + planned.rowsRemoved()
                          + " rows where "
                          + rows.conditions().get(0)
                          + ": rewrote "
                          + planned.filesRewritten()
                          + " data files ("
                          + planned.bytesRewritten()
                          + " bytes) into "
                          + planned.filesWritten()
                          + "; "
                          + by);
                }

                @Override
                public void conflict(RuntimeException conflict) {
                  LOG.infof(
                      "Job %s: erasure rewrite of %s branch %s conflicted with a concurrent"
                          + " commit (%s); planning again",
                      jobId, text, branch, conflict.getMessage());
                }
              });
      return new RefRewrites.Rewritten(done, removal.executor());
    } catch (CommitFailedException | ValidationException e) {
      record(
          "erasure.rewrite",
          text,
          false,
          "branch "
              + branch
              + ": gave up after "
              + commitAttempts
              + " commits that conflicted with concurrent ones: "
              + e.getMessage());
      throw e;
    }
  }

  /** Audits the ref changes of the rewrites before they are committed. */
  private RefRewrites.Listener refListener(String text) {
    return new RefRewrites.Listener() {
      @Override
      public void temporaryBranch(String branch, String tag, long snapshot) {
        record("erasure.rewrite", text, true, "branch " + branch + " at tag " + tag);
      }

      @Override
      public void tagMoved(String tag, long from, long to) {
        record(
            "erasure.repoint-tag",
            text,
            true,
            "tag " + tag + " from snapshot " + from + " to " + to);
      }

      @Override
      public void temporaryBranchDropped(String branch) {
        record("erasure.rewrite", text, true, "drop temporary branch " + branch);
      }
    };
  }

  /**
   * The data files of any retained snapshot that hold a matching row in the file itself, hidden by
   * a delete or not. Files whose statistics exclude the subject are not read; others are read once.
   */
  private static Set<String> filesHolding(Table table, List<String> columns, RowExpiry rows) {
    table.refresh();
    Schema projection = table.schema().select(columns);
    RowExpiry.RecordTest test = rows.test(projection);
    Set<String> checked = new HashSet<>();
    Set<String> holding = new LinkedHashSet<>();
    for (Snapshot snapshot : table.snapshots()) {
      try (CloseableIterable<FileScanTask> tasks =
          table
              .newScan()
              .useSnapshot(snapshot.snapshotId())
              .filter(rows.expired())
              .ignoreResiduals()
              .planFiles()) {
        for (FileScanTask task : tasks) {
          String location = task.file().location();
          if (checked.add(location) && holds(table.io(), task.file(), projection, rows, test)) {
            holding.add(location);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return holding;
  }

  private static boolean holds(
      FileIO io,
      org.apache.iceberg.DataFile file,
      Schema projection,
      RowExpiry rows,
      RowExpiry.RecordTest test) {
    try (CloseableIterable<Record> records =
        FormatModelRegistry.<Record, Schema>readBuilder(
                file.format(), Record.class, io.newInputFile(file.location()))
            .project(projection)
            .filter(rows.expired())
            .build()) {
      for (Record record : records) {
        if (test.expired(record)) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Expires every snapshot that still reaches a replaced file; never the head of a ref. */
  private List<Long> expireReaching(
      Table table, String text, Set<String> replaced, StorageLocation root, AtomicInteger outside) {
    Set<Long> heads = new java.util.HashSet<>();
    table.refs().values().forEach(ref -> heads.add(ref.snapshotId()));
    List<Long> reaching = new ArrayList<>();
    for (Snapshot snapshot : table.snapshots()) {
      if (!heads.contains(snapshot.snapshotId()) && reaches(table, snapshot, replaced)) {
        reaching.add(snapshot.snapshotId());
      }
    }
    if (reaching.isEmpty()) {
      return reaching;
    }
    record(
        "erasure.expire-snapshots",
        text,
        true,
        "expire "
            + reaching.size()
            + " snapshots that still reach files holding the subject, and the files only they"
            + " reach: "
            + reaching);
    // only these: a cut-off at the epoch keeps every other snapshot, whatever the table's own
    // snapshot-age setting (Iceberg otherwise also expires by it when asked for ids)
    ExpireSnapshots expire = table.expireSnapshots().expireOlderThan(0);
    reaching.forEach(expire::expireSnapshotId);
    expire
        .cleanExpiredFiles(true)
        .deleteWith(path -> deleteWithin(table.io(), path, root, outside))
        .commit();
    table.refresh();
    return reaching;
  }

  private static boolean reaches(Table table, Snapshot snapshot, Set<String> files) {
    try (CloseableIterable<FileScanTask> tasks =
        table.newScan().useSnapshot(snapshot.snapshotId()).planFiles()) {
      for (FileScanTask task : tasks) {
        if (files.contains(task.file().location())) {
          return true;
        }
        for (var delete : task.deletes()) {
          if (files.contains(delete.location())) {
            return true;
          }
        }
      }
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Deletes the replaced files no retained metadata reaches (the expiry's cleanup took most; this
   * also covers a retry after a crash between the commit and the deletes).
   */
  private static List<String> removeUnreachable(
      Table table, Set<String> replaced, StorageLocation root, AtomicInteger outside) {
    Set<String> reachable = OrphanFiles.reachable(table);
    List<String> removed = new ArrayList<>();
    for (String path : replaced) {
      StorageLocation location = StorageLocation.parse(path);
      if (reachable.contains(location.key())) {
        continue;
      }
      if (deleteWithin(table.io(), path, root, outside)) {
        removed.add(path);
      }
    }
    return removed;
  }

  private static boolean deleteWithin(
      FileIO io, String path, StorageLocation root, AtomicInteger outside) {
    try {
      if (!StorageLocation.parse(path).isStrictlyWithin(root)) {
        outside.incrementAndGet();
        return false;
      }
    } catch (IllegalArgumentException e) {
      outside.incrementAndGet();
      return false;
    }
    try {
      io.deleteFile(path);
    } catch (RuntimeException e) {
      // already gone (a file of the expiry's cleanup, or of an earlier attempt)
    }
    return true;
  }

  /** Reads every retained snapshot (deletes applied) and every Parquet file under the location. */
  private static Verification verify(Table table, List<String> columns, RowExpiry rows) {
    table.refresh();
    List<String> found = new ArrayList<>();
    long matches = 0;
    int snapshots = 0;
    RowExpiry.RecordTest test = rows.test(table.schema());
    for (Snapshot snapshot : table.snapshots()) {
      snapshots++;
      long inSnapshot = 0;
      try (CloseableIterable<Record> records =
          IcebergGenerics.read(table)
              .useSnapshot(snapshot.snapshotId())
              .where(rows.expired())
              .build()) {
        for (Record record : records) {
          if (test.expired(record)) {
            inSnapshot++;
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (inSnapshot > 0) {
        matches += inSnapshot;
        found.add("snapshot " + snapshot.snapshotId());
      }
    }
    FileIO io = table.io();
    if (!(io instanceof SupportsPrefixOperations listing)) {
      throw new IllegalStateException("the table's storage cannot list files; cannot verify");
    }
    Schema projection = table.schema().select(columns);
    RowExpiry.RecordTest fileTest = rows.test(projection);
    StorageLocation root = StorageLocation.parse(table.location());
    int files = 0;
    for (FileInfo file : listing.listPrefix(root.canonical() + "/")) {
      if (!file.location().endsWith(".parquet")) {
        continue;
      }
      files++;
      long inFile = 0;
      try (CloseableIterable<Record> records =
          FormatModelRegistry.<Record, Schema>readBuilder(
                  FileFormat.PARQUET, Record.class, io.newInputFile(file.location()))
              .project(projection)
              // row groups whose own statistics exclude the subject are skipped; rows are still
              // tested one by one
              .filter(rows.expired())
              .build()) {
        for (Record record : records) {
          if (fileTest.expired(record)) {
            inFile++;
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (inFile > 0) {
        matches += inFile;
        found.add(file.location());
      }
    }
    return new Verification(snapshots, files, matches, found);
  }

  private static boolean supported(Types.NestedField field) {
    return switch (field.type().typeId()) {
      case STRING, LONG, INTEGER, UUID -> true;
      default -> false;
    };
  }

  /** The subject as a value of the column; empty when it cannot be one. */
  static Optional<Expression> match(Types.NestedField field, String name, String subject) {
    try {
      return switch (field.type().typeId()) {
        case STRING -> Optional.of(Expressions.equal(name, subject));
        case LONG -> Optional.of(Expressions.equal(name, Long.parseLong(subject.trim())));
        case INTEGER -> Optional.of(Expressions.equal(name, Integer.parseInt(subject.trim())));
        case UUID -> Optional.of(Expressions.equal(name, UUID.fromString(subject.trim())));
        default -> Optional.empty();
      };
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private void record(String action, String table, boolean allowed, String what) {
    audit.record(
        new AuditEntry(
            ErasureJob.PRINCIPAL,
            action,
            table,
            allowed,
            "job " + jobId + ", erasure " + erasureId + ": " + what));
  }
}
