package dev.sluice.lineage;

import java.util.HashSet;
import java.util.Set;

/** The datasets a job reads and writes. */
public record JobDatasets(Set<DatasetId> inputs, Set<DatasetId> outputs) {
  public static final JobDatasets NONE = new JobDatasets(Set.of(), Set.of());

  public JobDatasets {
    inputs = Set.copyOf(inputs);
    outputs = Set.copyOf(outputs);
  }

  /** Both. */
  public Set<DatasetId> all() {
    Set<DatasetId> all = new HashSet<>(inputs);
    all.addAll(outputs);
    return all;
  }
}
