package dev.sluice.catalog.trino;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

import dev.sluice.catalog.trino.TrinoTlsTestProfile.Certificates;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.net.URL;
import org.junit.jupiter.api.Test;

/** The address fence behind the certificate: the coordinator's certificate from elsewhere. */
@QuarkusTest
@TestProfile(TrinoTlsTestProfile.Fenced.class)
class TrinoDecisionFenceTest {
  @TestHTTPResource(value = "/", tls = true)
  URL https;

  @Test
  void theCoordinatorsCertificateFromAnotherAddressGetsNoDecision() {
    TrinoDecisionResourceTest.over(Certificates.COORDINATOR_CLIENT)
        .contentType(ContentType.JSON)
        .body(
            "{\"input\":{\"context\":{\"identity\":{\"user\":\"priya\",\"groups\":[]}},"
                + "\"action\":{\"operation\":\"ExecuteQuery\"}}}")
        .post(https.toString().replaceAll("/$", "") + "/api/v1/trino/allow")
        .then()
        .statusCode(403)
        .body("result", nullValue())
        .body("error.type", equalTo("ForbiddenException"))
        .body("error.message", containsString("sluice.trino.allowed-clients"));

    given()
        .queryParam("action", TrinoDecisionGuard.REFUSED_ACTION)
        .get("/api/v1/audit")
        .then()
        .statusCode(200)
        .body("events.principal", hasItem("certificate:" + TrinoTlsTestProfile.COORDINATOR))
        .body("events.decision", hasItem("deny"));
    given()
        .queryParam("principal", "user:priya")
        .queryParam("action", "trino.ExecuteQuery")
        .get("/api/v1/audit")
        .then()
        .statusCode(200)
        .body("events", equalTo(java.util.List.of()));
  }
}
