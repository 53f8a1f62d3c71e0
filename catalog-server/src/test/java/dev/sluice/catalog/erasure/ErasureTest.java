package dev.sluice.catalog.erasure;

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
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.catalog.TestAuthentication;
import dev.sluice.catalog.lineage.DatasetNaming;
import dev.sluice.catalog.persistence.ErasureStore;
import dev.sluice.catalog.persistence.JobStore;
import dev.sluice.lineage.DatasetId;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Erasure of one customer, end to end on a file warehouse: gone from the head of every branch, from
 * a tag that survives, from a derived table and from every snapshot and Parquet file left; the
 * other customers' rows untouched, including in a snapshot from before the customer's first row.
 */
@QuarkusTest
@TestProfile(ErasureProfile.class)
class ErasureTest {
  private static final String KEY = "sluice-test-erasure-key-not-for-production";
  private static final String ERASED = "c-carol";
  private static final Namespace CRM = Namespace.of("crm");
  private static final TableIdentifier CUSTOMERS = TableIdentifier.of(CRM, "customers");
  private static final TableIdentifier FEATURES = TableIdentifier.of(CRM, "customer_features");
  private static final TableIdentifier NOTES = TableIdentifier.of(CRM, "notes");
  private static final TableIdentifier VISITS = TableIdentifier.of(CRM, "visits");
  private static final TableIdentifier ORDERS = TableIdentifier.of(CRM, "orders");
  private static final Schema SCHEMA =
      new Schema(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.optional(2, "customer_id", Types.StringType.get()),
          Types.NestedField.optional(3, "consent_status", Types.StringType.get()));
  private static final Schema FEATURES_SCHEMA =
      new Schema(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.optional(2, "buyer", Types.StringType.get()));
  private static final Schema NOTES_SCHEMA =
      new Schema(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.optional(2, "author_id", Types.StringType.get()),
          Types.NestedField.optional(3, "consent_status", Types.StringType.get()));
  private static final Schema VISITS_SCHEMA =
      new Schema(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.optional(2, "consent_status", Types.StringType.get()));
  private static final ObjectMapper JSON = new ObjectMapper();

  @Inject ErasureStore erasures;
  @Inject JobStore jobs;

