package dev.sluice.catalog.asof;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.catalog.persistence.PolicyVersionEntity;
import dev.sluice.policy.model.Contract;
import dev.sluice.policy.model.Durations;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.apache.iceberg.Snapshot;

/** JSON shapes of the as-of answers. */
final class AsOfViews {
  private AsOfViews() {}

  /**
   * A table as it was at {@code time}: the main branch's snapshot then, the schema it was written
   * with, the metadata file current then ({@code null} when the table's metadata log no longer
   * reaches back), the file this answer was read from, and the policy version active then.
   */
  record TableAsOf(
      String dataset,
      Instant time,
      SnapshotView snapshot,
      int schemaId,
      JsonNode schema,
      String metadataLocation,
      String readFromMetadataLocation,
      PolicyView policy) {}

  record SnapshotView(
      long id, Instant timestamp, Long parentId, String operation, long sequenceNumber) {
    static SnapshotView of(Snapshot snapshot) {
      return new SnapshotView(
          snapshot.snapshotId(),
          Instant.ofEpochMilli(snapshot.timestampMillis()),
          snapshot.parentId(),
          snapshot.operation(),
          snapshot.sequenceNumber());
    }
  }

  /**
   * The policy version active at the time, with the table's effective contract in it ({@code null}
   * when it declares none); {@code contractUnavailable} says why a version's contract could not be
   * read again.
   */
  record PolicyView(
      int version,
      String contentHash,
      OffsetDateTime appliedAt,
      ContractView contract,
      String contractUnavailable) {
    static PolicyView of(PolicyVersionEntity version, ContractView contract, String unavailable) {
      return new PolicyView(
          version.version, version.contentHash, version.appliedAt, contract, unavailable);
    }
  }

  /**
   * A contract as a consumer checks it: its summary, where it was written ({@code file:line:column}
   * in that version's bundle) and its parts.
   */
  record ContractView(
      String summary,
      String origin,
      String producer,
      List<String> consumers,
      String compatibility,
      String severity,
      List<String> fields,
      List<String> partitionFields,
      String maxStaleness) {
    static ContractView of(Contract contract) {
      return new ContractView(
          contract.describe(),
          contract.origin().toString(),
          contract.producer(),
          contract.consumers(),
          contract.effectiveCompatibility().spelling(),
          contract.effectiveSeverity().spelling(),
          List.copyOf(contract.fields().keySet()),
          contract.partitionFields(),
          contract.freshness().map(Durations::format).orElse(null));
    }
  }

  /** A run's inputs, each as it was when the run read it. */
  record RunAsOf(
      String runId,
      JobView job,
      String state,
      Instant time,
      String timeFrom,
      List<InputAsOf> inputs) {}

  record JobView(String namespace, String name) {}

  /**
   * One input of a run: the dataset as lineage names it and the version its engine reported; the
   * catalog table at its location and the answer for it, or the {@code reason} there is none. The
   * snapshot is the reported one when it is a snapshot the table keeps ({@code snapshotFrom} {@code
   * reported}), else the one current at the run's time ({@code time}); {@code snapshotAtTime} is
   * the latter and {@code agrees} whether the two are the same.
   */
  record InputAsOf(
      String namespace,
      String name,
      String reportedVersion,
      String table,
      String snapshotFrom,
      Long snapshotAtTime,
      Boolean agrees,
      String note,
      String reason,
      TableAsOf asOf) {

    static InputAsOf unanswered(
        String namespace, String name, String version, String table, String reason) {
      return new InputAsOf(namespace, name, version, table, null, null, null, null, reason, null);
    }
  }
}
