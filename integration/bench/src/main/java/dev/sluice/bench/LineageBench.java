package dev.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.bench.Load.Measured;
import dev.sluice.bench.Load.Outcome;
import dev.sluice.bench.Load.Tally;
import dev.sluice.bench.RestCatalogClient.Response;
import dev.sluice.bench.RestCatalogClient.UnexpectedResponse;
import dev.sluice.bench.Targets.Infra;
import dev.sluice.it.Progress;
import dev.sluice.it.SluiceServer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * Lineage at scale: generated OpenLineage run events over a layered DAG of datasets, ingested into
 * Sluice on PostgreSQL through {@code POST /api/v1/lineage} (JSON arrays, concurrent clients), then
 * depth-5 downstream graph queries from random datasets.
 *
 * <p>The DAG: datasets in {@code layers} layers; every dataset above layer 0 is written by its own
 * job, which reads {@code inputs-per-job} datasets of the layer below. Runs go round-robin over the
 * jobs, each with a START and a COMPLETE event carrying its inputs and outputs, so any prefix of
 * the event stream of at least two events per job describes the whole graph.
 */
final class LineageBench {
  static final String DATASET_NAMESPACE = "s3://bench-lake";
  static final String JOB_NAMESPACE = "bench-pipelines";
  static final String PRODUCER = "https://github.com/sluice-dev/sluice/integration/bench";

  /** The role that may send lineage ({@code sluice.lineage.writer-role}, default). */
  static final String WRITER_ROLE = "sluice-lineage-writer";

  private final Report report;
  private final Closer closer;
  private final Path workDir;
  private final int events = Settings.lineageEvents();
  private final int layers = Settings.lineageLayers();
  private final int perLayer = Settings.lineageDatasets() / layers;
  private final int jobs = perLayer * (layers - 1);
  private final int inputsPerJob = Settings.lineageInputsPerJob();
  private final Instant start = Instant.parse("2026-01-01T00:00:00Z");

  LineageBench(Report report, Closer closer, Path workDir) {
    this.report = report;
    this.closer = closer;
    this.workDir = workDir;
  }

  static String dataset(int layer, int index) {
    return "layer" + layer + ".table_" + index;
  }

  /** Job {@code j} writes dataset {@code j % perLayer} of layer {@code 1 + j / perLayer}. */
  private int outputLayer(int job) {
    return 1 + job / perLayer;
  }

  /** The datasets (of the layer below) job {@code job} reads: the same on every call. */
  private int[] inputIndexes(int job) {
    SplittableRandom random = new SplittableRandom(job * 31L + 7);
    return random.ints(0, perLayer).distinct().limit(inputsPerJob).toArray();
  }

  private String inputs(int job) {
    int layer = outputLayer(job) - 1;
    StringBuilder out = new StringBuilder();
    int[] chosen = inputIndexes(job);
    for (int i = 0; i < chosen.length; i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append("{\"namespace\":\"")
          .append(DATASET_NAMESPACE)
          .append("\",\"name\":\"")
          .append(dataset(layer, chosen[i]))
          .append("\"}");
    }
    return out.toString();
  }

  /** Event {@code e}: run {@code e / 2} of job {@code (e / 2) % jobs}, START or COMPLETE. */
  String event(long e) {
    long run = e / 2;
    boolean complete = e % 2 == 1;
    int job = (int) (run % jobs);
    int layer = outputLayer(job);
    String output = dataset(layer, job % perLayer);
    UUID runId = UUID.nameUUIDFromBytes(("bench-run-" + run).getBytes());
    Instant time = start.plusSeconds(run * 10 + (complete ? 5 : 0));
    String schema =
        complete
            ? ",\"facets\":{\"schema\":{\"_producer\":\""
                + PRODUCER
                + "\",\"_schemaURL\":\"https://openlineage.io/spec/facets/1-1-1/"
                + "SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet\",\"fields\":["
                + "{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"region\",\"type\":\"string\"},"
                + "{\"name\":\"amount\",\"type\":\"decimal(18,2)\"}]}}"
            : "";
    return "{\"eventType\":\""
        + (complete ? "COMPLETE" : "START")
        + "\",\"eventTime\":\""
        + time
        + "\",\"producer\":\""
        + PRODUCER
        + "\",\"schemaURL\":\"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent\""
        + ",\"run\":{\"runId\":\""
        + runId
        + "\"},\"job\":{\"namespace\":\""
        + JOB_NAMESPACE
        + "\",\"name\":\"build_layer"
        + layer
        + "_"
        + (job % perLayer)
        + "\"},\"inputs\":["
        + inputs(job)
        + "],\"outputs\":[{\"namespace\":\""
        + DATASET_NAMESPACE
        + "\",\"name\":\""
        + output
        + "\""
        + schema
        + "}]}";
  }

