package dev.sluice.catalog.retention;

import dev.sluice.catalog.jobs.TrinoJobsConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.io.CloseableIterable;

/**
 * Picks the executor of a removal. With no Trino configured every table is rewritten in this
 * process. With one, a table's main branch goes to Trino when its current data exceed {@code
 * sluice.jobs.trino.in-process-max-bytes}; other branches and tag snapshots (Trino writes only to
 * main), format-version 1 tables (Trino deletes only from v2 on) and predicates Trino's rendering
 * does not cover stay in this process, and the choice says why.
 */
@ApplicationScoped
public class RowRemovals {

  /** The executor and, when it is not the configured preference, the reason. */
  public record Choice(RowRemoval removal, String reason) {}

  private final TrinoJobsConfig trino;

  @Inject
  public RowRemovals(TrinoJobsConfig trino) {
    this.trino = trino;
  }

  /** Whether a Trino is configured for jobs. */
  public boolean trinoConfigured() {
    return trino.url().filter(url -> !url.isBlank()).isPresent();
  }

  public Choice choose(
      Table table, RowExpiry rows, String branch, String jobId, String operation, int attempts) {
    RowRemoval inProcess = new InProcessRowRemoval(jobId, operation, attempts);
    if (!trinoConfigured()) {
      return new Choice(inProcess, null);
    }
    long bytes = dataBytes(table);
    if (bytes <= trino.inProcessMaxBytes()) {
      return new Choice(
          inProcess,
          bytes
              + " bytes of data, not above sluice.jobs.trino.in-process-max-bytes ("
              + trino.inProcessMaxBytes()
              + ")");
    }
    Optional<String> refusal = trinoRefusal(table, rows, branch);
    if (refusal.isPresent()) {
      return new Choice(inProcess, refusal.get());
    }
    return new Choice(new TrinoRowRemoval(trino, jobId, attempts), null);
  }

  private static Optional<String> trinoRefusal(Table table, RowExpiry rows, String branch) {
    if (!SnapshotRef.MAIN_BRANCH.equals(branch)) {
      return Optional.of("Trino writes only to the main branch, not to " + branch);
    }
    if (table instanceof HasTableOperations operations) {
      TableOperations ops = operations.operations();
      if (ops.current().formatVersion() < 2) {
        return Optional.of("Trino deletes rows only from format-version 2 tables on");
      }
    }
    try {
      TrinoSql.condition(table.schema(), rows.expired());
    } catch (IllegalArgumentException e) {
      return Optional.of("the condition has no Trino form: " + e.getMessage());
    }
    return Optional.empty();
  }

  /** Bytes of data files in the current snapshot: its summary, or its files when it has none. */
  static long dataBytes(Table table) {
    Snapshot current = table.currentSnapshot();
    if (current == null) {
      return 0;
    }
    String total = current.summary() == null ? null : current.summary().get("total-files-size");
    if (total != null) {
      try {
        return Long.parseLong(total);
      } catch (NumberFormatException e) {
        // counted below
      }
    }
    long bytes = 0;
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        bytes += task.file().fileSizeInBytes();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes;
  }
}
