package dev.sluice.it.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.it.PostgresServer;
import dev.sluice.it.SluiceServer;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two replicas of Sluice on one PostgreSQL answer lineage the same: an event posted to one is
 * answered by the other at once, a run's events fold to the same run whether they come in one
 * request or one by one in any order, a table commit through one is lineage on the other, an event
 * a crashed replica left unprojected is projected by the others, and a replica that starts reads
 * the projection instead of replaying the event log.
 */
class LineageReplicasIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String LAKE = "s3://replicas-lake";

  private static SluiceOnPostgres a;
  private static SluiceServer b;

  @BeforeAll
  static void start() throws Exception {
    a = SluiceOnPostgres.start("lineage-replicas");
    b = a.startReplica("b");
  }

  @AfterAll
  static void stop() {
    if (b != null) {
      b.close();
    }
    if (a != null) {
      a.close();
    }
  }

  private static String event(
      String type, UUID run, String time, String job, String input, String output) {
    return """
        {"eventType":"%s","eventTime":"%s","producer":"https://example.com/it",
         "schemaURL":"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
         "run":{"runId":"%s"},"job":{"namespace":"it-pipelines","name":"%s"},
         "inputs":[{"namespace":"%s","name":"%s"}],
         "outputs":[{"namespace":"%s","name":"%s","facets":{"version":{
           "_producer":"https://example.com/it",
           "_schemaURL":"https://openlineage.io/spec/facets/1-0-0/DatasetVersionDatasetFacet.json",
           "datasetVersion":"v-%s"}}}]}"""
        .formatted(type, time, run, job, LAKE, input, LAKE, output, time);
  }

  private static JsonNode call(
      String baseUri, String token, String method, String path, String body)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(baseUri + path))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(
                    method,
                    body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode())
        .as("%s %s on %s: %s", method, path, baseUri, response.body())
        .isBetween(200, 201);
    return JSON.readTree(response.body());
  }

  private static JsonNode onA(String method, String path, String body) throws Exception {
    return call(a.baseUri(), SluiceServer.ADMIN_TOKEN, method, path, body);
  }

  private static JsonNode on(SluiceServer server, String method, String path, String body)
      throws Exception {
    return call(server.baseUri(), server.adminToken(), method, path, body);
  }

  private static String q(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static List<String> names(JsonNode nodes) {
    List<String> names = new ArrayList<>();
    nodes.forEach(node -> names.add(node.path("type").asText() + ":" + node.path("name").asText()));
    return names;
  }

  @Test
  void anEventPostedToOneReplicaIsAnsweredByTheOtherAtOnce() throws Exception {
    String prefix = "posted_" + Long.toString(System.nanoTime(), 36);
    UUID clean = UUID.randomUUID();
    UUID aggregate = UUID.randomUUID();
    String body =
        "["
            + String.join(
                ",",
                event(
                    "START",
                    clean,
                    "2026-03-01T10:00:00Z",
                    prefix + "_clean",
                    prefix + ".raw",
                    prefix + ".clean"),
                event(
                    "COMPLETE",
                    clean,
                    "2026-03-01T10:05:00Z",
                    prefix + "_clean",
                    prefix + ".raw",
                    prefix + ".clean"),
                event(
                    "COMPLETE",
                    aggregate,
                    "2026-03-01T11:00:00Z",
                    prefix + "_aggregate",
                    prefix + ".clean",
                    prefix + ".revenue"))
            + "]";
    on(b, "POST", "/api/v1/lineage", body);

    // no waiting: A reads the same tables B wrote in the request's own transaction
    JsonNode graph =
        onA(
            "GET",
            "/api/v1/lineage/graph?type=dataset&namespace="
                + q(LAKE)
                + "&name="
                + q(prefix + ".raw")
                + "&direction=downstream&depth=4",
            null);
    assertThat(names(graph.path("nodes")))
        .containsExactly(
            "dataset:" + prefix + ".clean",
            "dataset:" + prefix + ".raw",
            "dataset:" + prefix + ".revenue",
            "job:" + prefix + "_aggregate",
            "job:" + prefix + "_clean");
    assertThat(graph.path("edges")).hasSize(4);

    JsonNode run = onA("GET", "/api/v1/lineage/runs/" + clean, null);
    assertThat(run.path("state").asText()).isEqualTo("COMPLETE");
    assertThat(run.path("startedAt").asText()).isEqualTo("2026-03-01T10:00:00Z");
    assertThat(run.path("endedAt").asText()).isEqualTo("2026-03-01T10:05:00Z");
    List<String> versions = new ArrayList<>();
    run.path("outputs").forEach(o -> versions.add(o.path("version").asText()));
    assertThat(versions).contains("v-2026-03-01T10:05:00Z");

    JsonNode runs =
        onA(
            "GET",
            "/api/v1/lineage/runs?namespace=it-pipelines&name=" + q(prefix + "_aggregate"),
            null);
    assertThat(runs).hasSize(1);
    assertThat(runs.get(0).path("runId").asText()).isEqualTo(aggregate.toString());
  }

  @Test
  void aRunFoldsTheSameWhetherItsEventsComeInOneRequestOrOneByOneInAnyOrder() throws Exception {
    String prefix = "folded_" + Long.toString(System.nanoTime(), 36);
    String job = prefix + "_job";
    String in = prefix + ".in";
    String out = prefix + ".out";
    // a terminal event first, an earlier START, a FAIL before the COMPLETE, an even earlier START,
    // and an event that names no state; then the ABORT that comes last
    String[][] events = {
      {"COMPLETE", "2026-03-02T10:05:00Z"},
      {"START", "2026-03-02T10:00:00Z"},
      {"RUNNING", "2026-03-02T10:02:00Z"},
      {"FAIL", "2026-03-02T10:04:00Z"},
      {"START", "2026-03-02T09:59:00Z"},
      {"OTHER", "2026-03-02T10:10:00Z"}
    };
    UUID oneByOne = UUID.randomUUID();
    UUID together = UUID.randomUUID();
    List<String> batch = new ArrayList<>();
    for (int i = 0; i < events.length; i++) {
      // alternating replicas: each stored run is folded again by the next request's upsert
      String body = event(events[i][0], oneByOne, events[i][1], job, in, out);
      if (i % 2 == 0) {
        on(b, "POST", "/api/v1/lineage", body);
      } else {
        onA("POST", "/api/v1/lineage", body);
      }
      batch.add(0, event(events[i][0], together, events[i][1], job, in, out));
    }
    on(b, "POST", "/api/v1/lineage", "[" + String.join(",", batch) + "]");

    for (UUID run : List.of(oneByOne, together)) {
      JsonNode stored = onA("GET", "/api/v1/lineage/runs/" + run, null);
      assertThat(stored.path("state").asText()).as("%s", run).isEqualTo("COMPLETE");
      assertThat(stored.path("startedAt").asText()).isEqualTo("2026-03-02T09:59:00Z");
      assertThat(stored.path("endedAt").asText()).isEqualTo("2026-03-02T10:05:00Z");
      List<String> versions = new ArrayList<>();
      stored.path("outputs").forEach(o -> versions.add(o.path("version").asText()));
      assertThat(versions).hasSize(events.length);
    }

    onA("POST", "/api/v1/lineage", event("ABORT", oneByOne, "2026-03-02T10:06:00Z", job, in, out));
    JsonNode aborted = on(b, "GET", "/api/v1/lineage/runs/" + oneByOne, null);
    assertThat(aborted.path("state").asText()).isEqualTo("ABORT");
    assertThat(aborted.path("startedAt").asText()).isEqualTo("2026-03-02T09:59:00Z");
    assertThat(aborted.path("endedAt").asText()).isEqualTo("2026-03-02T10:06:00Z");
  }

  @Test
  void aTableCommitThroughOneReplicaIsLineageOnTheOther() throws Exception {
    String ns = "commits_" + Long.toString(System.nanoTime(), 36);
    RESTCatalog client = a.client();
    client.createNamespace(Namespace.of(ns));
    Table table =
        client.createTable(
            TableIdentifier.of(ns, "orders"),
            new Schema(Types.NestedField.required(1, "id", Types.LongType.get())));
    table
        .newFastAppend()
        .appendFile(
            DataFiles.builder(PartitionSpec.unpartitioned())
                .withPath(table.location() + "/data/one.parquet")
                .withFileSizeInBytes(10)
                .withRecordCount(1)
                .build())
        .commit();
    long snapshot = table.currentSnapshot().snapshotId();

    // the commit's event was stored with the pointer and projected before A answered the commit
    JsonNode runs =
        on(
            b,
            "GET",
            "/api/v1/lineage/runs?namespace=sluice&name=" + q(ns + ".orders.commit"),
            null);
    assertThat(runs).hasSize(2);
    List<String> versions = new ArrayList<>();
    runs.forEach(r -> r.path("outputs").forEach(o -> versions.add(o.path("version").asText())));
    assertThat(versions).contains(String.valueOf(snapshot));
    assertThat(runs).allMatch(r -> r.path("state").asText().equals("COMPLETE"));
  }

  @Test
  void anEventACrashedReplicaLeftUnprojectedIsProjectedByAnother() throws Exception {
    // what a replica killed right after a commit leaves: the event and its queue row, committed
    // with the pointer, and no projection
    String job = "crashed_" + Long.toString(System.nanoTime(), 36);
    String json =
        event(
            "COMPLETE", UUID.randomUUID(), "2026-03-02T09:00:00Z", job, job + ".in", job + ".out");
    PostgresServer postgres = a.postgres();
    PostgresServer.SqlResult inserted =
        postgres.sql(
            SluiceOnPostgres.DATABASE,
            "with e as (insert into lineage_event (event_hash, kind, run_id, job_namespace,"
                + " job_name, event_time, source, event_json, received_at) values ('"
                + job
                + "', 'RUN', null, 'it-pipelines', '"
                + job
                + "', now(), 'api', '"
                + json.replace("'", "''")
                + "', now()) returning id)"
                + " insert into lineage_unprojected (event_id) select id from e");
    assertThat(inserted.exitCode()).as(inserted.output()).isZero();

    long deadline = System.nanoTime() + 10_000_000_000L;
    JsonNode onA = null;
    JsonNode onB = null;
    while (System.nanoTime() < deadline) {
      onA = onA("GET", "/api/v1/lineage/search?q=" + q(job), null);
      onB = on(b, "GET", "/api/v1/lineage/search?q=" + q(job), null);
      if (onA.size() == 3 && onB.size() == 3) {
        break;
      }
      Thread.sleep(100);
    }
    assertThat(names(onA))
        .contains("job:" + job, "dataset:" + job + ".in", "dataset:" + job + ".out");
    assertThat(names(onB)).isEqualTo(names(onA));
    assertThat(
            postgres
                .sql(SluiceOnPostgres.DATABASE, "select count(*) from lineage_unprojected")
                .output())
        .isEqualTo("0");
  }

  @Test
  void aStartingReplicaReadsTheProjectionAndReplaysNoEvents() throws Exception {
    String prefix = "restart_" + Long.toString(System.nanoTime(), 36);
    UUID run = UUID.randomUUID();
    onA(
        "POST",
        "/api/v1/lineage",
        event(
            "COMPLETE",
            run,
            "2026-03-03T08:00:00Z",
            prefix + "_projected",
            prefix + ".in",
            prefix + ".out"));
    // an event in the log that nothing queued for projection: a replica that rebuilt its answers
    // by replaying the log would show it
    String ghost = prefix + "_only_in_the_log";
    String json =
        event(
            "COMPLETE",
            UUID.randomUUID(),
            "2026-03-03T09:00:00Z",
            ghost,
            prefix + ".in",
            prefix + ".ghost_out");
    PostgresServer.SqlResult inserted =
        a.postgres()
            .sql(
                SluiceOnPostgres.DATABASE,
                "insert into lineage_event (event_hash, kind, run_id, job_namespace, job_name,"
                    + " event_time, source, event_json, received_at) values ('"
                    + ghost
                    + "', 'RUN', null, 'it-pipelines', '"
                    + ghost
                    + "', now(), 'api', '"
                    + json.replace("'", "''")
                    + "', now())");
    assertThat(inserted.exitCode()).as(inserted.output()).isZero();

    try (SluiceServer c = a.startReplica("c-" + prefix)) {
      JsonNode found = on(c, "GET", "/api/v1/lineage/search?q=" + q(prefix), null);
      assertThat(names(found))
          .containsExactly(
              "dataset:" + prefix + ".in",
              "dataset:" + prefix + ".out",
              "job:" + prefix + "_projected");
      JsonNode answered = on(c, "GET", "/api/v1/lineage/runs/" + run, null);
      assertThat(answered.path("state").asText()).isEqualTo("COMPLETE");
      String log = Files.readString(c.process().log());
      assertThat(log).doesNotContain("rebuilt").doesNotContain("replay");
    }
  }
}
