package dev.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/** Counts audit rows through the admin API ({@code GET /api/v1/audit}), a page at a time. */
final class AuditRows {
  private AuditRows() {}

  /** Rows of {@code principal} written from {@code from} to {@code to}, per action. */
  static Map<String, Long> perAction(
      RestCatalogClient admin, String root, String principal, Instant from, Instant to)
      throws IOException, InterruptedException {
    Map<String, Long> rows = new TreeMap<>();
    for (JsonNode event : events(admin, root, principal, from, to)) {
      rows.merge(event.path("action").asText(), 1L, Long::sum);
    }
    return rows;
  }

  /** The same rows, oldest first, each as {@code action resource: decision}. */
  static List<String> described(
      RestCatalogClient admin, String root, String principal, Instant from, Instant to)
      throws IOException, InterruptedException {
    List<String> rows = new ArrayList<>();
    for (JsonNode event : events(admin, root, principal, from, to)) {
      rows.add(
          event.path("action").asText()
              + " "
              + event.path("resource").asText()
              + ": "
              + event.path("decision").asText());
    }
    Collections.reverse(rows);
    return rows;
  }

  /** The rows themselves, newest first. */
  static List<JsonNode> events(
      RestCatalogClient admin, String root, String principal, Instant from, Instant to)
      throws IOException, InterruptedException {
    List<JsonNode> events = new ArrayList<>();
    forEach(admin, root, principal, from, to, events::add);
    return events;
  }

  /**
   * Hands each row of {@code principal} (null: of anyone) written from {@code from} to {@code to}
   * to {@code row}, newest first, a page at a time: a whole benchmark's rows need not fit in
   * memory.
   */
  static void forEach(
      RestCatalogClient admin,
      String root,
      String principal,
      Instant from,
      Instant to,
      Consumer<JsonNode> row)
      throws IOException, InterruptedException {
    String page = null;
    do {
      String uri =
          root
              + "/api/v1/audit?pageSize=1000"
              + (principal == null ? "" : "&principal=" + RestCatalogClient.encode(principal))
              + "&from="
              + RestCatalogClient.encode(from.toString())
              + "&to="
              + RestCatalogClient.encode(to.toString())
              + (page == null ? "" : "&pageToken=" + page);
      JsonNode answer = RestCatalogClient.JSON.readTree(admin.expect("GET", uri, null, 200).body());
      answer.path("events").forEach(row);
      page =
          answer.path("nextPageToken").isTextual() ? answer.path("nextPageToken").asText() : null;
    } while (page != null);
  }
}
