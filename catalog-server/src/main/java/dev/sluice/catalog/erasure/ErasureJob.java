package dev.sluice.catalog.erasure;

import dev.sluice.catalog.audit.AuditEntry;
import dev.sluice.catalog.audit.AuditTrail;
import dev.sluice.catalog.catalog.IcebergCatalogService;
import dev.sluice.catalog.jobs.JobContext;
import dev.sluice.catalog.jobs.JobExecutor;
import dev.sluice.catalog.json.ServerJson;
import dev.sluice.catalog.lineage.DatasetNaming;
import dev.sluice.catalog.lineage.LineageService;
import dev.sluice.catalog.persistence.CatalogStore;
import dev.sluice.catalog.persistence.ErasureEntity;
import dev.sluice.catalog.persistence.ErasureStore;
import dev.sluice.catalog.persistence.JobEntity;
import dev.sluice.catalog.persistence.JobStore;
import dev.sluice.catalog.policy.PolicyService;
import dev.sluice.catalog.retention.RetentionSweep;
import dev.sluice.catalog.retention.RowRemovals;
import dev.sluice.lineage.ColumnEdge;
import dev.sluice.lineage.ColumnRef;
import dev.sluice.policy.model.TableName;
import dev.sluice.zones.StorageLocation;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ManagedContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.iceberg.catalog.TableIdentifier;
import org.jboss.logging.Logger;

/**
 * Runs an erasure (job kind {@code erasure}): finds the tables that hold the subject, erases it
 * from each ({@link TableErasure}), and stores the receipt once every table verified clean. The
 * subject travels sealed in the job's payload and is dropped from it when the erasure is verified
 * or has failed for good.
 */
@ApplicationScoped
public class ErasureJob implements JobExecutor {
  public static final String KIND = "erasure";
  static final String PRINCIPAL = "system:jobs";
  private static final Logger LOG = Logger.getLogger(ErasureJob.class);

  /** The job's payload; {@code sealedSubject} is null once the job no longer needs it. */
  public record Payload(String erasureId, String subjectHash, String sealedSubject) {}

  /** A table to erase from and the column that holds the subject there. */
  record Target(TableName table, List<String> subjectColumns, String foundBy) {}

  static final String CONSENT_SUBJECT_COLUMN = "consent subject-column";
  private static final int LINEAGE_DEPTH = 16;

  /** The stored receipt: what was done to every table, and that none holds the subject now. */
  public record Receipt(
      String erasureId,
      String requestId,
      String subjectHash,
      String reason,
      String verifiedAt,
      long rowsDeleted,
      int tablesErased,
      int tablesSkipped,
      List<TableErasure.TableReceipt> tables) {}

  /** The job's result (the receipt itself is on the erasure). */
  public record Result(String erasureId, String state, String receiptSha256, long rowsDeleted) {}

  private final ErasureStore erasures;
  private final JobStore jobs;
  private final ErasureRequests requests;
  private final ErasureConfig config;
  private final IcebergCatalogService catalog;
  private final PolicyService policies;
  private final AuditTrail audit;
  private final LineageService lineage;
  private final CatalogStore tables;
  private final RowRemovals removals;

