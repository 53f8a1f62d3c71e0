package dev.sluice.catalog.retention;

import dev.sluice.catalog.jobs.TrinoJobsConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.iceberg.ContentFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.io.CloseableIterable;
import org.jboss.logging.Logger;

/**
 * Removes rows through Trino over JDBC: {@code DELETE} (Trino writes position deletes), then {@code
 * ALTER TABLE … EXECUTE optimize(file_size_threshold => '0B')}, which rewrites exactly the data
 * files that now have deletes, with the deletes applied, and drops the delete files. Both commit
 * through the Trino catalog configured for jobs, that is through this catalog. What changed is read
 * back from the table's metadata: the data files of the head before that are gone after, among
 * those the predicate's statistics said may hold a matching row.
 *
 * <p>Trino 476 writes only to a table's main branch; other branches and tags are rewritten in
 * process ({@link RowRemovals}). Both statements are idempotent, so a failure (a conflict, a lost
 * connection whose outcome is unknown) is met by running them again.
 */
final class TrinoRowRemoval implements RowRemoval {
  static final String EXECUTOR = "trino";
  private static final Logger LOG = Logger.getLogger(TrinoRowRemoval.class);

  private final TrinoJobsConfig config;
  private final String jobId;
  private final int attempts;

  TrinoRowRemoval(TrinoJobsConfig config, String jobId, int attempts) {
    this.config = config;
    this.jobId = jobId;
    this.attempts = attempts;
  }

  @Override
  public String executor() {
    return EXECUTOR;
  }

  @Override
  public ExpiredRowsRewrite.Outcome remove(
      Table table, TableIdentifier identifier, RowExpiry rows, String branch, Events events) {
    if (!SnapshotRef.MAIN_BRANCH.equals(branch)) {
      throw new IllegalArgumentException("Trino rewrites only the main branch, not " + branch);
    }
    table.refresh();
    Snapshot base = table.currentSnapshot();
    if (base == null) {
      return ExpiredRowsRewrite.Outcome.NOTHING;
    }
    Map<String, ContentFile<?>> before = files(table, base.snapshotId());
    Set<String> candidates = candidates(table, base.snapshotId(), rows);
    if (candidates.isEmpty()) {
      return ExpiredRowsRewrite.Outcome.NOTHING;
    }
    String target = TrinoSql.table(config.catalog(), identifier);
    String delete =
        "DELETE FROM " + target + " WHERE " + TrinoSql.condition(table.schema(), rows.expired());
    String optimize = "ALTER TABLE " + target + " EXECUTE optimize(file_size_threshold => '0B')";

    long removed = 0;
    for (int attempt = 1; ; attempt++) {
      try (Connection connection = connect();
          Statement statement = connection.createStatement()) {
        removed += statement.executeLargeUpdate(delete);
        // also when nothing visible matched: a row a delete hides is still in its file, and
        // optimize rewrites every file that has deletes
        statement.execute(optimize);
        return outcome(table, base.snapshotId(), before, candidates, removed, attempt, events);
      } catch (SQLException e) {
        // a conflict, or an outcome this side cannot know: both statements can run again
        RuntimeException failure =
            new CommitFailedException(
                e, "Trino failed on %s (%s): %s", identifier, e.getSQLState(), e.getMessage());
        if (attempt >= Math.max(1, attempts)) {
          throw failure;
        }
        LOG.infof(
            "Job %s: Trino's removal from %s failed (%s); running it again",
            jobId, identifier, e.getMessage());
        events.conflict(failure);
      }
    }
  }

  private Connection connect() throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", config.user());
    config.password().ifPresent(password -> properties.setProperty("password", password));
    properties.setProperty("source", "sluice-jobs");
    properties.setProperty("clientInfo", "job " + jobId);
    String url = config.url().orElseThrow(() -> new IllegalStateException("no Trino configured"));
    return DriverManager.getConnection(url, properties);
  }

  private ExpiredRowsRewrite.Outcome outcome(
      Table table,
      long base,
      Map<String, ContentFile<?>> before,
      Set<String> candidates,
      long removed,
      int attempts,
      Events events) {
    table.refresh();
    Snapshot head = table.currentSnapshot();
    if (head.snapshotId() == base) {
      return ExpiredRowsRewrite.Outcome.NOTHING.withAttempts(attempts);
    }
    Map<String, ContentFile<?>> after = files(table, head.snapshotId());
    List<String> replaced = new ArrayList<>();
    List<String> written = new ArrayList<>();
    int rewritten = 0;
    long bytesRewritten = 0;
    long bytesWritten = 0;
    long kept = 0;
    int deletesRemoved = 0;
    for (Map.Entry<String, ContentFile<?>> file : before.entrySet()) {
      if (after.containsKey(file.getKey())) {
        continue;
      }
      if (file.getValue() instanceof org.apache.iceberg.DataFile) {
        rewritten++;
        bytesRewritten += file.getValue().fileSizeInBytes();
        if (candidates.contains(file.getKey())) {
          replaced.add(file.getKey());
        }
      } else {
        deletesRemoved++;
      }
    }
    for (Map.Entry<String, ContentFile<?>> file : after.entrySet()) {
      if (!before.containsKey(file.getKey())
          && file.getValue() instanceof org.apache.iceberg.DataFile) {
        written.add(file.getKey());
        bytesWritten += file.getValue().fileSizeInBytes();
        kept += file.getValue().recordCount();
      }
    }
    ExpiredRowsRewrite.Outcome outcome =
        new ExpiredRowsRewrite.Outcome(
            removed,
            kept,
            rewritten,
            bytesRewritten,
            written.size(),
            bytesWritten,
            deletesRemoved,
            head.snapshotId(),
            written,
            attempts,
            replaced);
    events.planned(outcome);
    return outcome;
  }

  /** Every data and delete file of a snapshot, by location. */
  private static Map<String, ContentFile<?>> files(Table table, long snapshotId) {
    Map<String, ContentFile<?>> files = new HashMap<>();
    try (CloseableIterable<FileScanTask> tasks =
        table.newScan().useSnapshot(snapshotId).planFiles()) {
      for (FileScanTask task : tasks) {
        files.putIfAbsent(task.file().location(), task.file());
        task.deletes().forEach(delete -> files.putIfAbsent(delete.location(), delete));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  /** The data files whose statistics say they may hold a matching row. */
  private static Set<String> candidates(Table table, long snapshotId, RowExpiry rows) {
    Set<String> candidates = new LinkedHashSet<>();
    try (CloseableIterable<FileScanTask> tasks =
        table
            .newScan()
            .useSnapshot(snapshotId)
            .filter(rows.expired())
            .ignoreResiduals()
            .planFiles()) {
      tasks.forEach(task -> candidates.add(task.file().location()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return candidates;
  }
}
