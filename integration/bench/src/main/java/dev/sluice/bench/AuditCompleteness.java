package dev.sluice.bench;

import dev.sluice.it.Progress;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Whether every request a benchmark client sent to a Sluice target left a row in its audit trail:
 * the client named each request ({@link RequestLedger}), the server records that id with each
 * decision, and the admin API's rows are read back after the run.
 *
 * @param sent requests the client sent
 * @param answered of those, the ones the server answered (any status)
 * @param audited answered requests with at least one audit row
 * @param missing the first few answered requests without one
 * @param rows audit rows naming the client's requests, per action
 * @param strays rows naming a request the client never sent (must be 0)
 * @param seconds how long reading the trail back took
 */
record AuditCompleteness(
    String target,
    long sent,
    long answered,
    long audited,
    List<String> missing,
    Map<String, Long> rows,
    long strays,
    double seconds) {
  private static final int MISSING_SHOWN = 5;

  AuditCompleteness {
    Objects.requireNonNull(target, "target");
    missing = List.copyOf(missing);
    rows = Map.copyOf(rows);
  }

  /** Answered requests without an audit row. */
  long unaudited() {
    return answered - audited;
  }

  boolean complete() {
    return unaudited() == 0 && strays == 0;
  }

  long totalRows() {
    return rows.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * Reads back the rows written since {@code from} and matches them to {@code ledger}'s requests.
   * Call it once the client's requests are all answered: the audit API writes out its replica's
   * queue before it answers.
   */
  static AuditCompleteness check(
      String target, RequestLedger ledger, RestCatalogClient admin, String root, Instant from)
      throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    long sent = ledger.sent();
    BitSet answered = ledger.answered();
    BitSet audited = new BitSet();
    Map<String, Long> rows = new TreeMap<>();
    long[] strays = {0};
    Progress.say("%s: reading the audit trail back for %,d requests", target, sent);
    AuditRows.forEach(
        admin,
        root,
        null,
        from,
        Instant.now(),
        event -> {
          long n = ledger.number(event.path("requestId").asText(null));
          if (n < 0) {
            return; // another client's request, or the check's own
          }
          if (n >= sent) {
            strays[0]++;
            return;
          }
          audited.set(Math.toIntExact(n));
          rows.merge(event.path("action").asText(), 1L, Long::sum);
        });
    BitSet unaudited = (BitSet) answered.clone();
    unaudited.andNot(audited);
    List<String> missing = new ArrayList<>();
    for (int n = unaudited.nextSetBit(0);
        n >= 0 && missing.size() < MISSING_SHOWN;
        n = unaudited.nextSetBit(n + 1)) {
      missing.add(ledger.id(n));
    }
    return new AuditCompleteness(
        target,
        sent,
        answered.cardinality(),
        answered.cardinality() - unaudited.cardinality(),
        missing,
        rows,
        strays[0],
        (System.nanoTime() - t0) / 1e9);
  }

  /** One line for the progress log. */
  String summary() {
    return String.format(
        "%s: %,d requests sent, %,d answered, %,d with an audit row, %,d without%s; %,d rows %s;"
            + " %d naming unsent requests; read back in %.1f s",
        target,
        sent,
        answered,
        audited,
        unaudited(),
        missing.isEmpty() ? "" : " (first: " + String.join(", ", missing) + ")",
        totalRows(),
        new TreeMap<>(rows),
        strays,
        seconds);
  }
}
