package dev.sluice.lineage;

/** The two kinds of node in the lineage graph. */
public enum NodeKind {
  DATASET,
  JOB
}
