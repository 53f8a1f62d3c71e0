package dev.sluice.catalog.retention;

import static dev.sluice.catalog.LocalCatalogs.admin;
import static dev.sluice.catalog.LocalCatalogs.as;
import static dev.sluice.catalog.LocalCatalogs.assertRefused;
import static dev.sluice.catalog.LocalCatalogs.client;
import static dev.sluice.catalog.LocalCatalogs.local;
import static dev.sluice.catalog.TableWrites.append;
import static dev.sluice.catalog.TableWrites.create;
import static dev.sluice.catalog.TableWrites.equalityDelete;
import static dev.sluice.catalog.TableWrites.ids;
import static dev.sluice.catalog.TableWrites.positionDelete;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.sluice.catalog.TestAuthentication;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A retention sweep, end to end on a file warehouse: expired rows leave the current snapshot (with
 * the position and equality deletes already there applied), older snapshots go once the time-travel
 * window passes, orphan files under the table go, and nothing else is touched.
 */
@QuarkusTest
@TestProfile(RetentionProfile.class)
class RetentionSweepTest {
  private static final Namespace KEPT = Namespace.of("kept");
  private static final TableIdentifier EVENTS = TableIdentifier.of(KEPT, "events");
  private static final TableIdentifier PINGS = TableIdentifier.of(KEPT, "pings");
  private static final TableIdentifier LEDGER = TableIdentifier.of(KEPT, "ledger");
  private static final Schema EVENTS_SCHEMA =
      new Schema(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.optional(2, "name", Types.StringType.get()),
          Types.NestedField.optional(3, "retention_until", Types.TimestampType.withZone()));
  private static final Schema PINGS_SCHEMA =
      new Schema(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.optional(2, "event_time", Types.TimestampType.withoutZone()));

