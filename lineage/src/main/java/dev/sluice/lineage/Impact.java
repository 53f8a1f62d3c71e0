package dev.sluice.lineage;

import java.util.List;

/**
 * Everything downstream of a dataset: derived datasets, the jobs between, the runs that read them.
 */
public record Impact(
    DatasetId source, List<DatasetId> datasets, List<JobId> jobs, List<RunView> runs) {
  public Impact {
    datasets = datasets.stream().sorted(NodeId.ORDER).toList();
    jobs = jobs.stream().sorted(NodeId.ORDER).toList();
    runs = runs.stream().sorted(RunView.ORDER).toList();
  }
}
