package dev.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.bench.RestCatalogClient.Response;

/**
 * Commits on Nessie's {@code main} branch, from its own API: Nessie serves only the current
 * snapshot in Iceberg table metadata, its history is this commit log.
 */
final class NessieLog {
  private NessieLog() {}

  /** The number of commits on {@code main}, or -1 when the log cannot be read. */
  static long commits(RestCatalogClient client, String icebergRoot) {
    String api = icebergRoot.replaceFirst("/iceberg/?$", "") + "/api/v2/trees/main/history";
    long count = 0;
    String token = null;
    try {
      for (int page = 0; page < 1000; page++) {
        String uri = api + "?max-records=500" + (token == null ? "" : "&page-token=" + token);
        Response response = client.send("GET", uri, null);
        if (response.status() != 200) {
          return -1;
        }
        JsonNode json = RestCatalogClient.JSON.readTree(response.body());
        count += json.path("logEntries").size();
        if (!json.path("hasMore").asBoolean(false)) {
          return count;
        }
        token = RestCatalogClient.encode(json.path("token").asText());
      }
    } catch (Exception e) {
      return -1;
    }
    return -1;
  }
}
