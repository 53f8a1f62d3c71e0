package dev.sluice.catalog.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.catalog.audit.FailedAuthAudit;
import dev.sluice.catalog.rest.CatalogTestProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Without {@code sluice.auth.oidc.issuer} no access token is accepted, however well signed. */
@QuarkusTest
@TestProfile(CatalogTestProfile.class)
class OidcNotConfiguredTest {
  @Inject FailedAuthAudit failedAuthAudit;

  @Test
  void accessTokensAreRefusedAndAuditedAsSuch() throws Exception {
    String token = JwtKeys.atTestLocation().sign(AuthenticationTest.claims());

    RawHttp.Response refused = RawHttp.get("127.0.0.6", "/v1/config", "Bearer " + token);

    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.body()).contains("\"type\":\"NotAuthorizedException\"");
    given().get("/v1/config").then().statusCode(200);
    failedAuthAudit.flush();
    assertThat(
            given()
                .queryParam("action", "auth.failed")
                .queryParam("credential", "oidc")
                .get("/api/v1/audit")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .<Map<String, Object>>getList("events"))
        .filteredOn(row -> "127.0.0.6".equals(row.get("clientAddress")))
        .singleElement()
        .satisfies(row -> assertThat(row).containsEntry("rule", "oidc-not-configured"));
  }
}
