package dev.sluice.catalog.trino;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

import dev.sluice.catalog.security.SecurityTestProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

/** A server without TLS: the decision API answers nothing and says how to set it up. */
@QuarkusTest
@TestProfile(SecurityTestProfile.class)
class TrinoDecisionUnconfiguredTest {

  @Test
  void withoutMutualTlsTheDecisionApiAnswersNothing() {
    given()
        .contentType(ContentType.JSON)
        .body(
            "{\"input\":{\"context\":{\"identity\":{\"user\":\"priya\",\"groups\":"
                + "[\"privacy-office\"]}},\"action\":{\"operation\":\"ExecuteQuery\"}}}")
        .post("/api/v1/trino/allow")
        .then()
        .statusCode(403)
        .body("result", nullValue())
        .body("error.type", equalTo("ForbiddenException"))
        .body("error.message", containsString("not configured"))
        .body("error.message", containsString("quarkus.tls.<name>.trust-store"))
        .body("error.message", containsString("opa.http-client.key-store-path"));

    given()
        .queryParam("action", TrinoDecisionGuard.REFUSED_ACTION)
        .get("/api/v1/audit")
        .then()
        .statusCode(200)
        .body("events.rule", hasItem(TrinoDecisionChannel.NOT_CONFIGURED));
    // the catalog itself is served as before
    given().get("/v1/config").then().statusCode(200);
  }
}
