package dev.sluice.lineage;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** A run as the graph knows it: its job, state, times and the exact dataset versions it used. */
public record RunView(
    UUID runId,
    JobId job,
    RunState state,
    Optional<Instant> startedAt,
    Optional<Instant> endedAt,
    List<DatasetVersion> inputs,
    List<DatasetVersion> outputs) {
  /** By job, then by when the run started (or ended, when only its end was reported). */
  public static final Comparator<RunView> ORDER =
      Comparator.comparing(RunView::job, NodeId.ORDER)
          .thenComparing(RunView::time)
          .thenComparing(RunView::runId);

  private Instant time() {
    return startedAt.or(() -> endedAt).orElse(Instant.MIN);
  }

  public RunView {
    requireNonNull(runId, "runId is null");
    requireNonNull(job, "job is null");
    requireNonNull(state, "state is null");
    requireNonNull(startedAt, "startedAt is null");
    requireNonNull(endedAt, "endedAt is null");
    inputs = inputs.stream().sorted(DatasetVersion.ORDER).toList();
    outputs = outputs.stream().sorted(DatasetVersion.ORDER).toList();
  }

  /**
   * The versions a run shows: an unversioned mention (e.g. from START) gives way to the versioned
   * one (from COMPLETE) of the same dataset.
   */
  public static List<DatasetVersion> known(Collection<DatasetVersion> versions) {
    Set<DatasetId> versioned = new HashSet<>();
    versions.stream().filter(v -> !v.version().isEmpty()).forEach(v -> versioned.add(v.dataset()));
    return versions.stream()
        .filter(v -> !v.version().isEmpty() || !versioned.contains(v.dataset()))
        .toList();
  }
}
