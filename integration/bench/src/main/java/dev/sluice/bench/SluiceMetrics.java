package dev.sluice.bench;

import dev.sluice.bench.Targets.Target;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Sluice's own commit counters from its Prometheus endpoint. */
final class SluiceMetrics {
  static final List<String> COMMIT_COUNTERS =
      List.of("sluice_commit_conflicts_total", "sluice_commit_conflicts_returned_total");

  private SluiceMetrics() {}

  static Map<String, Double> commitCounters(Target target) {
    Map<String, Double> counters = new LinkedHashMap<>();
    try {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(target.root() + "/q/metrics")).GET().build(),
                  HttpResponse.BodyHandlers.ofString());
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
}
