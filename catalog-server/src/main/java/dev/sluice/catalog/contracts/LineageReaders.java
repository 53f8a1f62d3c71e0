package dev.sluice.catalog.contracts;

import dev.sluice.lineage.ColumnEdge;
import dev.sluice.lineage.ColumnRef;
import dev.sluice.lineage.DatasetId;
import dev.sluice.lineage.JobId;
import dev.sluice.lineage.LineageGraph;
import dev.sluice.lineage.NodeId;
import dev.sluice.lineage.RunView;
import dev.sluice.lineage.Visibility;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which jobs read a table's columns according to lineage: a job whose latest completed run ended
 * after {@code since} and read the table. A job whose outputs carry column lineage from the table
 * reads the columns that lineage names; a job without any reads every column, since nothing says
 * which it uses.
 */
final class LineageReaders {
  /** How a job the caller may not see is named. */
  static final String HIDDEN = "a job you may not see";

  private final LineageGraph graph;
  private final Instant since;
  private final Visibility caller;

  /** {@code caller} decides which jobs are named; the others count, unnamed. */
  LineageReaders(LineageGraph graph, Instant since, Visibility caller) {
    this.graph = graph;
    this.since = since;
    this.caller = caller;
  }

  /** Column name to the jobs that read it, spelled {@code namespace/name}; every column listed. */
  Map<String, List<String>> of(DatasetId dataset, Collection<String> columns) {
    Map<String, List<String>> readers = new LinkedHashMap<>();
    List<JobId> jobs = recentReaders(dataset);
    if (jobs.isEmpty()) {
      return readers;
    }
    Map<String, Set<DatasetId>> derivedInto = new LinkedHashMap<>();
    for (String column : columns) {
      Set<DatasetId> targets = new LinkedHashSet<>();
      for (ColumnEdge edge : graph.columnDescendants(new ColumnRef(dataset, column), 1)) {
        targets.add(edge.target().dataset());
      }
      derivedInto.put(column, targets);
    }
    for (JobId job : jobs) {
      Set<DatasetId> written = written(job);
      String name = visible(job, dataset, written) ? job.namespace() + "/" + job.name() : HIDDEN;
      // a job whose outputs carry no column lineage from this table reads every column of it
      boolean columnLineage =
          derivedInto.values().stream().anyMatch(targets -> intersects(targets, written));
      for (String column : columns) {
        if (!columnLineage || intersects(derivedInto.get(column), written)) {
          readers.computeIfAbsent(column, c -> new ArrayList<>()).add(name);
        }
      }
    }
    return readers;
  }

  /** The jobs whose latest completed run read the table and ended since the window began. */
  private List<JobId> recentReaders(DatasetId dataset) {
    List<JobId> readers = new ArrayList<>();
    for (NodeId node : graph.downstream(dataset, 1).nodes()) {
      if (node instanceof JobId job) {
        readers.add(job);
      }
    }
    if (readers.isEmpty()) {
      return readers;
    }
    Map<JobId, RunView> latest = graph.latestCompletedRuns(readers);
    List<JobId> recent = new ArrayList<>();
    for (JobId job : readers) {
      RunView run = latest.get(job);
      Optional<Instant> at = run == null ? Optional.empty() : run.endedAt();
      // a job that has moved on to other inputs no longer consumes this table
      if (at.isPresent()
          && !at.get().isBefore(since)
          && run.inputs().stream().anyMatch(input -> input.dataset().equals(dataset))) {
        recent.add(job);
      }
    }
    return recent;
  }

  private Set<DatasetId> written(JobId job) {
    Set<DatasetId> written = new LinkedHashSet<>();
    for (var edge : graph.downstream(job, 1).edges()) {
      if (edge.to() instanceof DatasetId dataset) {
        written.add(dataset);
      }
    }
    return written;
  }

  private boolean visible(JobId job, DatasetId read, Set<DatasetId> written) {
    return caller
        .jobRule(job)
        .orElseGet(() -> caller.dataset(read) || written.stream().anyMatch(caller::dataset));
  }

  private static boolean intersects(Set<DatasetId> a, Set<DatasetId> b) {
    for (DatasetId dataset : a) {
      if (b.contains(dataset)) {
        return true;
      }
    }
    return false;
  }
}