  /** Datasets of the lowest {@code startLayers} layers that some event names. */
  private List<String> startDatasets(int startLayers) {
    Set<String> names = new TreeSet<>();
    for (int job = 0; job < jobs; job++) {
      int layer = outputLayer(job);
      if (layer < startLayers) {
        names.add(dataset(layer, job % perLayer));
      }
      if (layer == 1) {
        for (int input : inputIndexes(job)) {
          names.add(dataset(0, input));
        }
      }
    }
    return new ArrayList<>(names);
  }

  void run(Infra infra) throws Exception {
    Progress.say(
        "=== lineage: %d events over %d datasets (%d layers x %d), %d jobs",
        events, perLayer * layers, layers, perLayer, jobs);
    infra.postgres().createDatabase("sluice_lineage");
    Map<String, String> config = SluiceServer.onPostgres(infra.postgres(), "sluice_lineage");
    config.put("sluice.warehouse.location", "file:" + workDir.resolve("warehouse") + "/");
    SluiceServer server = closer.register(SluiceServer.start(workDir.resolve("server"), config));
    try {
      // as a producer would: a token with the lineage writer role and nothing else, so the graph
      // queries take the reader's path too (every dataset is judged; none is under the warehouse)
      RestCatalogClient admin = new RestCatalogClient(server.baseUri(), null, server.adminToken());
      RestCatalogClient client =
          new RestCatalogClient(server.baseUri(), null, writerToken(admin, server.baseUri()));
      String uri = server.baseUri() + "/api/v1/lineage";
      long ingested = ingest(client, uri);
      query(client, uri);
      double[] memory = Targets.memoryMiB(server.process().pid());
      report.lineage.put("server RSS at end MiB", memory[0]);
      report.lineage.put("server peak RSS MiB", memory[1]);
      closer.closeNow(server);
      restart(config, ingested);
    } finally {
      closer.closeNow(server);
    }
  }

  /**
   * Starts the server again on the same database: how long a replica takes to be ready with this
   * many events stored, and that it answers at once.
   */
  private void restart(Map<String, String> config, long stored) throws Exception {
    long t0 = System.nanoTime();
    SluiceServer again = closer.register(SluiceServer.start(workDir.resolve("restart"), config));
    try {
      double seconds = (System.nanoTime() - t0) / 1e9;
      RestCatalogClient admin = new RestCatalogClient(again.baseUri(), null, again.adminToken());
      String uri = again.baseUri() + "/api/v1/lineage";
      String name = startDatasets(Math.max(1, layers - 3)).get(0);
      long q0 = System.nanoTime();
      Response response =
          admin.expect(
              "GET",
              uri
                  + "/graph?type=dataset&namespace="
                  + RestCatalogClient.encode(DATASET_NAMESPACE)
                  + "&name="
                  + RestCatalogClient.encode(name)
                  + "&direction=downstream&depth=5",
              null,
              200);
      double firstQueryMs = (System.nanoTime() - q0) / 1e6;
      int nodes = RestCatalogClient.JSON.readTree(response.body()).path("nodes").size();
      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("events stored", stored);
      figures.put("start-up to ready s", seconds);
      figures.put("first graph query ms", firstQueryMs);
      figures.put("first graph query nodes", nodes);
      double[] memory = Targets.memoryMiB(again.process().pid());
      figures.put("RSS after first query MiB", memory[0]);
      report.lineage.put("restarted replica", figures);
      Progress.say("lineage restart: %s", figures);
    } finally {
      closer.closeNow(again);
    }
  }

  /** A new API token holding only the lineage writer role, issued with the admin token. */
  private static String writerToken(RestCatalogClient admin, String root) throws Exception {
    ObjectNode body = RestCatalogClient.JSON.createObjectNode();
    body.put("principal", "client:lineage-bench");
    body.putArray("roles").add(WRITER_ROLE);
    body.put("description", "lineage benchmark");
    Response response = admin.expect("POST", root + "/api/v1/tokens", body.toString(), 201);
    return RestCatalogClient.JSON.readTree(response.body()).path("secret").asText();
  }

