package dev.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * An erasure's course in time order, as offsets from its request: the job's start, the job's audit
 * rows, the statements Trino ran for it and the erasure's final state. Audit rows carry the time
 * they were written, so the verification's seconds are read from them.
 *
 * @param lines one per mark, {@code +12.3 s what}
 * @param verifySeconds from the table's last other audit row (its last commit) to its {@code
 *     erasure.verify-table} row: the verification pass (and the removal of replaced files before
 *     it); NaN without both rows
 */
record ErasureTimeline(List<String> lines, double verifySeconds) {
  ErasureTimeline {
    lines = List.copyOf(lines);
  }

  /**
   * {@code auditRows}: the job's rows, any order; {@code table} as the audit rows name it; {@code
   * done}: when the erasure reached {@code state}, null if unknown.
   */
  static ErasureTimeline of(
      JsonNode job,
      List<JsonNode> auditRows,
      String table,
      Instant requested,
      Instant done,
      String state,
      List<TrinoJobQueries.Query> queries) {
    Map<Instant, String> marks = new TreeMap<>();
    Instant started = Timestamps.instant(job.path("startedAt"));
    if (started != null) {
      marks.put(started, "job started");
    }
    double verify = Double.NaN;
    Instant lastOther = null;
    List<JsonNode> events = new ArrayList<>(auditRows);
    events.sort(Comparator.comparing(e -> Timestamps.instant(e.path("time"))));
    for (JsonNode event : events) {
      Instant at = Timestamps.instant(event.path("time"));
      String action = event.path("action").asText();
      mark(
          marks, at, action + (event.path("decision").asText().equals("allow") ? "" : " (denied)"));
      if (!event.path("resource").asText().equals(table)) {
        continue;
      }
      if (action.equals("erasure.verify-table")) {
        if (lastOther != null) {
          verify = Timestamps.seconds(lastOther, at);
        }
      } else {
        lastOther = at;
      }
    }
    for (TrinoJobQueries.Query query : queries) {
      mark(marks, query.created(), "Trino " + query.verb() + " started");
      mark(
          marks,
          query.end(),
          "Trino " + query.verb() + " " + query.state().toLowerCase(Locale.ROOT));
    }
    if (done != null) {
      mark(marks, done, state);
    }
    List<String> lines = new ArrayList<>();
    marks.forEach(
        (at, what) ->
            lines.add(
                String.format(Locale.ROOT, "+%.1f s %s", Timestamps.seconds(requested, at), what)));
    return new ErasureTimeline(lines, verify);
  }

  /** Two marks at one instant (two rows of one transaction) both stay, in the order given. */
  private static void mark(Map<Instant, String> marks, Instant at, String what) {
    if (at == null) {
      return;
    }
    while (marks.containsKey(at)) {
      at = at.plusNanos(1);
    }
    marks.put(at, what);
  }
}