  @BeforeEach
  void namespace() {
    try (RESTCatalog admin = client("retention", TestAuthentication.ADMIN_TOKEN)) {
      if (!admin.namespaceExists(KEPT)) {
        admin.createNamespace(KEPT);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void sweepRemovesExpiredRowsNowAndFromEverySnapshotOnceTheWindowHasPassed() throws Exception {
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    OffsetDateTime past = now.minusDays(1);
    OffsetDateTime future = now.plusYears(1);
    DataFile a;
    DataFile b;
    DataFile c;
    DeleteFile positions;
    DeleteFile keptEquality;
    long beforeSweep;
    Path eventsDir;
    Path ledgerDir;
    String ledgerMetadata;
    try (RESTCatalog keeper = client("retention", keeperToken())) {
      Table events = create(keeper, EVENTS, EVENTS_SCHEMA);
      a = append(events, event(1, past), event(2, future), event(3, past), event(4, null));
      b = append(events, event(5, future), event(6, future), event(7, future));
      c = append(events, event(8, past), event(9, future), event(10, future));
      // merge-on-read deletes: id 10 by position and id 9 by equality, both only in c (which
      // holds an expired row, so is rewritten); id 6 by equality, only in b (which is not)
      positions = positionDelete(events, c, 2);
      keptEquality = equalityDelete(events, 6);
      events
          .newRowDelta()
          .addDeletes(positions)
          .addDeletes(equalityDelete(events, 9))
          .addDeletes(keptEquality)
          .commit();
      beforeSweep = events.currentSnapshot().snapshotId();
      assertThat(ids(events, beforeSweep)).containsExactly(1L, 2L, 3L, 4L, 5L, 7L, 8L);
      eventsDir = local(events.location());

      Table pings = create(keeper, PINGS, PINGS_SCHEMA);
      append(
          pings,
          ping(1, now.minusDays(40).toLocalDateTime()),
          ping(2, now.minusDays(1).toLocalDateTime()),
          ping(3, null));
      // a pin and a branch on the snapshot that holds the expired ping: both lose it too
      long pinned = pings.currentSnapshot().snapshotId();
      pings.manageSnapshots().createTag("q3-pin", pinned).createBranch("dev", pinned).commit();

      // same columns as events, rows that look expired, but the policy sets it no retention
      Table ledger = create(keeper, LEDGER, EVENTS_SCHEMA);
      append(ledger, event(1, past), event(2, future));
      ledgerDir = local(ledger.location());
      ledger.refresh();
      ledgerMetadata =
          ((org.apache.iceberg.HasTableOperations) ledger)
              .operations()
              .current()
              .metadataFileLocation();
    }
    Instant longAgo = Instant.now().minus(Duration.ofDays(10));
    Path oldOrphan = plant(eventsDir.resolve("data/orphan-old.parquet"), longAgo);
    Path youngOrphan = plant(eventsDir.resolve("data/orphan-young.parquet"), Instant.now());
    Path outside = plant(RetentionProfile.LAKE.resolve("kept/outside-old.parquet"), longAgo);
    Path ledgerOrphan = plant(ledgerDir.resolve("data/orphan-old.parquet"), longAgo);
    Set<String> ledgerFiles = files(ledgerDir);

    // the first sweep: every table with a retention
    Response queued = admin().body("{\"kind\":\"retention.sweep\"}").post("/api/v1/jobs");
    queued
        .then()
        .statusCode(202)
        .body("kind", equalTo("retention.sweep"))
        .body("state", equalTo("QUEUED"))
        .body("subject", equalTo("*"));
    Response first = awaitJob(queued.path("id"));
    first
        .then()
        .body("state", equalTo("SUCCEEDED"))
        .body("progress.tablesDone", equalTo(3))
        .body("progress.tablesTotal", equalTo(3))
        .body("result.tables", equalTo(3))
        // events 3; pings 1 at main, 1 on dev, 1 at the tag
        .body("result.rowsRemoved", equalTo(6))
        .body("result.results.table", equalTo(List.of("kept.events", "kept.pings", "kept.planned")))
        // declared, never created: skipped, not an error
        .body("result.results[2].skipped", equalTo("no such table"))
        .body("result.results[0].rowsRemoved", equalTo(3))
        .body("result.results[0].filesRewritten", equalTo(2))
        // c keeps no row at all, so only a gets a new file
        .body("result.results[0].filesWritten", equalTo(1))
        .body("result.results[0].rowsKept", equalTo(2))
        // the deletes that applied only to c go with it; the one that applies to b stays
        .body("result.results[0].deleteFilesRemoved", equalTo(2))
        .body("result.results[0].snapshotsExpired", equalTo(0))
        .body("result.results[0].orphanFilesRemoved", equalTo(1))
        .body("result.results[1].rowsRemoved", equalTo(3))
        .body("result.results[1].refsRewritten.ref", containsInAnyOrder("dev", "main", "q3-pin"));
    assertThat((Integer) first.path("result.results[0].bytesRewritten"))
        .isEqualTo((int) (a.fileSizeInBytes() + c.fileSizeInBytes()));

    long rewrite;
    try (RESTCatalog keeper = client("retention", keeperToken())) {
      Table events = keeper.loadTable(EVENTS);
      Snapshot current = events.currentSnapshot();
      rewrite = current.snapshotId();
      assertThat(current.summary()).containsEntry("sluice.operation", "retention.sweep");
      assertThat(ids(events, rewrite)).containsExactly(2L, 4L, 5L, 7L);
      // the file without an expired row stays as it was; the two with one were replaced
      Set<String> live = liveDataFiles(events, rewrite);
      assertThat(live).contains(b.location()).doesNotContain(a.location(), c.location());
      // inside the time-travel window the old snapshots stay, expired rows and all
      assertThat(ids(events, beforeSweep)).contains(1L, 3L, 8L);

      Table pings = keeper.loadTable(PINGS);
      assertThat(ids(pings, pings.currentSnapshot().snapshotId())).containsExactly(2L, 3L);
      assertThat(ids(pings, pings.refs().get("q3-pin").snapshotId())).containsExactly(2L, 3L);
      assertThat(ids(pings, pings.refs().get("dev").snapshotId())).containsExactly(2L, 3L);
      assertThat(pings.refs().keySet()).allMatch(ref -> !ref.startsWith("sluice-retention-"));
    }
    assertThat(oldOrphan).doesNotExist();
    assertThat(youngOrphan).exists();
    assertThat(outside).exists();
    // the table without a retention: not a file added, changed or removed
    assertThat(ledgerOrphan).exists();
    assertThat(files(ledgerDir)).isEqualTo(ledgerFiles);
    try (RESTCatalog keeper = client("retention", keeperToken())) {
      Table ledger = keeper.loadTable(LEDGER);
      assertThat(
              ((org.apache.iceberg.HasTableOperations) ledger)
                  .operations()
                  .current()
                  .metadataFileLocation())
          .isEqualTo(ledgerMetadata);
    }

    // once the window has passed, the snapshots that still held the expired rows are expired
    long rewriteAt;
    try (RESTCatalog keeper = client("retention", keeperToken())) {
      rewriteAt = keeper.loadTable(EVENTS).snapshot(rewrite).timestampMillis();
    }
    long wait = rewriteAt + 61_000 - System.currentTimeMillis();
    if (wait > 0) {
      Thread.sleep(wait);
    }
    List<Long> retained;
    try (RESTCatalog keeper = client("retention", keeperToken())) {
      Table events = keeper.loadTable(EVENTS);
      append(events, event(11, future));
      append(events, event(12, future));
      events.refresh();
      retained = snapshotIds(events);
    }
    Response one =
        admin()
            .body("{\"kind\":\"retention.sweep\",\"table\":\"kept.events\"}")
            .post("/api/v1/jobs");
    one.then().statusCode(202).body("subject", equalTo("kept.events"));
    awaitJob(one.path("id"))
        .then()
        .body("state", equalTo("SUCCEEDED"))
        .body("result.tables", equalTo(1))
        .body("result.results[0].rowsRemoved", equalTo(0))
        .body("result.results[0].filesRewritten", equalTo(0))
        .body("result.results[0].snapshotsExpired", equalTo(5));
    try (RESTCatalog keeper = client("retention", keeperToken())) {
      Table events = keeper.loadTable(EVENTS);
      List<Long> left = snapshotIds(events);
      assertThat(left).hasSize(2).doesNotContain(beforeSweep, rewrite);
      assertThat(retained).containsAll(left);
      for (long snapshot : left) {
        Set<Long> ids = ids(events, snapshot);
        // neither an expired row nor a row deleted before the sweep comes back
        assertThat(ids).as("snapshot %s", snapshot).doesNotContain(1L, 3L, 6L, 8L, 9L, 10L);
        assertThat(ids).as("snapshot %s", snapshot).contains(2L, 4L, 5L, 7L, 11L);
      }
    }
    // the replaced files are gone from storage with the snapshots that reached them
    assertThat(local(a.location())).doesNotExist();
    assertThat(local(c.location())).doesNotExist();
    assertThat(local(positions.location())).doesNotExist();
    assertThat(local(b.location())).exists();
    assertThat(local(keptEquality.location())).exists();

    // every step is in the audit trail, by the job
    for (String action :
        List.of("retention.rewrite", "retention.expire-snapshots", "retention.remove-orphans")) {
      admin()
          .get("/api/v1/audit?action=" + action + "&resource=kept.events")
          .then()
          .statusCode(200)
          .body("events[0].principal", equalTo("system:jobs"))
          .body("events[0].decision", equalTo("allow"));
    }
    admin()
        .get("/api/v1/audit?action=retention.rewrite&resource=kept.events")
        .then()
        .body("events[1].rule", containsString("removed 3 rows where retention_until <"));
  }

  @Test
  void badRequestsAreRefusedAndQueueNothing() {
    int before = admin().get("/api/v1/jobs?kind=retention.sweep").then().extract().path("size()");
    assertRefused(
        admin().body("{\"kind\":\"table.purge\",\"table\":\"kept.events\"}").post("/api/v1/jobs"),
        400,
        "BadRequestException",
        "Unknown job kind: table.purge");
    assertRefused(
        admin().body("{\"table\":\"kept.events\"}").post("/api/v1/jobs"),
        400,
        "BadRequestException",
        "Unknown job kind: null");
    assertRefused(
        admin().body("{\"kind\":\"retention.sweep\",\"table\":\"events\"}").post("/api/v1/jobs"),
        400,
        "BadRequestException",
        "Invalid table name 'events'");
    assertRefused(
        admin()
            .body("{\"kind\":\"retention.sweep\",\"table\":\"kept.ledger\"}")
            .post("/api/v1/jobs"),
        400,
        "BadRequestException",
        "Table kept.ledger has no retention in the active policy");
    assertRefused(
        admin()
            .body("{\"kind\":\"retention.sweep\",\"table\":\"kept.unknown\"}")
            .post("/api/v1/jobs"),
        400,
        "BadRequestException",
        "has no retention");
    assertRefused(
        admin()
            .body("{\"kind\":\"retention.sweep\",\"table\":\"kept.planned\"}")
            .post("/api/v1/jobs"),
        404,
        "NoSuchTableException",
        "Table does not exist: kept.planned");
    // an ordinary token may not ask for a sweep, even of a table it writes
    assertRefused(
        as(keeperToken())
            .body("{\"kind\":\"retention.sweep\",\"table\":\"kept.events\"}")
            .post("/api/v1/jobs"),
        403,
        "ForbiddenException",
        "only role sluice-admin may admin.jobs.create");
    int after = admin().get("/api/v1/jobs?kind=retention.sweep").then().extract().path("size()");
    assertThat(after).isEqualTo(before);
  }

  // ---- helpers ----

  private static Record event(long id, OffsetDateTime retentionUntil) {
    Record row = GenericRecord.create(EVENTS_SCHEMA);
    row.setField("id", id);
    row.setField("name", "row " + id);
    row.setField("retention_until", retentionUntil);
    return row;
  }

  private static Record ping(long id, LocalDateTime eventTime) {
    Record row = GenericRecord.create(PINGS_SCHEMA);
    row.setField("id", id);
    row.setField("event_time", eventTime);
    return row;
  }

  private static Set<String> liveDataFiles(Table table, long snapshot) throws IOException {
    Set<String> paths = new TreeSet<>();
    try (var tasks = table.newScan().useSnapshot(snapshot).planFiles()) {
      tasks.forEach(task -> paths.add(task.file().location()));
    }
    return paths;
  }

  private static List<Long> snapshotIds(Table table) {
    List<Long> ids = new java.util.ArrayList<>();
    table.snapshots().forEach(snapshot -> ids.add(snapshot.snapshotId()));
    return ids;
  }

  private static Path plant(Path file, Instant modified) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, new byte[] {1, 2, 3});
    Files.setLastModifiedTime(file, FileTime.from(modified));
    return file;
  }

  private static Set<String> files(Path root) throws IOException {
    try (var paths = Files.walk(root)) {
      return paths
          .filter(Files::isRegularFile)
          .map(Path::toString)
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private static String keeperToken() {
    return TestAuthentication.tokenFor("client:keeper", List.of(), List.of());
  }

  private static Response awaitJob(String id) throws InterruptedException {
    assertThat(id).isNotNull();
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (true) {
      Response job = admin().get("/api/v1/jobs/" + URLEncoder.encode(id, StandardCharsets.UTF_8));
      job.then().statusCode(200);
      String state = job.path("state");
      if (state.equals("SUCCEEDED") || state.equals("FAILED")) {
        return job;
      }
      assertThat(System.nanoTime()).as("job %s still %s", id, state).isLessThan(deadline);
      Thread.sleep(100);
    }
  }
}