  private long ingest(RestCatalogClient client, String uri) throws Exception {
    int batch = Settings.lineageBatch();
    int clients = Settings.lineageClients();
    long budget = Settings.lineageIngestBudgetSeconds() * 1_000_000_000L;
    long batches = (events + batch - 1) / batch;
    AtomicLong sent = new AtomicLong();
    LongAdder stored = new LongAdder();
    long t0 = System.nanoTime();
    Measured m =
        Load.fixed(
            clients,
            batches,
            "batch",
            (c, b) -> {
              if (System.nanoTime() - t0 > budget) {
                return new Outcome("skipped", 0);
              }
              long from = b * batch;
              long to = Math.min(events, from + batch);
              StringBuilder body = new StringBuilder("[");
              for (long e = from; e < to; e++) {
                if (e > from) {
                  body.append(',');
                }
                body.append(event(e));
              }
              body.append(']');
              Response response = client.send("POST", uri, body.toString());
              if (response.status() != 201) {
                throw new UnexpectedResponse("POST " + uri + " (batch " + b + ")", response);
              }
              sent.addAndGet(to - from);
              JsonNode results = RestCatalogClient.JSON.readTree(response.body());
              for (JsonNode result : results) {
                if (result.path("stored").asBoolean()) {
                  stored.increment();
                }
              }
              if (b % 100 == 0) {
                Progress.say(
                    "lineage ingest: %d events sent, %.0f events/s",
                    sent.get(), sent.get() / ((System.nanoTime() - t0) / 1e9));
              }
              return new Outcome("batch", 0);
            });
    double seconds = m.seconds();
    Tally tally = m.kinds().getOrDefault("batch", new Tally());
    long ingested = sent.get();
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("events requested", events);
    figures.put("events ingested", ingested);
    figures.put("events stored (new)", stored.sum());
    figures.put("datasets", perLayer * layers);
    figures.put("jobs", jobs);
    figures.put("layers", layers);
    figures.put("batch size", batch);
    figures.put("clients", clients);
    figures.put("ingest seconds", seconds);
    figures.put("events per second", ingested / seconds);
    figures.put("batch p50 ms", tally.micros.getValueAtPercentile(50) / 1000.0);
    figures.put("batch p99 ms", tally.micros.getValueAtPercentile(99) / 1000.0);
    figures.put("batch errors", tally.errors);
    if (!tally.errorSamples.isEmpty()) {
      figures.put("error samples", tally.errorSamples);
    }
    if (ingested < events) {
      figures.put(
          "scaled down",
          String.format(
              "ingest stopped after the %d s budget at %d of %d events%s",
              Settings.lineageIngestBudgetSeconds(),
              ingested,
              events,
              ingested >= 2L * jobs
                  ? " (every job has run at least once: the graph is complete)"
                  : " (the graph is partial)"));
    }
    report.lineage.put("ingest", figures);
    Progress.say("lineage ingest: %s", figures);
    return ingested;
  }

  private void query(RestCatalogClient client, String uri) throws Exception {
    int queries = Settings.lineageQueries();
    Histogram nodes = new Histogram(10_000_000L, 3);
    Map<String, Object> figures = new LinkedHashMap<>();
    // starts in the lower layers, so that five edges (dataset, job, dataset, job, dataset, job)
    // stay inside the graph; only datasets the events name (a layer-0 dataset no job reads is
    // not in the graph)
    List<String> starts = startDatasets(Math.max(1, layers - 3));
    Load.Op op =
        (c, i) -> {
          String name = starts.get(ThreadLocalRandom.current().nextInt(starts.size()));
          String query =
              uri
                  + "/graph?type=dataset&namespace="
                  + RestCatalogClient.encode(DATASET_NAMESPACE)
                  + "&name="
                  + RestCatalogClient.encode(name)
                  + "&direction=downstream&depth=5";
          Response response = client.expect("GET", query, null, 200);
          int count = RestCatalogClient.JSON.readTree(response.body()).path("nodes").size();
          synchronized (nodes) {
            nodes.recordValue(count);
          }
          return new Outcome("graph", 0);
        };
    // warm-up, then measured: one client (latency), then four (throughput)
    Load.fixed(1, Math.min(200, queries), "graph", op);
    nodes.reset();
    Measured one = Load.fixed(1, queries, "graph", op);
    Measured four = Load.fixed(4, queries, "graph", op);
    Tally t1 = one.kinds().getOrDefault("graph", new Tally());
    Tally t4 = four.kinds().getOrDefault("graph", new Tally());
    figures.put("queries (1 client)", t1.ok);
    figures.put("p50 ms", t1.micros.getValueAtPercentile(50) / 1000.0);
    figures.put("p99 ms", t1.micros.getValueAtPercentile(99) / 1000.0);
    figures.put("max ms", t1.micros.getMaxValue() / 1000.0);
    figures.put("queries per second (1 client)", t1.ok / one.seconds());
    figures.put("queries per second (4 clients)", t4.ok / four.seconds());
    figures.put("p50 ms (4 clients)", t4.micros.getValueAtPercentile(50) / 1000.0);
    figures.put("p99 ms (4 clients)", t4.micros.getValueAtPercentile(99) / 1000.0);
    figures.put("errors", t1.errors + t4.errors);
    if (!t1.errorSamples.isEmpty()) {
      figures.put("error samples", t1.errorSamples);
    }
    figures.put("nodes per answer (median)", nodes.getValueAtPercentile(50));
    figures.put("nodes per answer (max)", nodes.getMaxValue());
    report.lineage.put("downstream depth 5", figures);
    Progress.say("lineage graph queries: %s", figures);
  }
}
