package dev.sluice.catalog.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Audit rows as PostgreSQL's COPY text format reads them back, character for character. */
class AuditCopyTextTest {

  private static AuditEventEntity event(String resource, String requestId, Integer version) {
    AuditEventEntity event = new AuditEventEntity();
    event.occurredAt = OffsetDateTime.of(2026, 11, 30, 12, 0, 0, 0, ZoneOffset.UTC);
    event.principal = "user:ada";
    event.action = "table.load";
    event.resource = resource;
    event.allowed = true;
    event.rule = "zone sales read";
    event.requestId = requestId;
    event.clientAddress = "127.0.0.1";
    event.credential = null;
    event.policyVersion = version;
    event.attempts = 1;
    return event;
  }

  @Test
  void everyFieldIsOneColumnAndEveryRowOneLine() {
    assertThat(AuditStore.copyText(List.of(event("sales.orders", null, 3), event("b", "", null))))
        .isEqualTo(
            "2026-11-30T12:00:00Z\tuser:ada\ttable.load\tsales.orders\tt\tzone sales read\t\\N"
                + "\t127.0.0.1\t\\N\t3\t1\n"
                + "2026-11-30T12:00:00Z\tuser:ada\ttable.load\tb\tt\tzone sales read\t"
                + "\t127.0.0.1\t\\N\t\\N\t1\n");
  }

  @Test
  void separatorsBackslashesAndTheNullMarkerInsideValuesAreEscaped() {
    String hostile = "a\tb\nc\rd\\e\\N\\.é✓𝄞";
    String line = AuditStore.copyText(List.of(event(hostile, "\\N", null)));
    assertThat(line)
        .contains("\ta\\tb\\nc\\rd\\\\e\\\\N\\\\.é✓𝄞\t")
        .contains("\t\\\\N\t127.0.0.1");
    // still eleven columns on one line: no separator from a value survives unescaped
    assertThat(line.substring(0, line.length() - 1)).doesNotContain("\n").doesNotContain("\r");
    assertThat(line.split("\t", -1)).hasSize(11);
  }

  @Test
  void secondsAreWrittenEvenWhenZero() {
    assertThat(AuditStore.copyText(List.of(event("t", "r", 1))))
        .startsWith("2026-11-30T12:00:00Z\t");
  }
}
