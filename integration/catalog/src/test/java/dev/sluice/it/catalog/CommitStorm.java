package dev.sluice.it.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Writers committing to several tables through several replicas, round-robin, each commit setting a
 * property of its own (its key) on one table, so that afterwards every outcome can be checked
 * against the tables: an acknowledged commit must be there, a definitely refused one must not.
 */
final class CommitStorm {
  static final ObjectMapper JSON = new ObjectMapper();

  /** How a commit ended, as the client saw it. */
  enum Kind {
    /** 200: applied. */
    ACKNOWLEDGED,
    /** 409 or 503, or never sent: certainly not applied. */
    REFUSED,
    /** Lost answer or CommitStateUnknownException: may or may not be applied. */
    UNKNOWN,
    /** Anything else: an answer a client could not act on correctly. */
    WRONG
  }

  record Outcome(String table, String key, Kind kind, String detail) {}

  private static final AtomicInteger runs = new AtomicInteger();

  private final Supplier<List<String>> replicas;
  private final String authorization;
  private final String namespace;
  private final List<String> tables;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /**
   * @param replicas the base URIs to go round, read before every commit (so a test can swap one)
   */
  CommitStorm(
      Supplier<List<String>> replicas,
      String authorization,
      String namespace,
      List<String> tables) {
    this.replicas = replicas;
    this.authorization = authorization;
    this.namespace = namespace;
    this.tables = List.copyOf(tables);
  }

  /** Runs {@code writers} writers for {@code duration}, calling {@code fault} after {@code at}. */
  List<Outcome> run(int writers, Duration duration, Duration at, FaultAction fault)
      throws Exception {
    List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
    // keys unique across runs: a key of an earlier run may be in a table already
    String run = "r" + runs.incrementAndGet() + "-";
    long end = System.nanoTime() + duration.toNanos();
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        running.add(
            pool.submit(
                () -> {
                  for (int i = 0; System.nanoTime() < end; i++) {
                    String table = tables.get((writer + i) % tables.size());
                    outcomes.add(commit(table, run + "w" + writer + "-" + i, writer + i));
                  }
                  return null;
                }));
      }
      Thread.sleep(at.toMillis());
      fault.run();
      for (Future<?> writer : running) {
        writer.get();
      }
    } finally {
      pool.shutdownNow();
    }
    return List.copyOf(outcomes);
  }

  /** Something done to the system while the writers run. */
  interface FaultAction {
    void run() throws Exception;
  }

  /** One commit; a replica that cannot be reached is skipped for the next one. */
  Outcome commit(String table, String key, int turn) {
    String body =
        "{\"requirements\":[],\"updates\":[{\"action\":\"set-properties\",\"updates\":{\""
            + key
            + "\":\"1\"}}]}";
    List<String> uris = replicas.get();
    String lastFailure = "";
    for (int attempt = 0; attempt < uris.size(); attempt++) {
      String uri = uris.get((turn + attempt) % uris.size());
      HttpRequest request =
          HttpRequest.newBuilder(
                  URI.create(uri + "/v1/namespaces/" + namespace + "/tables/" + table))
              .timeout(Duration.ofSeconds(60))
              .header("Authorization", authorization)
              .header("Content-Type", "application/json")
              .header("Idempotency-Key", UUID.randomUUID().toString())
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build();
      HttpResponse<String> response;
      try {
        response = http.send(request, HttpResponse.BodyHandlers.ofString());
      } catch (ConnectException e) {
        lastFailure = "connection refused by " + uri;
        continue; // never sent: try the next replica
      } catch (IOException e) {
        return new Outcome(table, key, Kind.UNKNOWN, "answer lost: " + e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Outcome(table, key, Kind.UNKNOWN, "interrupted");
      }
      return classify(table, key, response);
    }
    return new Outcome(table, key, Kind.REFUSED, lastFailure);
  }

  private static Outcome classify(String table, String key, HttpResponse<String> response) {
    int status = response.statusCode();
    String type = errorType(response.body());
    if (status == 200) {
      return new Outcome(table, key, Kind.ACKNOWLEDGED, "");
    }
    if ((status == 409 && "CommitFailedException".equals(type))
        || (status == 503 && "ServiceUnavailableException".equals(type))) {
      return new Outcome(table, key, Kind.REFUSED, status + " " + type);
    }
    if (status == 500 && "CommitStateUnknownException".equals(type)) {
      return new Outcome(table, key, Kind.UNKNOWN, status + " " + type);
    }
    return new Outcome(table, key, Kind.WRONG, status + " " + response.body());
  }

  static String errorType(String body) {
    try {
      JsonNode error = JSON.readTree(body).path("error");
      return error.path("type").asText(null);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Counts by kind, for the log and for assertions. */
  static Map<Kind, Long> counts(List<Outcome> outcomes) {
    Map<Kind, Long> counts = new TreeMap<>();
    for (Kind kind : Kind.values()) {
      counts.put(kind, outcomes.stream().filter(o -> o.kind() == kind).count());
    }
    return counts;
  }
}
