package dev.sluice.catalog.contracts;

import dev.sluice.lineage.ColumnEdge;
import dev.sluice.lineage.ColumnRef;
import dev.sluice.lineage.DatasetId;
import dev.sluice.lineage.JobId;
import dev.sluice.lineage.LineageGraph;
import dev.sluice.lineage.NodeId;
import dev.sluice.lineage.RunView;
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
 * Which jobs read a table's columns according to lineage: a job with a run since {@code since} that
 * has the table among its inputs. Where column lineage names a column's use, only the jobs writing
 * the derived columns' datasets read it; a table without column lineage is read whole by every such
 * job, since nothing says which columns it uses.
 */
final class LineageReaders {
  private final LineageGraph graph;
  private final Instant since;

  LineageReaders(LineageGraph graph, Instant since) {
    this.graph = graph;
    this.since = since;
  }

  /** Column name to the jobs that read it, spelled {@code namespace/name}; every column listed. */
  Map<String, List<String>> of(DatasetId dataset, Collection<String> columns) {
    Map<String, List<String>> readers = new LinkedHashMap<>();
    List<JobId> jobs = recentReaders(dataset);
    if (jobs.isEmpty()) {
      return readers;
    }
    Map<String, Set<DatasetId>> derivedInto = new LinkedHashMap<>();
    boolean anyColumnLineage = false;
    for (String column : columns) {
      Set<DatasetId> targets = new LinkedHashSet<>();
      for (ColumnEdge edge : graph.columnDescendants(new ColumnRef(dataset, column), 1)) {
        targets.add(edge.target().dataset());
      }
      anyColumnLineage |= !targets.isEmpty();
      derivedInto.put(column, targets);
    }
    for (String column : columns) {
      List<String> names = new ArrayList<>();
      for (JobId job : jobs) {
        if (!anyColumnLineage || writesAny(job, derivedInto.get(column))) {
          names.add(job.namespace() + "/" + job.name());
        }
      }
      if (!names.isEmpty()) {
        readers.put(column, names);
      }
    }
    return readers;
  }

  private List<JobId> recentReaders(DatasetId dataset) {
    List<JobId> jobs = new ArrayList<>();
    for (NodeId node : graph.downstream(dataset, 1).nodes()) {
      if (node instanceof JobId job && ranSince(job)) {
        jobs.add(job);
      }
    }
    return jobs;
  }

  private boolean ranSince(JobId job) {
    for (RunView run : graph.runsOf(job)) {
      Optional<Instant> at = run.endedAt().or(run::startedAt);
      if (at.isPresent() && !at.get().isBefore(since)) {
        return true;
      }
    }
    return false;
  }

  private boolean writesAny(JobId job, Set<DatasetId> datasets) {
    if (datasets == null || datasets.isEmpty()) {
      return false;
    }
    for (var edge : graph.downstream(job, 1).edges()) {
      if (edge.to() instanceof DatasetId written && datasets.contains(written)) {
        return true;
      }
    }
    return false;
  }
}
