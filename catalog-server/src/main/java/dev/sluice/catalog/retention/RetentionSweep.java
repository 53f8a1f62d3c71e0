package dev.sluice.catalog.retention;

import dev.sluice.catalog.audit.AuditEntry;
import dev.sluice.catalog.audit.AuditTrail;
import dev.sluice.catalog.catalog.IcebergCatalogService;
import dev.sluice.catalog.jobs.JobContext;
import dev.sluice.catalog.jobs.JobExecutor;
import dev.sluice.catalog.json.ServerJson;
import dev.sluice.catalog.policy.ActivePolicy;
import dev.sluice.catalog.policy.PolicyService;
import dev.sluice.catalog.security.Names;
import dev.sluice.policy.model.Dataset;
import dev.sluice.policy.model.Durations;
import dev.sluice.policy.model.Retention;
import dev.sluice.policy.model.TableName;
import dev.sluice.zones.StorageLocation;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ManagedContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.jboss.logging.Logger;

/**
 * Runs a dataset's retention on its table: removes expired rows from the current snapshot
 * (copy-on-write, through the catalog's own commit path), expires snapshots older than the
 * time-travel window, and removes orphan files under the table's location. Each step is audited as
 * {@code system:jobs}. Safe to run again after a crash: a second run finds nothing left to do.
 */
@ApplicationScoped
public class RetentionSweep implements JobExecutor {
  public static final String KIND = "retention.sweep";

  /** The job subject of a sweep of every table with a retention. */
  public static final String ALL_TABLES = "*";

  static final String PRINCIPAL = "system:jobs";
  private static final Logger LOG = Logger.getLogger(RetentionSweep.class);

  /** Names the branches a sweep makes at a tag to rewrite its snapshot (then drops). */
  static final String TEMPORARY_BRANCH_PREFIX = "sluice-retention-";

  private static final long PROGRESS_EVERY_MILLIS = 2_000;
  private static final long LOG_EVERY_MILLIS = 30_000;

  private final IcebergCatalogService catalog;
  private final PolicyService policies;
  private final AuditTrail audit;
  private final RetentionConfig config;
  private final RowRemovals removals;

  /** What a sweep job is given: one table ({@code ns.table}), or null for all. */
  public record Request(String table) {}

  /** How far a sweep got, summed over the tables done so far. */
  public record Progress(
      int tablesDone,
      int tablesTotal,
      String table,
      long rowsRemoved,
      long filesRewritten,
      long bytesRewritten,
      long snapshotsExpired,
      long orphanFilesRemoved) {}

  /** What a sweep did to one table; {@code skipped} says why nothing was done. */
  public record TableResult(
      String table,
      String skipped,
      String executor,
      List<String> expiredWhen,
      long rowsRemoved,
      long rowsKept,
      int filesRewritten,
      long bytesRewritten,
      int filesWritten,
      long bytesWritten,
      int deleteFilesRemoved,
      Long rewriteSnapshotId,
      int rewriteAttempts,
      List<RefRewrites.RefMoved> refsRewritten,
      int snapshotsExpired,
      int expiredFilesLeftOutside,
      int orphanFilesRemoved,
      List<String> orphanExamples) {
    static TableResult skipped(String table, String reason) {
      return new TableResult(
          table, reason, null, List.of(), 0, 0, 0, 0, 0, 0, 0, null, 0, List.of(), 0, 0, 0,
          List.of());
    }
  }

  /** The result of a sweep: totals and one entry per table. */
  public record Result(
      int tables,
      long rowsRemoved,
      long filesRewritten,
      long bytesRewritten,
      long snapshotsExpired,
      long orphanFilesRemoved,
      List<TableResult> results) {}

  @Inject
  public RetentionSweep(
      IcebergCatalogService catalog,
      PolicyService policies,
      AuditTrail audit,
      RetentionConfig config,
      RowRemovals removals) {
    this.catalog = catalog;
    this.policies = policies;
    this.audit = audit;
    this.config = config;
    this.removals = removals;
  }

  @Override
  public String kind() {
    return KIND;
  }

  /** The datasets of the active policy that have a retention, in name order. */
  public List<Dataset> retained() {
    return policies.active().map(RetentionSweep::retained).orElse(List.of());
  }

  private static List<Dataset> retained(ActivePolicy policy) {
    return policy.engine().bundle().datasets().values().stream()
        .filter(dataset -> dataset.retention() != null)
        .toList();
  }

