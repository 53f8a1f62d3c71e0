package dev.sluice.bench;

import dev.sluice.bench.DecisionRequests.Request;
import dev.sluice.bench.Load.Measured;
import dev.sluice.bench.Load.Outcome;
import dev.sluice.bench.Load.Tally;
import dev.sluice.bench.RestCatalogClient.Response;
import dev.sluice.it.Progress;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Latency of the decision API over HTTP, one case at a time: warm-up, then measured requests from
 * one client and from several. The decision API takes no credentials (it answers loopback only), so
 * the client sends none.
 */
final class DecisionBench {
  private final RestCatalogClient client;
  private final String root;
  private final long pid;

  DecisionBench(String root, long pid) {
    this.client = new RestCatalogClient(root, null, null);
    this.root = root;
    this.pid = pid;
  }

  /** Each case's answer, once: what the measured requests get. */
  void describeAnswers(Map<String, Object> checks) throws IOException, InterruptedException {
    for (Request request : DecisionRequests.all(Settings.trinoBatchSize())) {
      String answer = send(request).text();
      checks.put("decision answer " + request.name(), RestCatalogClient.abbreviate(answer, 400));
    }
  }

  List<TrinoResults.DecisionRow> run(String audit) throws InterruptedException {
    List<TrinoResults.DecisionRow> rows = new ArrayList<>();
    int concurrent = Settings.trinoConcurrentClients();
    for (Request request : DecisionRequests.all(Settings.trinoBatchSize())) {
      rows.add(measure(request, audit, 1, Settings.trinoWarmupRequests()));
      if (concurrent > 1) {
        rows.add(measure(request, audit, concurrent, Settings.trinoWarmupRequests() / 10));
      }
    }
    return rows;
  }

  private TrinoResults.DecisionRow measure(Request request, String audit, int clients, int warmup)
      throws InterruptedException {
    Load.fixed(clients, warmup, "decision", (c, i) -> call(request));
    String loadBefore = Targets.loadAverage();
    double cpuBefore = Targets.cpuMillis(pid);
    Measured m = Load.fixed(clients, Settings.trinoRequests(), "decision", (c, i) -> call(request));
    double cpu = Targets.cpuMillis(pid) - cpuBefore;
    Tally tally = m.kinds().getOrDefault("decision", new Tally());
    Histogram h = tally.micros;
    boolean any = h.getTotalCount() > 0;
    long sent = tally.ok + tally.errors;
    TrinoResults.DecisionRow row =
        new TrinoResults.DecisionRow(
            request.name(),
            request.what(),
            audit,
            clients,
            "ok",
            tally.ok,
            tally.errors,
            m.seconds(),
            m.seconds() > 0 ? tally.ok / m.seconds() : 0,
            any ? h.getValueAtPercentile(50) / 1000.0 : Double.NaN,
            any ? h.getValueAtPercentile(90) / 1000.0 : Double.NaN,
            any ? h.getValueAtPercentile(99) / 1000.0 : Double.NaN,
            any ? h.getMaxValue() / 1000.0 : Double.NaN,
            cpuBefore >= 0 && sent > 0 ? cpu / sent : Double.NaN,
            loadBefore + "-" + Targets.loadAverage(),
            List.copyOf(tally.errorSamples));
    Progress.say(
        "decision %s, audit=%s, %d client(s): median %s ms, p90 %s ms, p99 %s ms, %s requests/s,"
            + " server CPU %s ms per request, errors %d",
        request.name(),
        audit,
        clients,
        Report.fmt(row.p50Ms()),
        Report.fmt(row.p90Ms()),
        Report.fmt(row.p99Ms()),
        Report.fmt(row.requestsPerSecond()),
        Report.fmt(row.serverCpuMsPerRequest()),
        row.errors());
    return row;
  }

  private Outcome call(Request request) throws IOException, InterruptedException {
    Response response = send(request);
    if (response.status() != 200) {
      throw new RestCatalogClient.UnexpectedResponse("POST " + request.endpoint(), response);
    }
    return new Outcome("decision", 0);
  }

  private Response send(Request request) throws IOException, InterruptedException {
    return client.send("POST", root + "/api/v1/trino/" + request.endpoint(), request.body());
  }
}
