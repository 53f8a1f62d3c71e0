package dev.sluice.bench;

import dev.sluice.bench.DecisionRequests.Request;
import dev.sluice.bench.Load.Measured;
import dev.sluice.bench.Load.Outcome;
import dev.sluice.bench.Load.Tally;
import dev.sluice.bench.RestCatalogClient.Response;
import dev.sluice.it.Progress;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.HdrHistogram.Histogram;

/**
 * Latency of the decision API over mutual TLS, one case at a time: warm-up, then measured requests
 * from one client and from several. The client does what Trino's {@code opa} plugin does: HTTPS to
 * Sluice's HTTPS port, presenting the coordinator's client certificate, no other credentials, and
 * connections kept alive (one TLS handshake per connection, during the warm-up).
 */
final class DecisionBench {
  private final RestCatalogClient client;
  private final String root;
  private final long pid;

  /**
   * {@code root}: Sluice's HTTPS address; {@code tls}: whom the client trusts and the certificate
   * it presents (the coordinator's, for the measured requests).
   */
  DecisionBench(String root, SSLContext tls, long pid) {
    this.client = new RestCatalogClient(root, null, null, tls);
    this.root = root;
    this.pid = pid;
  }

  /** Each case's answer, once: what the measured requests get. */
  void describeAnswers(Map<String, Object> checks) throws IOException, InterruptedException {
    for (Request request : DecisionRequests.all(Settings.trinoBatchSize())) {
      Response response = send(request);
      if (response.status() != 200) {
        throw new RestCatalogClient.UnexpectedResponse("POST " + request.endpoint(), response);
      }
      checks.put(
          "decision answer " + request.name(), RestCatalogClient.abbreviate(response.text(), 400));
    }
  }

  /**
   * What callers without the coordinator's certificate get: the same request over plain HTTP and
   * over HTTPS without a client certificate. Both must be refused (403), or the figures would not
   * be those of the mutual TLS channel.
   */
  static void describeRefusals(
      Map<String, Object> checks, String plainRoot, String httpsRoot, SSLContext anonymous)
      throws IOException, InterruptedException {
    Request request = DecisionRequests.all(Settings.trinoBatchSize()).get(0);
    Map<String, DecisionBench> callers = new LinkedHashMap<>();
    callers.put("plain HTTP", new DecisionBench(plainRoot, null, -1));
    callers.put("HTTPS without client certificate", new DecisionBench(httpsRoot, anonymous, -1));
    for (Map.Entry<String, DecisionBench> caller : callers.entrySet()) {
      Response response = caller.getValue().send(request);
      if (response.status() != 403) {
        throw new RestCatalogClient.UnexpectedResponse(
            "POST " + request.endpoint() + " over " + caller.getKey() + " (expected 403)",
            response);
      }
      checks.put(
          "decision refused over " + caller.getKey(),
          response.status() + " " + RestCatalogClient.abbreviate(response.text(), 300));
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
