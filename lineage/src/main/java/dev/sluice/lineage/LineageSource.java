package dev.sluice.lineage;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Where a {@link LineageGraph} reads the projection from: memory ({@link MemoryLineageSource}) or a
 * database. Every look-up takes a whole frontier at once, so a walk costs one look-up per level
 * rather than one per node. A node or column the source does not know maps to nothing (absent or
 * empty); the answers hold no entry for it.
 */
public interface LineageSource {

  /** Whether the dataset or job is known. */
  boolean contains(NodeId node);

  /** Each dataset's jobs: those reading it ({@code downstream}) or those writing it. */
  Map<DatasetId, Set<JobId>> jobsOf(Collection<DatasetId> datasets, boolean downstream);

  /** The datasets each job reads and writes. */
  Map<JobId, JobDatasets> datasetsOf(Collection<JobId> jobs);

  /**
   * The column edges touching each column: those it was derived through ({@code towardsSources},
   * the column is their target) or those derived from it (the column is their source).
   */
  Map<ColumnRef, Set<ColumnEdge>> columnEdges(
      Collection<ColumnRef> columns, boolean towardsSources);

  /** The run, as projected; an unversioned dataset mention gives way to a versioned one. */
  Optional<RunView> run(UUID runId);

  /** The runs of each job, in any order. */
  Map<JobId, List<RunView>> runsOf(Collection<JobId> jobs);

  /**
   * Each job's latest completed run (by end time): what the data it last wrote was made from. Jobs
   * without one are absent.
   */
  default Map<JobId, RunView> latestCompletedRuns(Collection<JobId> jobs) {
    Map<JobId, RunView> latest = new java.util.HashMap<>();
    runsOf(jobs)
        .forEach(
            (job, runs) ->
                runs.stream()
                    .filter(run -> run.state() == RunState.COMPLETE && run.endedAt().isPresent())
                    .max(java.util.Comparator.comparing(run -> run.endedAt().orElseThrow()))
                    .ifPresent(run -> latest.put(job, run)));
    return latest;
  }

  /** Datasets and jobs whose name or namespace contains {@code needle} (already lower case). */
  List<NodeId> search(String needle);

  long datasetCount();

  long jobCount();
}