  @BeforeEach
  void namespace() {
    try (RESTCatalog admin = client("erasure", TestAuthentication.ADMIN_TOKEN)) {
      if (!admin.namespaceExists(CRM)) {
        admin.createNamespace(CRM);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void erasureRemovesTheSubjectFromEverySnapshotRefAndFileAndKeepsEveryoneElse() throws Exception {
    long beforeCarol;
    long atTag;
    DataFile withCarol;
    try (RESTCatalog keeper = client("erasure", keeperToken())) {
      Table customers = create(keeper, CUSTOMERS, SCHEMA);
      append(customers, row(1, "c-alice"), row(2, "c-bob"));
      beforeCarol = customers.currentSnapshot().snapshotId();
      withCarol = append(customers, row(3, ERASED), row(4, "c-alice"), row(5, ERASED));
      atTag = customers.currentSnapshot().snapshotId();
      customers.manageSnapshots().createTag("training-2026-q3", atTag).commit();
      DataFile third = append(customers, row(6, "c-bob"), row(7, ERASED), row(8, "c-alice"));
      customers
          .manageSnapshots()
          .createBranch("dev", customers.currentSnapshot().snapshotId())
          .commit();
      // merge-on-read: row 8 deleted by position on main only
      customers.newRowDelta().addDeletes(positionDelete(customers, third, 2)).commit();
      append(customers, row(9, "c-bob"));
      assertThat(ids(customers, customers.currentSnapshot().snapshotId()))
          .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 9L);

      // derived by a pipeline that reports column lineage: buyer comes from customer_id
      Table features = create(keeper, FEATURES, FEATURES_SCHEMA);
      append(features, feature(10, "c-alice"), feature(11, ERASED), feature(12, "c-bob"));
      append(features, feature(13, ERASED));
      recordLineage(customers.location(), features.location());

      Table notes = create(keeper, NOTES, NOTES_SCHEMA);
      append(notes, note(20, ERASED), note(21, "c-alice"));

      Table visits = create(keeper, VISITS, VISITS_SCHEMA);
      Record visit = GenericRecord.create(VISITS_SCHEMA);
      visit.setField("id", 1L);
      visit.setField("consent_status", "granted");
      append(visits, visit);
    }

    Response accepted = request(ERASED, "GDPR art. 17 request", "req-carol");
    accepted.then().statusCode(202).body("state", equalTo("ACCEPTED")).body("receipt", nullValue());
    String id = accepted.path("id");
    String jobId = accepted.path("jobId");
    assertThat(accepted.asString()).doesNotContain(ERASED);

    // the same request id again: the same erasure, nothing new queued
    int erasureJobs = admin().get("/api/v1/jobs?kind=erasure").then().extract().path("size()");
    Response again = request(ERASED, "GDPR art. 17 request", "req-carol");
    again.then().statusCode(200).body("id", equalTo(id)).body("jobId", equalTo(jobId));
    assertThat((int) admin().get("/api/v1/jobs?kind=erasure").then().extract().path("size()"))
        .isEqualTo(erasureJobs);

    Response done = awaitErasure(id);
    done.then().statusCode(200).body("state", equalTo("VERIFIED")).body("failure", nullValue());
    String body = done.asString();
    assertThat(body).doesNotContain(ERASED);
    String hash = hmac(ERASED);
    assertThat((String) done.path("subjectHash")).isEqualTo(hash);

    // the receipt's hash is the SHA-256 of its canonical JSON; the audit trail names it
    JsonNode receipt = JSON.readTree(body).get("receipt");
    String sha256 = done.path("receiptSha256");
    assertThat(CanonicalJson.sha256(CanonicalJson.canonicalize(receipt.toString())))
        .isEqualTo(sha256);
    assertThat(erasures.find(id).orElseThrow().receipt)
        .isEqualTo(CanonicalJson.canonicalize(receipt.toString()));
    admin()
        .queryParam("action", "erasure.verify")
        .queryParam("resource", "erasure " + id)
        .get("/api/v1/audit")
        .then()
        .statusCode(200)
        .body("events[0].principal", equalTo("system:jobs"))
        .body("events[0].decision", equalTo("allow"))
        .body("events[0].rule", containsString("receipt sha256 " + sha256));
    // the job no longer holds the sealed subject
    assertThat(jobs.find(jobId).orElseThrow().payload).contains("\"sealedSubject\":null");

    assertThat(receipt.get("subjectHash").asText()).isEqualTo(hash);
    assertThat(receipt.get("tablesErased").asInt()).isEqualTo(3);
    // visits lacks the column; orders exists only during the race test
    assertThat(receipt.get("tablesSkipped").asInt()).isEqualTo(2);
    Map<String, JsonNode> tables = new TreeMap<>();
    receipt.get("tables").forEach(t -> tables.put(t.get("table").asText(), t));
    assertThat(tables)
        .containsOnlyKeys(
            "crm.customers", "crm.customer_features", "crm.notes", "crm.orders", "crm.visits");
    assertThat(tables.get("crm.orders").get("skipped").asText()).isEqualTo("no such table");
    assertThat(tables.get("crm.visits").get("skipped").asText())
        .isEqualTo("the table has no column 'customer_id'");
    // declared subject-columns: erased by the one column the table has
    JsonNode notesReceipt = tables.get("crm.notes");
    assertThat(notesReceipt.get("skipped").isNull()).isTrue();
    assertThat(notesReceipt.get("subjectColumns").toString()).isEqualTo("[\"author_id\"]");
    assertThat(notesReceipt.get("columnsMissing").toString())
        .contains("the table has no column 'customer_id'");
    assertThat(notesReceipt.get("rowsDeleted").asLong()).isEqualTo(1);
    JsonNode customersReceipt = tables.get("crm.customers");
    // main: 3 and 5 and 7; dev: 3, 5, 7; the tag: 3 and 5
    assertThat(customersReceipt.get("rowsDeleted").asLong()).isEqualTo(8);
    assertThat(customersReceipt.get("verification").get("matches").asLong()).isZero();
    List<String> refs = new ArrayList<>();
    customersReceipt.get("refsRepointed").forEach(r -> refs.add(r.get("ref").asText()));
    assertThat(refs).containsExactlyInAnyOrder("main", "dev", "training-2026-q3");
    assertThat(customersReceipt.get("snapshotsExpired").size()).isGreaterThan(0);
    List<String> removed = new ArrayList<>();
    customersReceipt.get("filesRemoved").forEach(f -> removed.add(f.asText()));
    assertThat(removed).contains(withCarol.location());
    assertThat(local(withCarol.location())).doesNotExist();
    JsonNode featuresReceipt = tables.get("crm.customer_features");
    assertThat(featuresReceipt.get("subjectColumns").toString()).isEqualTo("[\"buyer\"]");
    assertThat(featuresReceipt.get("foundBy").asText())
        .isEqualTo("column lineage from crm.customers.customer_id");
    assertThat(featuresReceipt.get("rowsDeleted").asLong()).isEqualTo(2);
    assertThat(customersReceipt.get("foundBy").asText()).isEqualTo("consent subject-column");

    try (RESTCatalog keeper = client("erasure", keeperToken())) {
      Table customers = keeper.loadTable(CUSTOMERS);
      assertThat(customers.currentSnapshot().summary())
          .containsEntry("sluice.operation", "erasure");
      assertThat(ids(customers, customers.currentSnapshot().snapshotId()))
          .containsExactly(1L, 2L, 4L, 6L, 9L);
      assertThat(customers.refs()).containsKeys("main", "dev", "training-2026-q3");
      assertThat(customers.refs().keySet()).allMatch(ref -> !ref.startsWith("sluice-erasure-"));
      assertThat(ids(customers, customers.refs().get("training-2026-q3").snapshotId()))
          .containsExactly(1L, 2L, 4L);
      assertThat(ids(customers, customers.refs().get("dev").snapshotId()))
          .containsExactly(1L, 2L, 4L, 6L, 8L);
      // a snapshot from before the customer's first row is still there, exactly as it was
      assertThat(customers.snapshot(beforeCarol)).isNotNull();
      assertThat(rows(customers, beforeCarol)).containsExactly("1:c-alice", "2:c-bob");
      assertThat(customers.snapshot(atTag)).isNull();
      for (Snapshot snapshot : customers.snapshots()) {
        assertThat(rows(customers, snapshot.snapshotId()))
            .as("snapshot %s", snapshot.snapshotId())
            .noneMatch(r -> r.endsWith(":" + ERASED));
      }
      assertThat(parquetValues(local(customers.location()), SCHEMA.select("customer_id")))
          .doesNotContain(ERASED)
          .contains("c-alice", "c-bob");

      Table notes = keeper.loadTable(NOTES);
      assertThat(ids(notes, notes.currentSnapshot().snapshotId())).containsExactly(21L);
      assertThat(parquetValues(local(notes.location()), NOTES_SCHEMA.select("author_id")))
          .containsExactly("c-alice");

      Table features = keeper.loadTable(FEATURES);
      assertThat(ids(features, features.currentSnapshot().snapshotId())).containsExactly(10L, 12L);
      for (Snapshot snapshot : features.snapshots()) {
        try (CloseableIterable<Record> records =
            IcebergGenerics.read(features).useSnapshot(snapshot.snapshotId()).build()) {
          records.forEach(r -> assertThat(r.getField("buyer")).isNotEqualTo(ERASED));
        }
      }
      assertThat(parquetValues(local(features.location()), FEATURES_SCHEMA.select("buyer")))
          .containsExactly("c-alice", "c-bob");
    }

    // a subject found nowhere: verified, nothing deleted
    Response unknown = request("c-nobody", "no such customer", "req-nobody");
    unknown.then().statusCode(202);
    Response none = awaitErasure(unknown.path("id"));
    none.then()
        .body("state", equalTo("VERIFIED"))
        .body("receipt.rowsDeleted", equalTo(0))
        .body("receipt.tablesErased", equalTo(3));
    assertThat(none.asString()).doesNotContain("c-nobody");
  }

  @Test
  void anErasureRacingAWriterKeepsEveryAcknowledgedChangeAndRemovesTheSubject() throws Exception {
    String raced = "c-raced";
    Set<Long> expected = new java.util.concurrent.ConcurrentSkipListSet<>();
    List<Long> deletable = new ArrayList<>();
    try (RESTCatalog keeper = client("erasure-race", keeperToken())) {
      Table orders = create(keeper, ORDERS, SCHEMA);
      for (long id = 1000; id < 1090; id += 3) {
        append(orders, row(id, raced), row(id + 1, "c-alice"), row(id + 2, "c-bob"));
        expected.add(id + 1);
        expected.add(id + 2);
        deletable.add(id + 1);
      }
    }

    // the writer appends, and deletes by equality a few rows of the files the erasure rewrites:
    // each such delete makes the erasure's rewrite commit fail validation and plan again
    java.util.concurrent.atomic.AtomicBoolean stop =
        new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicInteger commits =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicReference<Throwable> writerFailure =
        new java.util.concurrent.atomic.AtomicReference<>();
    Thread writer =
        new Thread(
            () -> {
              try (RESTCatalog client = client("erasure-writer", keeperToken())) {
                Table table = client.loadTable(ORDERS);
                long next = 5000;
                int deletes = 0;
                while (!stop.get()) {
                  append(table, row(next, "c-writer"));
                  expected.add(next++);
                  if (commits.incrementAndGet() % 5 == 0 && deletes < 3) {
                    long gone = deletable.get(deletes * 7);
                    table.newRowDelta().addDeletes(equalityDelete(table, gone)).commit();
                    expected.remove(gone);
                    deletes++;
                  }
                  Thread.sleep(20);
                }
              } catch (Throwable e) {
                writerFailure.set(e);
              }
            },
            "erasure-race-writer");
    writer.start();
    try {
      while (commits.get() < 3 && writer.isAlive()) {
        Thread.sleep(20);
      }
      Response accepted = request(raced, "GDPR art. 17 request", "req-raced");
      accepted.then().statusCode(202);
      Response done = awaitErasure(accepted.path("id"));
      done.then().body("state", equalTo("VERIFIED"));
      JsonNode receipt = JSON.readTree(done.asString()).get("receipt");
      receipt
          .get("tables")
          .forEach(
              t -> {
                if (t.get("table").asText().equals("crm.orders")) {
                  assertThat(t.get("rowsDeleted").asLong()).isEqualTo(30);
                  assertThat(t.get("verification").get("matches").asLong()).isZero();
                }
              });
    } finally {
      stop.set(true);
      writer.join(30_000);
    }
    assertThat(writerFailure.get()).as("the writer's commits all went through").isNull();
    assertThat(commits.get()).isGreaterThan(3);

    try (RESTCatalog keeper = client("erasure-race", keeperToken())) {
      Table orders = keeper.loadTable(ORDERS);
      assertThat(ids(orders, orders.currentSnapshot().snapshotId()))
          .as("every acknowledged append and delete, and no subject row")
          .containsExactlyElementsOf(new TreeSet<>(expected));
      for (Snapshot snapshot : orders.snapshots()) {
        assertThat(rows(orders, snapshot.snapshotId()))
            .as("snapshot %s", snapshot.snapshotId())
            .noneMatch(r -> r.endsWith(":" + raced));
      }
      assertThat(parquetValues(local(orders.location()), SCHEMA.select("customer_id")))
          .doesNotContain(raced);
      keeper.dropTable(ORDERS, true);
    }
  }

  @Test
  void anErasureAfterOneThatDiedPartWayRemovesWhatThatOneLeft() throws Exception {
    String gone = "c-gone";
    DataFile first;
    DataFile second;
    try (RESTCatalog keeper = client("erasure-crash", keeperToken())) {
      Table orders = create(keeper, ORDERS, SCHEMA);
      first = append(orders, row(1, gone), row(2, "c-alice"));
      second = append(orders, row(3, gone), row(4, "c-bob"));
      // a merge-on-read delete already hides row 3 from readers; the file still holds it
      orders.newRowDelta().addDeletes(positionDelete(orders, second, 0)).commit();
      // an earlier erasure rewrote the head and died before expiring what still reached the files
      new dev.sluice.catalog.retention.ExpiredRowsRewrite(
              orders,
              new dev.sluice.catalog.retention.RowExpiry(
                  org.apache.iceberg.expressions.Expressions.equal("customer_id", gone),
                  List.of("customer_id = subject")),
              "died",
              "erasure",
              "main")
          .runWithRetries(1, (examined, candidates, removed) -> {}, planned -> {}, e -> {});
      assertThat(ids(orders, orders.currentSnapshot().snapshotId())).containsExactly(2L, 4L);
      assertThat(local(first.location())).exists();
    }

    Response accepted = request(gone, "GDPR art. 17 request", "req-gone");
    accepted.then().statusCode(202);
    Response done = awaitErasure(accepted.path("id"));
    done.then().body("state", equalTo("VERIFIED"));
    JsonNode receipt = JSON.readTree(done.asString()).get("receipt");
    JsonNode orders = null;
    for (JsonNode table : receipt.get("tables")) {
      if (table.get("table").asText().equals("crm.orders")) {
        orders = table;
      }
    }
    assertThat(orders).isNotNull();
    assertThat(orders.get("rowsDeleted").asLong()).as("nothing left at the head").isZero();
    assertThat(orders.get("snapshotsExpired").size()).isPositive();
    List<String> removed = new ArrayList<>();
    orders.get("filesRemoved").forEach(f -> removed.add(f.asText()));
    assertThat(removed).contains(first.location(), second.location());
    assertThat(local(first.location())).doesNotExist();
    assertThat(local(second.location())).doesNotExist();

    try (RESTCatalog keeper = client("erasure-crash", keeperToken())) {
      Table table = keeper.loadTable(ORDERS);
      assertThat(ids(table, table.currentSnapshot().snapshotId())).containsExactly(2L, 4L);
      assertThat(parquetValues(local(table.location()), SCHEMA.select("customer_id")))
          .doesNotContain(gone)
          .contains("c-alice", "c-bob");
      keeper.dropTable(ORDERS, true);
    }
  }

  @Test
  void badRequestsAreRefusedAndStoreNothing() {
    assertRefused(
        admin().body("{\"reason\":\"r\",\"requestId\":\"bad-1\"}").post("/api/v1/erasures"),
        400,
        "BadRequestException",
        "subject is required");
    assertRefused(
        admin()
            .body("{\"subject\":\" \",\"reason\":\"r\",\"requestId\":\"bad-2\"}")
            .post("/api/v1/erasures"),
        400,
        "BadRequestException",
        "subject is required");
    assertRefused(
        admin()
            .body("{\"subject\":\"c-x\",\"reason\":\"\",\"requestId\":\"bad-3\"}")
            .post("/api/v1/erasures"),
        400,
        "BadRequestException",
        "reason is required");
    assertRefused(
        admin().body("{\"subject\":\"c-x\",\"reason\":\"r\"}").post("/api/v1/erasures"),
        400,
        "BadRequestException",
        "requestId is required");
    assertRefused(
        admin()
            .body("{\"subject\":\"c-x\",\"reason\":\"r\\u0000\",\"requestId\":\"bad-5\"}")
            .post("/api/v1/erasures"),
        400,
        "BadRequestException",
        "reason contains a control character");
    assertRefused(
        admin()
            .body("{\"subject\":\"c\\nx\",\"reason\":\"r\",\"requestId\":\"bad-6\"}")
            .post("/api/v1/erasures"),
        400,
        "BadRequestException",
        "subject contains a control character");
    // an ordinary token may not erase anyone
    assertRefused(
        as(keeperToken())
            .body("{\"subject\":\"c-x\",\"reason\":\"r\",\"requestId\":\"bad-4\"}")
            .post("/api/v1/erasures"),
        403,
        "ForbiddenException",
        "only role sluice-admin may admin.erasures.create");
    for (String requestId : List.of("bad-1", "bad-2", "bad-3", "bad-4", "bad-5", "bad-6")) {
      assertThat(erasures.findByRequest(requestId)).as(requestId).isEmpty();
    }
    assertRefused(
        admin().get("/api/v1/erasures/no-such-erasure"),
        404,
        "NotFoundException",
        "Erasure does not exist");
  }

  @Test
  void aRequestIdReusedForAnotherSubjectIsRefused() throws Exception {
    request("c-dave", "request", "req-dave").then().statusCode(202);
    assertRefused(
        request("c-erin", "request", "req-dave"),
        409,
        "AlreadyExistsException",
        "already used for another subject");
  }

  // ---- helpers ----

  private static Response request(String subject, String reason, String requestId) {
    Map<String, String> body = new HashMap<>();
    body.put("subject", subject);
    body.put("reason", reason);
    body.put("requestId", requestId);
    return admin().body(body).post("/api/v1/erasures");
  }

  private static String hmac(String subject) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(subject.getBytes(StandardCharsets.UTF_8)));
  }

