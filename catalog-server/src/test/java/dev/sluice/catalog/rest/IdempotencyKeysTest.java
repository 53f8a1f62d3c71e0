package dev.sluice.catalog.rest;

import static dev.sluice.catalog.rest.CatalogApi.api;
import static dev.sluice.catalog.rest.CatalogApi.assertError;
import static dev.sluice.catalog.rest.CatalogApi.createNamespace;
import static dev.sluice.catalog.rest.CatalogApi.createTable;
import static dev.sluice.catalog.rest.CatalogApi.json;
import static dev.sluice.catalog.rest.CatalogApi.loadTable;
import static dev.sluice.catalog.rest.CatalogApi.path;
import static dev.sluice.catalog.rest.CatalogApi.tablePath;
import static dev.sluice.catalog.rest.CatalogApi.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.catalog.TestAuthentication;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.iceberg.MetadataUpdate;
import org.apache.iceberg.UpdateRequirement;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.rest.requests.CreateNamespaceRequest;
import org.apache.iceberg.rest.requests.UpdateTableRequest;
import org.apache.iceberg.rest.responses.LoadTableResponse;
import org.junit.jupiter.api.Test;

/** {@code Idempotency-Key}: a retried mutation gets its first outcome and is not applied twice. */
@QuarkusTest
@TestProfile(CatalogTestProfile.class)
class IdempotencyKeysTest {

  private static String key() {
    return UUID.randomUUID().toString();
  }

  /** Sets {@code counter} to {@code value}, valid only while the table is at {@code base}. */
  private static String setCounter(LoadTableResponse base, String value) {
    return json(
        UpdateTableRequest.create(
            null,
            List.of(new UpdateRequirement.AssertTableUUID(base.tableMetadata().uuid())),
            List.of(new MetadataUpdate.SetProperties(Map.of("counter", value)))));
  }

  private static Response commit(TableIdentifier table, String key, String body) {
    return api().header("Idempotency-Key", key).body(body).post(tablePath(table));
  }

  @Test
  void theLifetimeIsAdvertised() {
    api().get("/v1/config").then().statusCode(200).body("idempotency-key-lifetime", is("PT30M"));
  }

  @Test
  void aRetriedCommitReturnsTheFirstAnswerAndIsAppliedOnce() {
    TableIdentifier table = TableIdentifier.of(createNamespace(unique("idem")), "t");
    LoadTableResponse base = createTable(table);
    String key = key();
    String body = setCounter(base, "1");

    Response first = commit(table, key, body);
    first.then().statusCode(200);
    String afterFirst = loadTable(table).metadataLocation();
    Response retry = commit(table, key, body);

    retry.then().statusCode(200).header("Idempotent-Replayed", "true");
    assertThat(retry.jsonPath().getString("metadata-location"))
        .isEqualTo(first.jsonPath().getString("metadata-location"))
        .isEqualTo(afterFirst);
    // the replay is on record, though it decided nothing
    api()
        .get("/api/v1/audit?action=idempotency.replay")
        .then()
        .statusCode(200)
        .body(
            "events.rule",
            org.hamcrest.Matchers.hasItem("Idempotency-Key " + key + ": first outcome 200"));
    // nothing moved: the retry did not write a second metadata file
    assertThat(loadTable(table).metadataLocation()).isEqualTo(afterFirst);
    assertThat(loadTable(table).tableMetadata().previousFiles()).hasSize(1);

    // the same commit under a new key is a new request and runs
    commit(table, key(), body).then().statusCode(200);
    assertThat(loadTable(table).metadataLocation()).isNotEqualTo(afterFirst);
  }

  @Test
  void aRetriedCreateReturnsTheFirstAnswerInsteadOfAConflict() {
    String name = unique("idem");
    String body = json(CreateNamespaceRequest.builder().withNamespace(Namespace.of(name)).build());
    String key = key();

    api().header("Idempotency-Key", key).body(body).post("/v1/namespaces").then().statusCode(200);
    api()
        .header("Idempotency-Key", key)
        .body(body)
        .post("/v1/namespaces")
        .then()
        .statusCode(200)
        .header("Idempotent-Replayed", "true")
        .body("namespace[0]", is(name));
    // without the key the same request is a second create
    assertError(
        api().body(body).post("/v1/namespaces"), 409, "AlreadyExistsException", "already exists");
  }