  @Inject
  public ErasureJob(
      ErasureStore erasures,
      JobStore jobs,
      ErasureRequests requests,
      ErasureConfig config,
      IcebergCatalogService catalog,
      PolicyService policies,
      AuditTrail audit,
      LineageService lineage,
      CatalogStore tables,
      RowRemovals removals) {
    this.erasures = erasures;
    this.jobs = jobs;
    this.requests = requests;
    this.config = config;
    this.catalog = catalog;
    this.policies = policies;
    this.audit = audit;
    this.lineage = lineage;
    this.tables = tables;
    this.removals = removals;
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public String run(JobContext context) {
    Payload payload = ServerJson.read(context.payload(), Payload.class);
    ErasureEntity erasure =
        erasures
            .find(payload.erasureId())
            .orElseThrow(
                () -> new IllegalStateException("no erasure " + payload.erasureId() + " stored"));
    if (erasure.state == ErasureEntity.State.VERIFIED) {
      // a replica that verified it died before ending the job: the receipt stands
      scrub(context, payload);
      return ServerJson.write(
          new Result(erasure.id, erasure.state.name(), erasure.receiptSha256, -1));
    }
    if (payload.sealedSubject() == null) {
      throw new IllegalStateException("the job no longer holds the subject of " + erasure.id);
    }
    erasures.running(erasure.id);
    try {
      SubjectKeys keys = requests.keys();
      String subject = keys.open(payload.sealedSubject(), erasure.id);
      if (!keys.hash(subject).equals(erasure.subjectHash)) {
        throw new IllegalStateException(
            "the sealed subject does not match the erasure's subject hash (was the key changed?)");
      }
      Receipt receipt = erase(context, erasure, subject);
      String canonical = CanonicalJson.write(receipt);
      String sha256 = CanonicalJson.sha256(canonical);
      List<String> dirty =
          receipt.tables().stream()
              .filter(t -> t.verification() != null && t.verification().matches() > 0)
              .map(
                  t ->
                      t.table()
                          + ": "
                          + t.verification().matches()
                          + " rows of the subject still found ("
                          + String.join("; ", t.verification().found())
                          + ")")
              .toList();
      if (!dirty.isEmpty()) {
        throw new IllegalStateException("verification failed: " + String.join(" | ", dirty));
      }
      if (erasures.verified(erasure.id, canonical, sha256)) {
        audit.record(
            new AuditEntry(
                PRINCIPAL,
                "erasure.verify",
                "erasure " + erasure.id,
                true,
                "job "
                    + context.id()
                    + ": subject "
                    + erasure.subjectHash
                    + " verified absent from "
                    + receipt.tablesErased()
                    + " tables ("
                    + receipt.rowsDeleted()
                    + " rows deleted); receipt sha256 "
                    + sha256));
      }
      scrub(context, payload);
      LOG.infof(
          "Job %s: erasure %s verified; %d rows deleted from %d tables, receipt sha256 %s",
          context.id(), erasure.id, receipt.rowsDeleted(), receipt.tablesErased(), sha256);
      return ServerJson.write(
          new Result(
              erasure.id, ErasureEntity.State.VERIFIED.name(), sha256, receipt.rowsDeleted()));
    } catch (JobContext.LeaseLostException e) {
      throw e;
    } catch (RuntimeException e) {
      String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
      erasures.failed(erasure.id, truncate(reason));
      audit.record(
          new AuditEntry(
              PRINCIPAL,
              "erasure.verify",
              "erasure " + erasure.id,
              false,
              "job " + context.id() + " attempt " + context.attempt() + " failed: " + reason));
      if (finalAttempt(context)) {
        scrub(context, payload);
      }
      throw e;
    }
  }

  private Receipt erase(JobContext context, ErasureEntity erasure, String subject) {
    List<Target> targets = targets();
    List<TableErasure.TableReceipt> tables = new ArrayList<>();
    long rows = 0;
    long files = 0;
    long bytes = 0;
    int erased = 0;
    int skipped = 0;
    for (int i = 0; i < targets.size(); i++) {
      Target target = targets.get(i);
      context.progress(
          ServerJson.write(
              new Progress(i, targets.size(), target.table().toString(), rows, files, bytes)));
      long started = System.nanoTime();
      TableErasure.TableReceipt result = eraseInRequest(context, erasure, target, subject);
      tables.add(result);
      if (result.skipped() != null) {
        skipped++;
        LOG.infof(
            "Job %s: erasure %s: table %d of %d, %s, skipped: %s",
            context.id(), erasure.id, i + 1, targets.size(), result.table(), result.skipped());
      } else {
        erased++;
        rows += result.rowsDeleted();
        files += result.filesRewritten();
        bytes += result.bytesRewritten();
        LOG.infof(
            "Job %s: erasure %s: table %d of %d, %s: %d rows deleted, %d data files (%d bytes)"
                + " rewritten, %d snapshots expired, %d snapshots and %d files verified in %d ms",
            context.id(),
            erasure.id,
            i + 1,
            targets.size(),
            result.table(),
            result.rowsDeleted(),
            result.filesRewritten(),
            result.bytesRewritten(),
            result.snapshotsExpired().size(),
            result.verification().snapshotsScanned(),
            result.verification().filesScanned(),
            (System.nanoTime() - started) / 1_000_000);
      }
    }
    context.progress(
        ServerJson.write(new Progress(targets.size(), targets.size(), null, rows, files, bytes)));
    return new Receipt(
        erasure.id,
        erasure.requestId,
        erasure.subjectHash,
        erasure.reason,
        Instant.now().toString(),
        rows,
        erased,
        skipped,
        tables);
  }

  /** How far an erasure got. */
  public record Progress(
      int tablesDone,
      int tablesTotal,
      String table,
      long rowsDeleted,
      long filesRewritten,
      long bytesRewritten) {}

  /**
   * The tables of the active policy's datasets whose consent names a subject column, then every
   * table a column of which column lineage derives from such a column (transitively), in that
   * order; a table is erased once, by the first column found for it.
   */
  List<Target> targets() {
    List<Target> declared =
        policies
            .active()
            .map(
                policy ->
                    policy.engine().bundle().datasets().values().stream()
                        .filter(
                            d -> d.consent() != null && !d.consent().allSubjectColumns().isEmpty())
                        .map(
                            d ->
                                new Target(
                                    d.table(),
                                    d.consent().allSubjectColumns(),
                                    CONSENT_SUBJECT_COLUMN))
                        .sorted(Comparator.comparing(t -> t.table().toString()))
                        .toList())
            .orElse(List.of());
    Map<String, Target> targets = new LinkedHashMap<>();
    declared.forEach(t -> targets.put(t.table().toString(), t));
    Map<String, Target> derived = new LinkedHashMap<>();
    for (Target source : declared) {
      TableIdentifier identifier = RetentionSweep.identifier(source.table());
      if (!catalog.catalog().tableExists(identifier)) {
        continue;
      }
      String location = catalog.catalog().loadTable(identifier).location();
      for (String subjectColumn : source.subjectColumns()) {
        ColumnRef column = new ColumnRef(DatasetNaming.forLocation(location), subjectColumn);
        for (ColumnEdge edge : lineage.graph().columnDescendants(column, LINEAGE_DEPTH)) {
          Optional<TableName> table = derivedTable(edge.target());
          if (table.isEmpty() || targets.containsKey(table.get().toString())) {
            continue;
          }
          String from = source.table() + "." + subjectColumn;
          derived.merge(
              table.get().toString(),
              new Target(
                  table.get(), List.of(edge.target().field()), "column lineage from " + from),
              (a, b) ->
                  new Target(
                      a.table(),
                      Stream.concat(a.subjectColumns().stream(), b.subjectColumns().stream())
                          .distinct()
                          .toList(),
                      a.foundBy().equals(b.foundBy())
                          ? a.foundBy()
                          : a.foundBy() + ", " + b.foundBy().replace("column lineage ", "")));
        }
      }
    }
    targets.putAll(derived);
    return List.copyOf(targets.values());
  }

  /** The catalog table at a lineage dataset's location, if the dataset is one. */
  private Optional<TableName> derivedTable(ColumnRef column) {
    Optional<String> location = DatasetNaming.locationOf(column.dataset());
    if (location.isEmpty()) {
      return Optional.empty();
    }
    try {
      return tables
          .holderOf(StorageLocation.parse(location.get()))
          .map(id -> TableName.of(List.of(id.namespace().levels()), id.name()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** One table in a request context of its own: its commits carry their decisions, as a sweep's. */
  private TableErasure.TableReceipt eraseInRequest(
      JobContext context, ErasureEntity erasure, Target target, String subject) {
    ManagedContext requestContext = Arc.container().requestContext();
    requestContext.activate();
    try {
      return new TableErasure(
              catalog,
              removals,
              audit,
              context.id(),
              erasure.id,
              erasure.subjectHash,
              config.commitAttempts())
          .erase(
              RetentionSweep.identifier(target.table()),
              target.subjectColumns(),
              target.foundBy(),
              subject);
    } finally {
      try {
        audit.flush();
      } finally {
        requestContext.terminate();
      }
    }
  }

  private boolean finalAttempt(JobContext context) {
    Optional<JobEntity> job = jobs.find(context.id());
    return job.isEmpty() || context.attempt() >= job.get().maxAttempts;
  }

  private void scrub(JobContext context, Payload payload) {
    erasures.replaceJobPayload(
        context.id(),
        ServerJson.write(new Payload(payload.erasureId(), payload.subjectHash(), null)));
  }

  private static String truncate(String text) {
    return text.length() <= 4000 ? text : text.substring(0, 3999) + "…";
  }
}