  private static Record row(long id, String customer) {
    Record row = GenericRecord.create(SCHEMA);
    row.setField("id", id);
    row.setField("customer_id", customer);
    row.setField("consent_status", "granted");
    return row;
  }

  private static Record note(long id, String author) {
    Record row = GenericRecord.create(NOTES_SCHEMA);
    row.setField("id", id);
    row.setField("author_id", author);
    row.setField("consent_status", "granted");
    return row;
  }

  private static Record feature(long id, String buyer) {
    Record row = GenericRecord.create(FEATURES_SCHEMA);
    row.setField("id", id);
    row.setField("buyer", buyer);
    return row;
  }

  /** A pipeline's run that reads the customers and writes the features, with column lineage. */
  private static void recordLineage(String customersLocation, String featuresLocation) {
    DatasetId source = DatasetNaming.forLocation(customersLocation);
    DatasetId target = DatasetNaming.forLocation(featuresLocation);
    String event =
        """
        {"eventType":"COMPLETE","eventTime":"2026-09-30T10:00:00Z",
         "producer":"https://example.com/pipeline",
         "schemaURL":"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
         "run":{"runId":"%s"},"job":{"namespace":"pipelines","name":"customer_features"},
         "inputs":[{"namespace":"%s","name":"%s"}],
         "outputs":[{"namespace":"%s","name":"%s","facets":{"columnLineage":{
           "_producer":"https://example.com/pipeline",
           "_schemaURL":"https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json",
           "fields":{"buyer":{"inputFields":[
             {"namespace":"%s","name":"%s","field":"customer_id"}]}}}}}]}"""
            .formatted(
                UUID.randomUUID(),
                source.namespace(),
                source.name(),
                target.namespace(),
                target.name(),
                source.namespace(),
                source.name());
    admin().body(event).post("/api/v1/lineage").then().statusCode(201);
  }

