package dev.sluice.lineage;

import static java.util.Objects.requireNonNull;

import java.util.Comparator;

/**
 * A dataset at one version; for Iceberg tables the version is the snapshot id, so time travel finds
 * the exact data again. {@code version} is empty when the producer did not say.
 */
public record DatasetVersion(DatasetId dataset, String version) {
  public static final Comparator<DatasetVersion> ORDER =
      Comparator.comparing(DatasetVersion::dataset, NodeId.ORDER)
          .thenComparing(DatasetVersion::version);

  public DatasetVersion {
    requireNonNull(dataset, "dataset is null");
    version = version == null ? "" : version;
  }
}
