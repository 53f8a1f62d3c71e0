package dev.sluice.catalog.retention;

import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * Removes the rows a predicate matches from the head of one branch of a table, physically: the data
 * files that hold them are replaced by rewritten ones in a commit through this catalog, and no
 * delete file is left to hide them. Two executors: this process ({@link InProcessRowRemoval}) and a
 * Trino over JDBC ({@link TrinoRowRemoval}); {@link RowRemovals} picks one per table.
 */
public interface RowRemoval {

  /** {@code in-process} or {@code trino}: named in results, receipts and the audit trail. */
  String executor();

  /**
   * Removes the rows; conflicts with concurrent commits are retried (the writer's change and the
   * removal both survive). {@link ExpiredRowsRewrite.Outcome#snapshotId()} is null when no row
   * matched.
   */
  ExpiredRowsRewrite.Outcome remove(
      Table table, TableIdentifier identifier, RowExpiry rows, String branch, Events events);

  /** What a removal reports while it runs. */
  interface Events {
    /** Files examined so far of those that may hold matching rows. */
    default void examined(int examined, int candidates, long rowsRemoved) {}

    /** What the removal does, told before its commit (in process) or its statements (Trino). */
    void planned(ExpiredRowsRewrite.Outcome planned);

    /** A commit refused by a concurrent one; the removal plans again. */
    void conflict(RuntimeException conflict);
  }
}