  /** "id:customer" of every row a reader of {@code snapshot} sees, in id order. */
  private static List<String> rows(Table table, long snapshot) throws IOException {
    Map<Long, String> rows = new TreeMap<>();
    try (CloseableIterable<Record> records =
        IcebergGenerics.read(table).useSnapshot(snapshot).build()) {
      records.forEach(
          row ->
              rows.put(
                  (Long) row.getField("id"),
                  row.getField("id") + ":" + row.getField("customer_id")));
    }
    return List.copyOf(rows.values());
  }

  /** Every value of one column in every Parquet file under {@code root}, read from the files. */
  private static Set<String> parquetValues(Path root, Schema projection) throws IOException {
    Set<String> customers = new TreeSet<>();
    List<Path> parquet;
    try (var paths = Files.walk(root)) {
      parquet = paths.filter(p -> p.toString().endsWith(".parquet")).collect(Collectors.toList());
    }
    assertThat(parquet).isNotEmpty();
    for (Path file : parquet) {
      try (CloseableIterable<Record> records =
          Parquet.read(org.apache.iceberg.Files.localInput(file.toFile()))
              .project(projection)
              .createReaderFunc(type -> GenericParquetReaders.buildReader(projection, type))
              .build()) {
        for (Record record : records) {
          Object customer = record.get(0);
          if (customer != null) {
            customers.add(customer.toString());
          }
        }
      }
    }
    return customers;
  }

  private static String keeperToken() {
    return TestAuthentication.tokenFor("client:keeper", List.of(), List.of());
  }

  /** Polls until verified or failed; on the way, no receipt is ever shown. */
  private static Response awaitErasure(String id) throws InterruptedException {
    assertThat(id).isNotNull();
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (true) {
      Response erasure =
          admin().get("/api/v1/erasures/" + URLEncoder.encode(id, StandardCharsets.UTF_8));
      erasure.then().statusCode(200);
      String state = erasure.path("state");
      if (state.equals("VERIFIED") || state.equals("FAILED")) {
        return erasure;
      }
      erasure.then().body("receipt", nullValue()).body("receiptSha256", nullValue());
      assertThat(System.nanoTime()).as("erasure %s still %s", id, state).isLessThan(deadline);
      Thread.sleep(100);
    }
  }
}
