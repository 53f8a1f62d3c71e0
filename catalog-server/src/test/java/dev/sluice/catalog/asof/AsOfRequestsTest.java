package dev.sluice.catalog.asof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.BadRequestException;
import org.junit.jupiter.api.Test;

class AsOfRequestsTest {
  private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");

  @Test
  void datasetsAreReadLevelByLevel() {
    assertThat(AsOfRequests.table("shop.orders")).isEqualTo(TableIdentifier.of("shop", "orders"));
    assertThat(AsOfRequests.table("silver.eu.orders"))
        .isEqualTo(TableIdentifier.of(Namespace.of("silver", "eu"), "orders"));
    // a level holding a dot is quoted: this is table "lab.people", not namespace curated.lab
    assertThat(AsOfRequests.table("curated.\"lab.people\""))
        .isEqualTo(TableIdentifier.of(Namespace.of("curated"), "lab.people"));
  }

  @Test
  void malformedDatasetsAreBadRequestsThatRepeatLittle() {
    String huge = "x".repeat(5000) + ".t";
    for (String bad :
        List.of(
            "",
            "orders",
            "shop..orders",
            ".orders",
            "shop.",
            "shop.\"open",
            "shop.\"..\"",
            "shop.a\u0000b",
            "x".repeat(1025) + ".t",
            huge)) {
      assertThatThrownBy(() -> AsOfRequests.table(bad))
          .as(bad.length() > 40 ? bad.substring(0, 40) : bad)
          .isInstanceOf(BadRequestException.class)
          .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(700).doesNotContain("\u0000"));
    }
  }

  @Test
  void timesAreInstantsNotAfterNow() {
    assertThat(AsOfRequests.time("2026-11-30T08:00:00Z", NOW))
        .isEqualTo(Instant.parse("2026-11-30T08:00:00Z"));
    assertThat(AsOfRequests.time("2026-11-30T09:00:00.250+01:00", NOW))
        .isEqualTo(Instant.parse("2026-11-30T08:00:00.250Z"));
    assertThat(AsOfRequests.time("2026-12-01T00:00:00Z", NOW)).isEqualTo(NOW);

    assertThatThrownBy(() -> AsOfRequests.time("-999999999-01-01T00:00:00Z", NOW))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("before 1970-01-01T00:00:00Z");
    assertThatThrownBy(() -> AsOfRequests.time("2026-12-01T00:00:00.001Z", NOW))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("in the future");
    for (String bad : List.of("yesterday", "2026-11-30", "2026-11-30T08:00:00", "1700000000")) {
      assertThatThrownBy(() -> AsOfRequests.time(bad, NOW))
          .isInstanceOf(BadRequestException.class)
          .hasMessageContaining("2026-11-30T08:00:00Z");
    }
    // a '+' sent unencoded in a query string arrives as a space
    assertThatThrownBy(() -> AsOfRequests.time("2026-11-30T09:00:00 01:00", NOW))
        .hasMessageContaining("%2B");
    assertThatThrownBy(() -> AsOfRequests.time(null, NOW))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("Missing query parameter time");
  }

  @Test
  void runIdsAreUuids() {
    assertThat(AsOfRequests.runId("0f0e0d0c-0b0a-4908-8706-050403020100").toString())
        .isEqualTo("0f0e0d0c-0b0a-4908-8706-050403020100");
    assertThatThrownBy(() -> AsOfRequests.runId("run-1"))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("UUID");
  }
}
