package dev.sluice.bench;

import dev.sluice.bench.Targets.Target;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counters from Sluice's Prometheus endpoint: its commit counters, its decision API and sign
 * requests.
 */
final class SluiceMetrics {
  static final List<String> COMMIT_COUNTERS =
      List.of("sluice_commit_conflicts_total", "sluice_commit_conflicts_returned_total");

  private static final String DECISION_PATH = "/api/v1/trino/";
  private static final Pattern URI_LABEL = Pattern.compile("uri=\"([^\"]*)\"");

  /** Requests answered and seconds spent answering them (server side), per endpoint. */
  record Served(long requests, double seconds) {
    Served minus(Served earlier) {
      return new Served(requests - earlier.requests, seconds - earlier.seconds);
    }
  }

  private SluiceMetrics() {}

  static Map<String, Double> commitCounters(Target target) {
    Map<String, Double> counters = new LinkedHashMap<>();
    try {
      HttpResponse<String> response = scrape(target.root());
      if (response.statusCode() != 200) {
        return counters;
      }
      for (String name : COMMIT_COUNTERS) {
        counters.put(
            name,
            response
                .body()
                .lines()
                .filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum());
      }
    } catch (Exception e) {
      // counters are extra information; their absence is not an error of the benchmark
    }
    return counters;
  }

  /**
   * Decision API requests so far per endpoint ({@code allow}, {@code batch}, …), from the HTTP
   * server timer every Quarkus server keeps.
   */
  static Map<String, Served> decisionRequests(String root)
      throws IOException, InterruptedException {
    HttpResponse<String> response = scrape(root);
    if (response.statusCode() != 200) {
      throw new IOException("GET /q/metrics answered " + response.statusCode());
    }
    Map<String, Long> counts = new TreeMap<>();
    Map<String, Double> seconds = new TreeMap<>();
    for (String line : response.body().lines().toList()) {
      boolean count = line.startsWith("http_server_requests_seconds_count{");
      if (!count && !line.startsWith("http_server_requests_seconds_sum{")) {
        continue;
      }
      Matcher uri = URI_LABEL.matcher(line);
      if (!uri.find() || !uri.group(1).startsWith(DECISION_PATH)) {
        continue;
      }
      String endpoint = uri.group(1).substring(DECISION_PATH.length());
      double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      if (count) {
        counts.merge(endpoint, Math.round(value), Long::sum);
      } else {
        seconds.merge(endpoint, value, Double::sum);
      }
    }
    Map<String, Served> served = new TreeMap<>();
    counts.forEach((e, n) -> served.put(e, new Served(n, seconds.getOrDefault(e, 0.0))));
    return served;
  }

  /**
   * Requests so far to every endpoint whose path template ends with {@code suffix} (e.g. {@code
   * /sign}), summed over methods and statuses, from the same HTTP server timer.
   */
  static Served served(String root, String suffix) throws IOException, InterruptedException {
    HttpResponse<String> response = scrape(root);
    if (response.statusCode() != 200) {
      throw new IOException("GET /q/metrics answered " + response.statusCode());
    }
    long requests = 0;
    double seconds = 0;
    for (String line : response.body().lines().toList()) {
      boolean count = line.startsWith("http_server_requests_seconds_count{");
      if (!count && !line.startsWith("http_server_requests_seconds_sum{")) {
        continue;
      }
      Matcher uri = URI_LABEL.matcher(line);
      if (!uri.find() || !uri.group(1).endsWith(suffix)) {
        continue;
      }
      double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      if (count) {
        requests += Math.round(value);
      } else {
        seconds += value;
      }
    }
    return new Served(requests, seconds);
  }

  /** What was served between two readings, per endpoint. */
  static Map<String, Served> since(Map<String, Served> before, Map<String, Served> after) {
    Map<String, Served> delta = new TreeMap<>();
    after.forEach(
        (e, s) -> {
          Served d = s.minus(before.getOrDefault(e, new Served(0, 0)));
          if (d.requests() > 0) {
            delta.put(e, d);
          }
        });
    return delta;
  }

  private static HttpResponse<String> scrape(String root) throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(root + "/q/metrics")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
