package dev.sluice.it.governance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reading and checking the audit trail of the shared lakehouse. */
final class AuditRows {
  private AuditRows() {}

  /** Audit rows of one principal, action and resource since {@code from}, newest first. */
  static List<JsonNode> decisions(
      GovernedLakehouse lake, String principal, String action, String resource, Instant from) {
    List<JsonNode> events = new ArrayList<>();
    lake.audit(
            Map.of(
                "principal", principal,
                "action", action,
                "resource", resource,
                "from", from.toString()))
        .forEach(events::add);
    return events;
  }

  /** At least one row, and every row carries the decision, a rule and the request's id. */
  static void assertOnly(String decision, List<JsonNode> events) {
    assertThat(events).as("audit rows").isNotEmpty();
    assertThat(events)
        .allSatisfy(
            event -> {
              assertThat(event.path("decision").asText()).as(event.toString()).isEqualTo(decision);
              assertThat(event.path("rule").asText()).as(event.toString()).isNotBlank();
              assertThat(event.path("requestId").asText()).as(event.toString()).isNotBlank();
            });
  }

  /** Now, to the millisecond the audit trail stores, so that nothing later is left out. */
  static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }
}
