package dev.sluice.lineage;

import java.util.Optional;

/**
 * What one reader of the graph may see. The graph asks while it walks, so a hidden dataset is
 * neither answered nor passed through: {@code A → hidden → B} shows no path from A to B.
 *
 * <p>A job is visible when its own rule says so ({@link #jobRule}); without one, when at least one
 * of its datasets is visible, or it has none. Runs are visible with their job and show only the
 * visible dataset versions. Edges to hidden nodes are dropped.
 */
public interface Visibility {

  /** Everything: for administrators and for the server's own use. */
  Visibility ALL = dataset -> true;

  /** Whether the reader may see the dataset. */
  boolean dataset(DatasetId dataset);

  /**
   * A rule of the job's own, e.g. for a job whose name names a table; empty when the job is judged
   * by its datasets.
   */
  default Optional<Boolean> jobRule(JobId job) {
    return Optional.empty();
  }
}