  /** The retention the active policy sets on a table, if any. */
  public Optional<Retention> retentionOf(TableName table) {
    return policies
        .active()
        .flatMap(policy -> policy.engine().bundle().dataset(table))
        .map(Dataset::retention);
  }

  public static TableIdentifier identifier(TableName table) {
    return TableIdentifier.of(Namespace.of(table.namespace().toArray(String[]::new)), table.name());
  }

  @Override
  public String run(JobContext context) {
    Request request = ServerJson.read(context.payload(), Request.class);
    List<TableName> tables;
    if (request.table() == null) {
      tables = retained().stream().map(Dataset::table).toList();
    } else {
      tables = List.of(TableName.of(request.table()));
    }
    Totals totals = new Totals(context, tables.size());
    List<TableResult> results = new ArrayList<>();
    LOG.infof("Job %s: retention sweep of %d tables", context.id(), tables.size());
    List<String> failed = new ArrayList<>();
    for (TableName table : tables) {
      totals.table = table.toString();
      totals.report(true);
      try {
        TableResult result = sweep(context, table, totals);
        results.add(result);
        LOG.infof(
            "Job %s: retention sweep %d/%d tables; %s: %s",
            context.id(), totals.tablesDone + 1, tables.size(), table, describe(result));
      } catch (JobContext.LeaseLostException e) {
        throw e;
      } catch (RuntimeException e) {
        // one broken table does not hold up the others; the job fails and is retried after them
        LOG.errorf(e, "Job %s: retention sweep of %s failed", context.id(), table);
        failed.add(table + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
      }
      totals.tablesDone++;
      totals.report(true);
    }
    if (!failed.isEmpty()) {
      throw new IllegalStateException(
          "retention sweep failed for " + failed.size() + " tables: " + String.join("; ", failed));
    }
    return ServerJson.write(
        new Result(
            tables.size(),
            totals.rowsRemoved,
            totals.filesRewritten,
            totals.bytesRewritten,
            totals.snapshotsExpired,
            totals.orphansRemoved,
            results));
  }

  /**
   * Sweeps one table in a request context of its own: the catalog commits a change only with the
   * decision that allowed it, written in the change's transaction, as for a request.
   */
  private TableResult sweep(JobContext context, TableName name, Totals totals) {
    ManagedContext requestContext = Arc.container().requestContext();
    requestContext.activate();
    try {
      return sweepTable(context, name, totals);
    } finally {
      try {
        audit.flush();
      } finally {
        requestContext.terminate();
      }
    }
  }

  private TableResult sweepTable(JobContext context, TableName name, Totals totals) {
    TableIdentifier identifier = identifier(name);
    String text = Names.text(identifier);
    Optional<Retention> retention = retentionOf(name);
    if (retention.isEmpty()) {
      return skip(context, text, "the active policy sets no retention on it");
    }
    if (!catalog.catalog().tableExists(identifier)) {
      // a dataset the policy declares before anyone creates its table: nothing to do, no decision
      return TableResult.skipped(text, "no such table");
    }
    Table table = catalog.catalog().loadTable(identifier);
    Instant now = Instant.now();
    Optional<RowExpiry> expiry;
    try {
      expiry = RowExpiry.of(retention.get(), table.schema(), now);
    } catch (IllegalArgumentException e) {
      return skip(context, text, e.getMessage());
    }

    RefRewrites.Result rewritten = RefRewrites.Result.NOTHING;
    if (expiry.isPresent()) {
      String temporaryPrefix = TEMPORARY_BRANCH_PREFIX + context.id() + "-";
      RefRewrites.Listener refs = refListener(context, text);
      RefRewrites.dropTemporaryBranches(table, temporaryPrefix, refs);
      rewritten =
          RefRewrites.run(
              table,
              temporaryPrefix,
              branch -> rewrite(context, table, identifier, text, expiry.get(), branch, totals),
              refs);
      totals.rowsRemoved += rewritten.rowsRemoved();
      totals.filesRewritten += rewritten.filesRewritten();
      totals.bytesRewritten += rewritten.bytesRewritten();
      if (rewritten.moved().isEmpty()) {
        record(
            context,
            "retention.rewrite",
            text,
            true,
            "no row where " + String.join(" or ", expiry.get().conditions()));
      }
      totals.report(true);
    }

    int expired = 0;
    AtomicInteger leftOutside = new AtomicInteger();
    Duration timeTravel = retention.get().timeTravel();
    if (timeTravel != null) {
      Instant cutoff = now.minus(timeTravel);
      expired =
          expireSnapshots(
              table,
              cutoff,
              leftOutside,
              () ->
                  record(
                      context,
                      "retention.expire-snapshots",
                      text,
                      true,
                      "expire snapshots older than "
                          + cutoff
                          + " (time travel "
                          + Durations.format(timeTravel)
                          + "), keeping the current one, and the files only they reach"));
      totals.snapshotsExpired += expired;
      if (leftOutside.get() > 0) {
        record(
            context,
            "retention.expire-snapshots",
            text,
            false,
            "left "
                + leftOutside.get()
                + " files of expired snapshots that lie outside the table's location");
      }
      totals.report(true);
    }

    Duration orphanAge =
        timeTravel != null && timeTravel.compareTo(config.orphanMinAge()) > 0
            ? timeTravel
            : config.orphanMinAge();
    OrphanFiles.Outcome orphans = OrphanFiles.remove(table, now.minus(orphanAge));
    totals.orphansRemoved += orphans.removed();
    record(
        context,
        "retention.remove-orphans",
        text,
        true,
        "removed "
            + orphans.removed()
            + " of "
            + orphans.listed()
            + " files under "
            + table.location()
            + " that no retained metadata reaches and older than "
            + now.minus(orphanAge));
    ExpiredRowsRewrite.Outcome main = rewritten.main();
    return new TableResult(
        text,
        null,
        rewritten.executorOf(SnapshotRef.MAIN_BRANCH),
        expiry.map(RowExpiry::conditions).orElse(List.of()),
        rewritten.rowsRemoved(),
        main.rowsKept(),
        rewritten.filesRewritten(),
        rewritten.bytesRewritten(),
        rewritten.filesWritten(),
        rewritten.bytesWritten(),
        rewritten.deleteFilesRemoved(),
        main.snapshotId(),
        main.attempts(),
        rewritten.moved(),
        expired,
        leftOutside.get(),
        orphans.removed(),
        orphans.examples());
  }

  /** Removes the expired rows from one branch's head, by the executor the table calls for. */
  private RefRewrites.Rewritten rewrite(
      JobContext context,
      Table table,
      TableIdentifier identifier,
      String text,
      RowExpiry expiry,
      String branch,
      Totals totals) {
    RowRemovals.Choice choice =
        removals.choose(table, expiry, branch, context.id(), KIND, config.commitAttempts());
    RowRemoval removal = choice.removal();
    String by =
        "branch "
            + branch
            + ", executor "
            + removal.executor()
            + (choice.reason() == null ? "" : " (" + choice.reason() + ")");
    try {
      ExpiredRowsRewrite.Outcome done =
          removal.remove(
              table,
              identifier,
              expiry,
              branch,
              new RowRemoval.Events() {
                @Override
                public void examined(int examined, int candidates, long removed) {
                  totals.within(text, examined, candidates);
                }

                @Override
                public void planned(ExpiredRowsRewrite.Outcome planned) {
                  recordRewrite(context, text, expiry, planned, by);
                }

                @Override
                public void conflict(RuntimeException conflict) {
                  LOG.infof(
                      "Job %s: rewrite of %s branch %s conflicted with a concurrent commit (%s);"
                          + " planning again",
                      context.id(), text, branch, conflict.getMessage());
                }
              });
      return new RefRewrites.Rewritten(done, removal.executor());
    } catch (CommitFailedException | ValidationException e) {
      record(
          context,
          "retention.rewrite",
          text,
          false,
          by
              + ": gave up after "
              + config.commitAttempts()
              + " commits that conflicted with concurrent ones: "
              + e.getMessage());
      throw e;
    }
  }

  /** Audits the ref changes of the rewrites before they are committed. */
  private RefRewrites.Listener refListener(JobContext context, String text) {
    return new RefRewrites.Listener() {
      @Override
      public void temporaryBranch(String branch, String tag, long snapshot) {
        record(context, "retention.rewrite", text, true, "branch " + branch + " at tag " + tag);
      }

      @Override
      public void tagMoved(String tag, long from, long to) {
        record(
            context,
            "retention.repoint-tag",
            text,
            true,
            "tag " + tag + " from snapshot " + from + " to " + to + ", without the expired rows");
      }

      @Override
      public void temporaryBranchDropped(String branch) {
        record(context, "retention.rewrite", text, true, "drop temporary branch " + branch);
      }
    };
  }

  /**
   * Expires the snapshots committed before {@code cutoff}, always keeping the current one; files
   * only expired snapshots reached are deleted, but only under the table's own location (a metadata
   * file can name any path).
   */
  private static int expireSnapshots(
      Table table, Instant cutoff, AtomicInteger leftOutside, Runnable beforeCommit) {
    table.refresh();
    int before = size(table.snapshots());
    boolean anyOlder = false;
    for (Snapshot snapshot : table.snapshots()) {
      anyOlder |= snapshot.timestampMillis() < cutoff.toEpochMilli();
    }
    if (!anyOlder) {
      return 0;
    }
    StorageLocation root = StorageLocation.parse(table.location());
    beforeCommit.run();
    table
        .expireSnapshots()
        .expireOlderThan(cutoff.toEpochMilli())
        .retainLast(1)
        .deleteWith(
            path -> {
              if (isWithin(path, root)) {
                table.io().deleteFile(path);
              } else {
                leftOutside.incrementAndGet();
              }
            })
        .commit();
    table.refresh();
    return before - size(table.snapshots());
  }

  private static int size(Iterable<?> items) {
    int count = 0;
    for (Object ignored : items) {
      count++;
    }
    return count;
  }

  private static boolean isWithin(String path, StorageLocation root) {
    try {
      return StorageLocation.parse(path).isStrictlyWithin(root);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private void recordRewrite(
      JobContext context,
      String table,
      RowExpiry expiry,
      ExpiredRowsRewrite.Outcome planned,
      String by) {
    record(
        context,
        "retention.rewrite",
        table,
        true,
        "removed "
            + planned.rowsRemoved()
            + " rows where "
            + String.join(" or ", expiry.conditions())
            + ": rewrote "
            + planned.filesRewritten()
            + " data files ("
            + planned.bytesRewritten()
            + " bytes) into "
            + planned.filesWritten()
            + ", dropped "
            + planned.deleteFilesRemoved()
            + " delete files that applied only to them; "
            + by);
  }

  private TableResult skip(JobContext context, String table, String reason) {
    record(context, "retention.sweep", table, false, "skipped: " + reason);
    LOG.warnf("Job %s: retention sweep skipped %s: %s", context.id(), table, reason);
    return TableResult.skipped(table, reason);
  }

  private void record(
      JobContext context, String action, String table, boolean allowed, String what) {
    audit.record(
        new AuditEntry(PRINCIPAL, action, table, allowed, "job " + context.id() + ": " + what));
  }

  private static String describe(TableResult result) {
    if (result.skipped() != null) {
      return "skipped (" + result.skipped() + ")";
    }
    return result.rowsRemoved()
        + " expired rows removed, "
        + result.filesRewritten()
        + " files rewritten, "
        + result.snapshotsExpired()
        + " snapshots expired, "
        + result.orphanFilesRemoved()
        + " orphan files removed";
  }

  /** Running totals, reported as the job's progress (at most every two seconds within a table). */
  private static final class Totals {
    private final JobContext context;
    private final int tablesTotal;
    private int tablesDone;
    private String table;
    private long rowsRemoved;
    private long filesRewritten;
    private long bytesRewritten;
    private long snapshotsExpired;
    private long orphansRemoved;
    private long lastReport;
    private long lastLog = System.currentTimeMillis();

    Totals(JobContext context, int tablesTotal) {
      this.context = context;
      this.tablesTotal = tablesTotal;
    }

    void within(String table, int examined, int candidates) {
      long now = System.currentTimeMillis();
      if (now - lastLog >= LOG_EVERY_MILLIS) {
        lastLog = now;
        LOG.infof(
            "Job %s: %s: examined %d of %d data files that may hold expired rows",
            context.id(), table, examined, candidates);
      }
      report(false);
    }

    void report(boolean always) {
      long now = System.currentTimeMillis();
      if (!always && now - lastReport < PROGRESS_EVERY_MILLIS) {
        return;
      }
      lastReport = now;
      context.progress(
          ServerJson.write(
              new Progress(
                  tablesDone,
                  tablesTotal,
                  table,
                  rowsRemoved,
                  filesRewritten,
                  bytesRewritten,
                  snapshotsExpired,
                  orphansRemoved)));
    }
  }
}
