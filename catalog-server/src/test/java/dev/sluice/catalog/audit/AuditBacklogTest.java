package dev.sluice.catalog.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Reads whose audit rows find no room in the queue are refused rather than served unaudited; the
 * admin API writes the queue out before it answers, so the trail it shows is complete.
 */
@QuarkusTest
@TestProfile(AuditBacklogTest.SmallQueue.class)
class AuditBacklogTest {
  static final int CAPACITY = 3;

  /** A queue of three rows that is written only when a reader asks (or at the stop). */
  public static class SmallQueue implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "sluice.data-dir",
          Path.of("target", "test-data", "audit-backlog-" + ProcessHandle.current().pid())
              .toAbsolutePath()
              .toString(),
          "sluice.audit.queue-capacity",
          String.valueOf(CAPACITY),
          "sluice.audit.flush-interval",
          "1H");
    }
  }

  private static int auditedListings() {
    return given()
        .queryParam("action", "namespace.list")
        .queryParam("principal", "user:sluice:bootstrap-admin")
        .queryParam("pageSize", 1000)
        .get("/api/v1/audit")
        .then()
        .statusCode(200)
        .extract()
        .path("events.size()");
  }

  @Test
  void aReadWhoseRowsFindNoRoomIsRefusedAndNoServedReadGoesUnaudited() {
    int before = auditedListings();
    int served = 0;
    Response refused = null;
    for (int i = 0; i <= CAPACITY && refused == null; i++) {
      Response answer = given().get("/v1/namespaces");
      if (answer.statusCode() == 200) {
        served++;
      } else {
        refused = answer;
      }
    }

    assertThat(refused).as("a read once the queue is full").isNotNull();
    refused
        .then()
        .statusCode(503)
        .body("error.type", equalTo("ServiceUnavailableException"))
        .body("error.code", equalTo(503));
    assertThat(refused.asString()).contains("retry later").doesNotContain("\"namespaces\"");
    given()
        .get("/q/health/ready")
        .then()
        .statusCode(503)
        .body("checks.find { it.name == 'audit-backlog' }.status", equalTo("DOWN"))
        .body("checks.find { it.name == 'audit-backlog' }.data.queued", equalTo(CAPACITY));

    // the reader of the trail sees every served read, and only those
    assertThat(auditedListings() - before).isEqualTo(served);
    given()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("checks.name", hasItem("audit-backlog"));
    given().get("/v1/namespaces").then().statusCode(200);
  }
}