  @Test
  void aRefusalIsReplayedTooEvenWhenTheRequestWouldNowSucceed() {
    String name = unique("idem");
    TableIdentifier table = TableIdentifier.of(Namespace.of(name), "t");
    String key = key();
    String dropNamespace = "/v1/namespaces/" + path(Namespace.of(name));

    createNamespace(name);
    createTable(table);
    Response first = api().header("Idempotency-Key", key).delete(dropNamespace);
    assertError(first, 409, "NamespaceNotEmptyException", "not empty");
    api().delete(tablePath(table)).then().statusCode(204);

    Response retry = api().header("Idempotency-Key", key).delete(dropNamespace);
    assertError(retry, 409, "NamespaceNotEmptyException", "not empty");
    api().get(dropNamespace).then().statusCode(200);
  }

  @Test
  void aKeyReusedForAnotherRequestIsRefusedAndChangesNothing() {
    TableIdentifier table = TableIdentifier.of(createNamespace(unique("idem")), "t");
    LoadTableResponse base = createTable(table);
    String key = key();
    commit(table, key, setCounter(base, "1")).then().statusCode(200);
    String after = loadTable(table).metadataLocation();

    assertError(
        commit(table, key, setCounter(base, "2")),
        422,
        "UnprocessableEntityException",
        "different request");
    assertThat(loadTable(table).metadataLocation()).isEqualTo(after);
    assertThat(loadTable(table).tableMetadata().properties()).containsEntry("counter", "1");
  }

  @Test
  void keysArePerCaller() {
    TableIdentifier table = TableIdentifier.of(createNamespace(unique("idem")), "t");
    LoadTableResponse base = createTable(table);
    String key = key();
    String body = setCounter(base, "1");
    commit(table, key, body).then().statusCode(200);
    String after = loadTable(table).metadataLocation();

    String other =
        TestAuthentication.tokenFor(
            "user:idempotency-second-admin", List.of(), List.of("sluice-admin"));
    Response theirs =
        api()
            .header("Authorization", "Bearer " + other)
            .header("Idempotency-Key", key)
            .body(body)
            .post(tablePath(table));
    // not a replay of someone else's answer: it ran, and the table had moved since its base
    theirs.then().statusCode(200);
    assertThat(theirs.getHeader("Idempotent-Replayed")).isNull();
    assertThat(loadTable(table).metadataLocation()).isNotEqualTo(after);
  }

  @Test
  void concurrentRetriesRunOnce() throws Exception {
    String name = unique("idem");
    String body = json(CreateNamespaceRequest.builder().withNamespace(Namespace.of(name)).build());
    String key = key();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      Callable<Integer> send =
          () ->
              api()
                  .header("Authorization", TestAuthentication.ADMIN_HEADER)
                  .header("Idempotency-Key", key)
                  .body(body)
                  .post("/v1/namespaces")
                  .statusCode();
      List<Future<Integer>> sent = pool.invokeAll(List.of(send, send, send, send));
      for (Future<Integer> status : sent) {
        assertThat(status.get()).isEqualTo(200);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void malformedKeysAreRefused() {
    String body =
        json(CreateNamespaceRequest.builder().withNamespace(Namespace.of(unique("idem"))).build());
    for (String bad : List.of("", "a b", "x".repeat(256), "caf\u00e9")) {
      assertError(
          api().header("Idempotency-Key", bad).body(body).post("/v1/namespaces"),
          400,
          "BadRequestException",
          "Idempotency-Key");
    }
  }

  private static org.hamcrest.Matcher<Object> is(Object value) {
    return org.hamcrest.Matchers.equalTo(value);
  }
}
