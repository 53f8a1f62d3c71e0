package dev.sluice.catalog.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An OIDC provider that cannot be reached does not keep the server from starting or API tokens from
 * working; its access tokens get 503 (retry later) until it can be reached, and count as no failed
 * authentication of the client.
 */
@QuarkusTest
@TestProfile(OidcProviderUnreachableTest.Unreachable.class)
class OidcProviderUnreachableTest {

  public static class Unreachable implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "sluice.data-dir",
          Path.of("target", "test-data", "oidc-down-" + ProcessHandle.current().pid())
              .toAbsolutePath()
              .toString(),
          // nothing listens on port 1
          "sluice.auth.oidc.issuer",
          "http://127.0.0.1:1/realms/gone");
    }
  }

  @Test
  void apiTokensWorkAndAccessTokensAre503() throws Exception {
    given().get("/v1/config").then().statusCode(200);
    String token = JwtKeys.atTestLocation().sign(AuthenticationTest.claims());

    // more than the default failed-authentication limit: none of them counts against the client
    for (int i = 0; i < SecurityTestProfile.FAILED_AUTH_LIMIT + 1; i++) {
      RawHttp.Response unavailable = RawHttp.get("127.0.0.7", "/v1/config", "Bearer " + token);
      assertThat(unavailable.status()).isEqualTo(503);
      assertThat(unavailable.body()).contains("\"type\":\"ServiceUnavailableException\"");
    }
  }
}
