package dev.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.bench.RestCatalogClient.TableRef;
import dev.sluice.it.SluiceServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Erasures and jobs through Sluice's admin API with the admin token, as an operator drives them:
 * request one, then read it once a second until it reaches a final state.
 */
final class SluiceJobsApi {
  private static final Duration POLL = Duration.ofSeconds(1);
  private static final Set<String> ERASURE_DONE = Set.of("VERIFIED", "FAILED");
  private static final Set<String> JOB_DONE = Set.of("SUCCEEDED", "FAILED");

  /** The principal Sluice's jobs write their audit rows as. */
  private static final String JOBS_PRINCIPAL = "system:jobs";

  /** Reads an erasure or a job once. */
  @FunctionalInterface
  interface Read {
    JsonNode get() throws Exception;
  }

  /** Says how a running erasure or job is going, in its {@code state}. */
  @FunctionalInterface
  interface Say {
    void say(JsonNode current, String state) throws Exception;
  }

  private final RestCatalogClient admin;
  private final String root;

  private SluiceJobsApi(RestCatalogClient admin, String root) {
    this.admin = admin;
    this.root = root;
  }

  /** Configured against the warehouse, so that tables can be loaded too. */
  static SluiceJobsApi of(SluiceServer sluice) throws Exception {
    RestCatalogClient admin =
        new RestCatalogClient(sluice.baseUri(), ErasureSluice.WAREHOUSE_NAME, sluice.adminToken());
    admin.configure();
    return new SluiceJobsApi(admin, sluice.baseUri());
  }

  /** {@code POST /api/v1/erasures}: the accepted erasure, with its {@code id} and {@code jobId}. */
  JsonNode requestErasure(String subject, String reason, String requestId) throws Exception {
    ObjectNode request = RestCatalogClient.JSON.createObjectNode();
    request.put("subject", subject);
    request.put("reason", reason);
    request.put("requestId", requestId);
    return post("/api/v1/erasures", request.toString());
  }

  /** {@code POST /api/v1/jobs}: the queued job, with its {@code id}. */
  JsonNode submitJob(String body) throws Exception {
    return post("/api/v1/jobs", body);
  }

  JsonNode erasure(String id) throws Exception {
    return get("/api/v1/erasures/" + id);
  }

  JsonNode job(String id) throws Exception {
    return get("/api/v1/jobs/" + id);
  }

  /** Erasure {@code id} once it is {@code VERIFIED} or {@code FAILED}. */
  JsonNode awaitErasure(String id, Say say) throws Exception {
    return await("erasure " + id, () -> erasure(id), ERASURE_DONE, say);
  }

  /** Job {@code id} once it has {@code SUCCEEDED} or {@code FAILED}; {@code kind} for errors. */
  JsonNode awaitJob(String kind, String id, Say say) throws Exception {
    return await(kind + " job " + id, () -> job(id), JOB_DONE, say);
  }

  /**
   * Reads {@code what} once a second until its {@code state} is one of {@code finalStates}, saying
   * how it goes every {@link ErasureBench#SAY_EVERY_MILLIS}; gives up after {@code
   * bench.erasure.timeout-minutes}.
   */
  private static JsonNode await(String what, Read read, Set<String> finalStates, Say say)
      throws Exception {
    long deadline =
        System.nanoTime() + Duration.ofMinutes(Settings.erasureTimeoutMinutes()).toNanos();
    long said = System.currentTimeMillis();
    while (true) {
      JsonNode current = read.get();
      String state = current.path("state").asText();
      if (finalStates.contains(state)) {
        return current;
      }
      if (System.currentTimeMillis() - said >= ErasureBench.SAY_EVERY_MILLIS) {
        said = System.currentTimeMillis();
        say.say(current, state);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            what + " still " + state + " after " + Settings.erasureTimeoutMinutes() + " min");
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  /** The audit rows of job {@code jobId} written since {@code from}, newest first. */
  List<JsonNode> auditRowsOfJob(String jobId, Instant from) throws Exception {
    List<JsonNode> rows = new ArrayList<>();
    for (JsonNode event : AuditRows.events(admin, root, JOBS_PRINCIPAL, from, Instant.now())) {
      if (event.path("rule").asText().contains("job " + jobId)) {
        rows.add(event);
      }
    }
    return rows;
  }

  /**
   * The last of {@code entries} (a receipt's tables, a job result's results) for {@code table};
   * {@code whose} and {@code answer} tell in the error which answer lacks it.
   */
  static JsonNode entryFor(JsonNode entries, String table, String whose, JsonNode answer) {
    JsonNode found = null;
    for (JsonNode entry : entries) {
      if (entry.path("table").asText().equals(table)) {
        found = entry;
      }
    }
    if (found == null) {
      throw new IllegalStateException(whose + " names no table " + table + ": " + answer);
    }
    return found;
  }

  /** {@code total-records} of the table's current snapshot, as the catalog serves it. */
  long totalRecords(TableRef table) throws Exception {
    JsonNode metadata =
        RestCatalogClient.JSON.readTree(admin.loadTable(table).body()).path("metadata");
    long current = metadata.path("current-snapshot-id").asLong(-1);
    for (JsonNode snapshot : metadata.path("snapshots")) {
      if (snapshot.path("snapshot-id").asLong() == current) {
        return snapshot.path("summary").path("total-records").asLong(-1);
      }
    }
    return -1;
  }

  private JsonNode get(String path) throws Exception {
    return RestCatalogClient.JSON.readTree(admin.expect("GET", root + path, null, 200).body());
  }

  private JsonNode post(String path, String body) throws Exception {
    return RestCatalogClient.JSON.readTree(admin.expect("POST", root + path, body, 202).body());
  }
}
