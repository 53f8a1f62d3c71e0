package dev.sluice.it.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.it.Progress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.BaseTransaction;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.HistoryEntry;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableCommit;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Commits against the packaged server on PostgreSQL through Iceberg's own REST client: concurrent
 * writers lose no update, and multi-table transactions move all their tables or none.
 */
class ConcurrentCommitsIT {
  static final Schema SCHEMA =
      new Schema(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.optional(2, "data", Types.StringType.get()));

  /** Writers retry their own conflicts; the server must never lose a commit it acknowledged. */
  static final Map<String, String> RETRYING =
      Map.of(
          TableProperties.COMMIT_NUM_RETRIES, "1000",
          TableProperties.COMMIT_MIN_RETRY_WAIT_MS, "5",
          TableProperties.COMMIT_MAX_RETRY_WAIT_MS, "200",
          TableProperties.COMMIT_TOTAL_RETRY_TIME_MS, "600000");

  private static SluiceOnPostgres server;

  @BeforeAll
  static void start() throws Exception {
    server = SluiceOnPostgres.start("concurrent");
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  static DataFile dataFile(Table table, String name) {
    return DataFiles.builder(PartitionSpec.unpartitioned())
        .withPath(table.location() + "/data/" + name + ".parquet")
        .withFileSizeInBytes(1024)
        .withRecordCount(1)
        .withFormat("parquet")
        .build();
  }

  static Set<String> dataFiles(Table table) throws Exception {
    Set<String> names = new HashSet<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        String path = task.file().location();
        names.add(path.substring(path.lastIndexOf('/') + 1).replace(".parquet", ""));
      }
    }
    return names;
  }

  @Test
  void eightWritersAppendFiftyTimesEachWithoutLosingAnUpdate() throws Exception {
    int writers = 8;
    int appendsPerWriter = 50;
    int total = writers * appendsPerWriter;
    TableIdentifier identifier = TableIdentifier.of("concurrent", "appends");
    try (RESTCatalog admin = server.client()) {
      admin.createNamespace(Namespace.of("concurrent"));
      admin.buildTable(identifier, SCHEMA).withProperties(RETRYING).create();
    }
    double conflictsBefore =
        SluiceOnPostgres.counter(server.metrics(), "sluice_commit_conflicts_total");
    double returnedBefore =
        SluiceOnPostgres.counter(server.metrics(), "sluice_commit_conflicts_returned_total");
    double bypassedBefore =
        SluiceOnPostgres.counter(server.metrics(), "sluice_commit_queue_bypassed_total");

    ExecutorService pool = Executors.newFixedThreadPool(writers);
    CountDownLatch ready = new CountDownLatch(writers);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Integer>> results = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int writer = w;
      results.add(
          pool.submit(
              () -> {
                // each writer is its own client, as separate engines would be
                try (RESTCatalog client = server.client()) {
                  Table table = client.loadTable(identifier);
                  ready.countDown();
                  go.await();
                  for (int i = 0; i < appendsPerWriter; i++) {
                    table
                        .newFastAppend()
                        .appendFile(dataFile(table, "w" + writer + "-" + i))
                        .commit();
                  }
                  return appendsPerWriter;
                }
              }));
    }
    ready.await(2, TimeUnit.MINUTES);
    long started = System.nanoTime();
    go.countDown();
    int acknowledged = 0;
    for (Future<Integer> result : results) {
      acknowledged += result.get(15, TimeUnit.MINUTES);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    pool.shutdown();

    String metrics = server.metrics();
    double conflicts =
        SluiceOnPostgres.counter(metrics, "sluice_commit_conflicts_total") - conflictsBefore;
    double returned =
        SluiceOnPostgres.counter(metrics, "sluice_commit_conflicts_returned_total")
            - returnedBefore;
    Progress.say(
        "concurrency: %d writers x %d appends = %d commits in %.1f s = %.1f commits/s;"
            + " pointer conflicts found by compare-and-swap: %.0f;"
            + " 409 conflicts answered (writers retried): %.0f",
        writers,
        appendsPerWriter,
        acknowledged,
        seconds,
        acknowledged / seconds,
        conflicts,
        returned);

    try (RESTCatalog reader = server.client()) {
      Table table = reader.loadTable(identifier);
      List<Snapshot> snapshots = new ArrayList<>();
      table.snapshots().forEach(snapshots::add);
      assertThat(acknowledged).isEqualTo(total);
      assertThat(snapshots).hasSize(total);
      assertThat(snapshots).allMatch(s -> "append".equals(s.operation()));
      assertThat(snapshots).allMatch(s -> "1".equals(s.summary().get("added-data-files")));
      assertThat(table.currentSnapshot().summary()).containsEntry("total-data-files", "400");
      assertThat(table.currentSnapshot().sequenceNumber()).isEqualTo(total);
      List<HistoryEntry> history = table.history();
      assertThat(history).hasSize(total);

      // every acknowledged append is reachable from the current snapshot, each exactly once
      Set<String> expected = new HashSet<>();
      for (int w = 0; w < writers; w++) {
        for (int i = 0; i < appendsPerWriter; i++) {
          expected.add("w" + w + "-" + i);
        }
      }
      assertThat(dataFiles(table)).isEqualTo(expected);
      int ancestors = 0;
      for (Snapshot s = table.currentSnapshot();
          s != null;
          s = s.parentId() == null ? null : table.snapshot(s.parentId())) {
        ancestors++;
      }
      assertThat(ancestors).isEqualTo(total);
    }
    // one replica lets commits to a table take turns: a loser's requirement fails before it
    // writes a metadata file, so none reaches the pointer's compare-and-swap only to lose there,
    // unless it went ahead without its turn (it waited the whole bound)
    double bypassed =
        SluiceOnPostgres.counter(metrics, "sluice_commit_queue_bypassed_total") - bypassedBefore;
    assertThat(conflicts)
        .as("pointer conflicts found by compare-and-swap")
        .isLessThanOrEqualTo(bypassed);
    assertThat(returned).as("409 answers, each a retry by a writer").isPositive();
  }

  private static TableCommit commitOf(TableIdentifier identifier, Transaction transaction) {
    BaseTransaction base = (BaseTransaction) transaction;
    return TableCommit.create(identifier, base.startMetadata(), base.currentMetadata());
  }

  @Test
  void multiTableTransactionsMoveAllTablesOrNone() throws Exception {
    TableIdentifier a = TableIdentifier.of("tx", "orders");
    TableIdentifier b = TableIdentifier.of("tx", "order_lines");
    try (RESTCatalog catalog = server.client()) {
      catalog.createNamespace(Namespace.of("tx"));
      catalog.createTable(a, SCHEMA);
      catalog.createTable(b, SCHEMA);

      // both succeed: both move
      Table ta = catalog.loadTable(a);
      Table tb = catalog.loadTable(b);
      Transaction txA = ta.newTransaction();
      txA.newFastAppend().appendFile(dataFile(ta, "first")).commit();
      Transaction txB = tb.newTransaction();
      txB.newFastAppend().appendFile(dataFile(tb, "first")).commit();
      txB.updateSchema().addColumn("amount", Types.LongType.get()).commit();
      catalog.commitTransaction(commitOf(a, txA), commitOf(b, txB));

      ta = catalog.loadTable(a);
      tb = catalog.loadTable(b);
      assertThat(dataFiles(ta)).containsExactly("first");
      assertThat(dataFiles(tb)).containsExactly("first");
      assertThat(tb.schema().findField("amount")).isNotNull();
      String locationA = location(ta);
      String locationB = location(tb);

      // b changes under the transaction: its requirement fails, and a must not move either
      Transaction staleA = ta.newTransaction();
      staleA.newFastAppend().appendFile(dataFile(ta, "second")).commit();
      Transaction staleB = tb.newTransaction();
      staleB.updateSchema().addColumn("discount", Types.LongType.get()).commit();
      catalog.loadTable(b).updateSchema().addColumn("sneaky", Types.StringType.get()).commit();
      String locationBAfterSneak = location(catalog.loadTable(b));

      TableCommit commitA = commitOf(a, staleA);
      TableCommit commitB = commitOf(b, staleB);
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> catalog.commitTransaction(commitA, commitB))
          .isInstanceOf(CommitFailedException.class)
          .hasMessageContaining("Requirement failed");

      Table afterA = catalog.loadTable(a);
      Table afterB = catalog.loadTable(b);
      assertThat(location(afterA)).isEqualTo(locationA);
      assertThat(dataFiles(afterA)).containsExactly("first");
      assertThat(location(afterB)).isEqualTo(locationBAfterSneak).isNotEqualTo(locationB);
      assertThat(afterB.schema().findField("discount")).isNull();
      assertThat(afterB.schema().findField("sneaky")).isNotNull();
      Progress.say("transactions: a failed requirement on one table left both tables unmoved");
    }
  }

  @Test
  void concurrentTransactionsKeepTablesInStep() throws Exception {
    TableIdentifier a = TableIdentifier.of("step", "left");
    TableIdentifier b = TableIdentifier.of("step", "right");
    try (RESTCatalog catalog = server.client()) {
      catalog.createNamespace(Namespace.of("step"));
      catalog.createTable(a, SCHEMA);
      catalog.createTable(b, SCHEMA);
    }
    int threads = 4;
    int perThread = 10;
    AtomicInteger retries = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> results = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      results.add(
          pool.submit(
              () -> {
                try (RESTCatalog client = server.client()) {
                  for (int i = 0; i < perThread; i++) {
                    String name = "t" + thread + "-" + i;
                    while (true) {
                      Table left = client.loadTable(a);
                      Table right = client.loadTable(b);
                      Transaction txLeft = left.newTransaction();
                      txLeft.newFastAppend().appendFile(dataFile(left, name)).commit();
                      Transaction txRight = right.newTransaction();
                      txRight.newFastAppend().appendFile(dataFile(right, name)).commit();
                      try {
                        client.commitTransaction(commitOf(a, txLeft), commitOf(b, txRight));
                        break;
                      } catch (CommitFailedException e) {
                        retries.incrementAndGet();
                      }
                    }
                  }
                }
                return null;
              }));
    }
    for (Future<?> result : results) {
      result.get(10, TimeUnit.MINUTES);
    }
    pool.shutdown();

    try (RESTCatalog catalog = server.client()) {
      Set<String> left = dataFiles(catalog.loadTable(a));
      Set<String> right = dataFiles(catalog.loadTable(b));
      assertThat(left).hasSize(threads * perThread);
      assertThat(right).isEqualTo(left);
    }
    Progress.say(
        "transactions: %d concurrent two-table commits kept both tables in step (%d retried)",
        threads * perThread, retries.get());
  }

  private static String location(Table table) {
    return ((org.apache.iceberg.HasTableOperations) table)
        .operations()
        .current()
        .metadataFileLocation();
  }
}
