package dev.sluice.lineage;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What the graph needs from one OpenLineage event, whichever kind it was. A run event has a run id
 * and a state; a job event declares a job's inputs and outputs without a run; a dataset event only
 * makes a dataset known.
 */
public record LineageEvent(
    Kind kind,
    Instant eventTime,
    Optional<UUID> runId,
    Optional<RunState> state,
    Optional<JobId> job,
    List<DatasetVersion> inputs,
    List<DatasetVersion> outputs,
    List<ColumnEdge> columnEdges) {

  /** The three event kinds of the OpenLineage specification. */
  public enum Kind {
    RUN,
    JOB,
    DATASET
  }

  public LineageEvent {
    requireNonNull(kind, "kind is null");
    requireNonNull(eventTime, "eventTime is null");
    requireNonNull(runId, "runId is null");
    requireNonNull(state, "state is null");
    requireNonNull(job, "job is null");
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    columnEdges = List.copyOf(columnEdges);
    if (kind == Kind.RUN && (runId.isEmpty() || job.isEmpty())) {
      throw new IllegalArgumentException("a run event needs a run id and a job");
    }
  }
}
