package dev.sluice.catalog.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.catalog.TestAuthentication;
import dev.sluice.catalog.audit.FailedAuthAudit;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Refused credentials: each client address has a limit of failures, past which it gets 429 without
 * its credential being looked at; every refusal is audited, identical ones as one row with a count,
 * and no row carries the token.
 */
@QuarkusTest
@TestProfile(SecurityTestProfile.class)
class FailedAuthenticationTest {
  private static final String UNKNOWN = "sluice_guessed_0000000000000000000000000000";

  @Inject FailedAuthAudit failedAuthAudit;

  @Test
  void anAddressPastItsLimitGets429WithoutItsTokensBeingChecked() throws Exception {
    String attacker = "127.0.0.2";
    for (int i = 0; i < SecurityTestProfile.FAILED_AUTH_LIMIT; i++) {
      RawHttp.Response refused = RawHttp.get(attacker, "/v1/config", "Bearer " + UNKNOWN + i);
      assertThat(refused.status()).as("failure %d", i).isEqualTo(401);
    }

    // even the administrator's valid token is not looked at from that address now
    RawHttp.Response throttled =
        RawHttp.get(attacker, "/v1/namespaces", TestAuthentication.ADMIN_HEADER);
    assertThat(throttled.status()).isEqualTo(429);
    assertThat(throttled.body())
        .contains("\"type\":\"TooManyRequestsException\"")
        .contains("\"code\":429");
    long retryAfter = Long.parseLong(throttled.headers().get("Retry-After"));
    assertThat(retryAfter).isBetween(1L, SecurityTestProfile.FAILED_AUTH_WINDOW.toSeconds());

    // other addresses are not affected, and nor are requests without credentials
    assertThat(RawHttp.get("127.0.0.4", "/v1/namespaces", TestAuthentication.ADMIN_HEADER).status())
        .isEqualTo(200);
    assertThat(RawHttp.get(attacker, "/v1/config", null).status()).isEqualTo(401);
    assertThat(RawHttp.get(attacker, "/q/health", null).status()).isEqualTo(200);

    List<Map<String, Object>> rows = failures(attacker);
    assertThat(rows)
        .anySatisfy(
            row -> {
              assertThat(row).containsEntry("rule", "api-token-unknown");
              assertThat(row).containsEntry("credential", "api-token");
              assertThat(row).containsEntry("attempts", SecurityTestProfile.FAILED_AUTH_LIMIT);
            })
        .anySatisfy(
            row -> {
              assertThat(row).containsEntry("rule", "too-many-failures");
              assertThat(row).containsEntry("attempts", 1);
            })
        .anySatisfy(
            row -> {
              assertThat(row).containsEntry("rule", "missing");
              assertThat(row).containsEntry("credential", "none");
            });
  }

  @Test
  void identicalFailuresAreOneAuditRowWithACountAndNeverTheToken() throws Exception {
    String client = "127.0.0.3";
    for (int i = 0; i < 3; i++) {
      assertThat(RawHttp.get(client, "/v1/namespaces", "Bearer " + UNKNOWN).status())
          .isEqualTo(401);
    }
    assertThat(RawHttp.get(client, "/api/v1/tokens", null).status()).isEqualTo(401);
    assertThat(RawHttp.get(client, "/v1/config", null).status()).isEqualTo(401);
    Map<String, Object> claims = AuthenticationTest.claims();
    claims.put("exp", Instant.now().getEpochSecond() - 60);
    assertThat(
            RawHttp.get(client, "/v1/config", "Bearer " + JwtKeys.atTestLocation().sign(claims))
                .status())
        .isEqualTo(401);

    List<Map<String, Object>> rows = failures(client);
    assertThat(rows)
        .allSatisfy(
            row -> {
              assertThat(row).containsEntry("principal", "anonymous");
              assertThat(row).containsEntry("decision", "deny");
              assertThat(row.get("requestId")).isNotNull();
            })
        .anySatisfy(
            row -> {
              assertThat(row).containsEntry("rule", "api-token-unknown");
              assertThat(row).containsEntry("attempts", 3);
              assertThat(row).containsEntry("resource", "/v1/namespaces");
            })
        .anySatisfy(
            row -> {
              assertThat(row).containsEntry("rule", "missing");
              assertThat(row).containsEntry("attempts", 2);
            })
        .anySatisfy(
            row -> {
              assertThat(row).containsEntry("rule", "oidc-expired");
              assertThat(row).containsEntry("credential", "oidc");
              assertThat(row).containsEntry("attempts", 1);
            });
    String trail = given().queryParam("action", "auth.failed").get("/api/v1/audit").asString();
    assertThat(trail).doesNotContain(UNKNOWN).doesNotContain(ApiTokenService.hash(UNKNOWN));
  }

  @Test
  void aRevokedTokenIsAuditedByItsIdAndStaysRefused() throws Exception {
    JsonPath created =
        given()
            .contentType("application/json")
            .body(Map.of("principal", "client:leaver"))
            .post("/api/v1/tokens")
            .then()
            .statusCode(201)
            .extract()
            .jsonPath();
    String secret = created.getString("secret");
    String tokenId = created.getString("token.tokenId");
    String client = "127.0.0.5";
    assertThat(RawHttp.get(client, "/v1/config", "Bearer " + secret).status()).isEqualTo(200);
    given().delete("/api/v1/tokens/" + tokenId).then().statusCode(204);
    for (int i = 0; i < 2; i++) {
      assertThat(RawHttp.get(client, "/v1/config", "Bearer " + secret).status()).isEqualTo(401);
    }

    assertThat(failures(client))
        .singleElement()
        .satisfies(
            row -> {
              assertThat(row).containsEntry("rule", "api-token-revoked");
              assertThat(row).containsEntry("credential", "api-token:" + tokenId);
              assertThat(row).containsEntry("attempts", 2);
            });
  }

  /**
   * The failed-authentication rows of one address, after closing the aggregation window (the test
   * profile's is an hour, so nothing is written before).
   */
  private List<Map<String, Object>> failures(String address) {
    failedAuthAudit.flush();
    return given()
        .queryParam("action", "auth.failed")
        .queryParam("pageSize", 1000)
        .get("/api/v1/audit")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath()
        .<Map<String, Object>>getList("events")
        .stream()
        .filter(row -> address.equals(row.get("clientAddress")))
        .toList();
  }
}
