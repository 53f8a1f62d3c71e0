package dev.sluice.catalog.signing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * On a warehouse that is not on S3 nothing can be signed: the config does not advertise signing,
 * and a client that asks for it is told why rather than left without access.
 */
@QuarkusTest
class SigningDisabledTest {

  @Test
  void theConfigDoesNotAdvertiseTheSignEndpoint() {
    List<String> endpoints =
        given().get("/v1/config").then().statusCode(200).extract().path("endpoints");
    assertThat(endpoints).isNotEmpty().noneMatch(e -> e.endsWith("/sign"));
  }

  @Test
  void signRequestsAreRefusedWithTheReason() {
    Map<String, Object> request =
        Map.of(
            "region", "us-east-1",
            "method", "GET",
            "uri", "http://127.0.0.1:9000/lake/t/data/f",
            "headers", Map.of(),
            "properties", Map.of());
    for (String path : List.of("/v1/namespaces/ns/tables/t/sign", "/v1/aws/s3/sign")) {
      given()
          .contentType(ContentType.JSON)
          .body(request)
          .post(path)
          .then()
          .statusCode(400)
          .body("error.type", equalTo("BadRequestException"))
          .body("error.message", containsString("the warehouse is not on S3"));
    }
  }

  @Test
  void askingForRemoteSigningOnALoadIsA400() {
    given()
        .header("X-Iceberg-Access-Delegation", "remote-signing")
        .get("/v1/namespaces/nowhere/tables/nothing")
        .then()
        .statusCode(400)
        .body("error.message", containsString("remote signing is not enabled"));
  }

  @Test
  void signingNeedsAToken() {
    given()
        .header("Authorization", "")
        .contentType(ContentType.JSON)
        .body("{}")
        .post("/v1/aws/s3/sign")
        .then()
        .statusCode(401);
  }
}
