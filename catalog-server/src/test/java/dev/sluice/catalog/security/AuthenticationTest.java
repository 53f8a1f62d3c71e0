package dev.sluice.catalog.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Who gets in: API tokens and OIDC access tokens, and every way a token must be refused. */
@QuarkusTest
@TestProfile(SecurityTestProfile.class)
class AuthenticationTest {

  static Map<String, Object> claims() {
    long now = Instant.now().getEpochSecond();
    Map<String, Object> claims = new HashMap<>();
    claims.put("iss", SecurityTestProfile.ISSUER);
    claims.put("aud", List.of("sluice", "account"));
    claims.put("sub", "3f1c2b9e-0000-4000-8000-000000000001");
    claims.put("iat", now);
    claims.put("exp", now + 300);
    claims.put("preferred_username", "alice");
    claims.put("groups", List.of("/analysts"));
    claims.put("realm_access", Map.of("roles", List.of("offline_access")));
    return claims;
  }

  private static HttpResponse<String> get(String path, String authorization) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port + path));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HttpClient.newHttpClient()
        .send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertRefused(String authorization) throws Exception {
    HttpResponse<String> response = get("/v1/namespaces", authorization);
    assertThat(response.statusCode()).as("status for %s", authorization).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer");
    assertThat(response.body())
        .contains("\"type\":\"NotAuthorizedException\"")
        .contains("\"code\":401");
  }

  @Test
  void requestsWithoutValidCredentialsAre401WithAnIcebergError() throws Exception {
    assertRefused(null);
    assertRefused("Basic YWRtaW46YWRtaW4=");
    assertRefused("Bearer ");
    assertRefused("Bearer sluice_not-a-token-this-server-issued-0000000000");
    assertRefused("Bearer not.a.jwt");
    for (String path : List.of("/v1/config", "/api/v1/lineage/search?q=x", "/api/v1/policy")) {
      assertThat(get(path, null).statusCode()).as(path).isEqualTo(401);
    }
    // operations stay reachable for probes, and the API describes itself
    assertThat(get("/q/health", null).statusCode()).isEqualTo(200);
    HttpResponse<String> openapi = get("/q/openapi", null);
    assertThat(openapi.statusCode()).isEqualTo(200);
    assertThat(openapi.body())
        .contains("/api/v1/audit")
        .contains("/api/v1/tokens")
        .contains("/api/v1/principals/{subject}/grants")
        .contains("/api/v1/zones");
  }

  @Test
  void aValidOidcTokenNamesTheUserWithGroupsAndRoles() throws Exception {
    String token = JwtKeys.atTestLocation().sign(claims());

    HttpResponse<String> response = get("/v1/namespaces", "Bearer " + token);

    assertThat(response.statusCode()).isEqualTo(200);
    // analysts see the zones the example policy opens to them, nothing else
    assertThat(response.body()).startsWith("{\"namespaces\":[]");
    given()
        .queryParam("action", "namespace.list")
        .queryParam("principal", "user:alice")
        .get("/api/v1/audit")
        .then()
        .statusCode(200)
        .body("events[0].decision", equalTo("allow"))
        .body("events[0].requestId", notNullValue())
        .body(
            "events[0].credential",
            equalTo("oidc:" + SecurityTestProfile.ISSUER + "#3f1c2b9e-0000-4000-8000-000000000001"))
        .body("events[0].attempts", equalTo(1));
  }

  @Test
  void theBootstrapAdministratorCannotBeConfusedWithAnOidcUserNamedAdmin() throws Exception {
    Map<String, Object> admin = claims();
    admin.put("preferred_username", "admin");
    admin.put("sub", "3f1c2b9e-0000-4000-8000-0000000000ad");
    admin.put("realm_access", Map.of("roles", List.of("sluice-admin")));
    assertThat(get("/api/v1/zones", "Bearer " + JwtKeys.atTestLocation().sign(admin)).statusCode())
        .isEqualTo(200);
    given().get("/api/v1/zones").then().statusCode(200);

    // two principals, two credentials: the audit trail tells them apart
    String bootstrapId =
        given()
            .get("/api/v1/tokens")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getString("find { it.principal == 'user:sluice:bootstrap-admin' }.tokenId");
    assertThat(bootstrapId).isNotNull();
    given()
        .queryParam("principal", "user:admin")
        .queryParam("action", "admin.zones")
        .get("/api/v1/audit")
        .then()
        .statusCode(200)
        .body(
            "events.credential",
            everyItem(
                equalTo(
                    "oidc:"
                        + SecurityTestProfile.ISSUER
                        + "#3f1c2b9e-0000-4000-8000-0000000000ad")));
    given()
        .queryParam("credential", "api-token:" + bootstrapId)
        .queryParam("action", "admin.zones")
        .get("/api/v1/audit")
        .then()
        .statusCode(200)
        .body("events.principal", everyItem(equalTo("user:sluice:bootstrap-admin")))
        .body("events.size()", greaterThan(0));
    given()
        .queryParam("credential", "oidc:*")
        .queryParam("principal", "user:sluice:bootstrap-admin")
        .get("/api/v1/audit")
        .then()
        .statusCode(200)
        .body("events", empty());

    // the reserved name cannot be claimed by a token, nor issued to one
    Map<String, Object> impostor = claims();
    impostor.put("preferred_username", "sluice:bootstrap-admin");
    impostor.put("realm_access", Map.of("roles", List.of("sluice-admin")));
    assertRefused("Bearer " + JwtKeys.atTestLocation().sign(impostor));
    Map<String, Object> impostorClient = claims();
    impostorClient.put("client_id", "sluice:bootstrap-admin");
    assertRefused("Bearer " + JwtKeys.atTestLocation().sign(impostorClient));
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("principal", "user:sluice:bootstrap-admin"))
        .post("/api/v1/tokens")
        .then()
        .statusCode(400)
        .body("error.message", containsString("reserved"));
  }

  @Test
  void clientCredentialTokensAreClients() throws Exception {
    Map<String, Object> claims = claims();
    claims.remove("groups");
    claims.put("preferred_username", "service-account-ingest");
    claims.put("client_id", "ingest");

    assertThat(get("/v1/config", "Bearer " + JwtKeys.atTestLocation().sign(claims)).statusCode())
        .isEqualTo(200);
    given()
        .queryParam("principal", "client:ingest")
        .get("/api/v1/audit")
        .then()
        .statusCode(200)
        .body("events.action", hasItem("config.read"));
  }

  @Test
  void expiredForgedMisdirectedAndUnsignedTokensAre401() throws Exception {
    JwtKeys keys = JwtKeys.atTestLocation();
    long now = Instant.now().getEpochSecond();

    Map<String, Object> expired = claims();
    expired.put("iat", now - 3600);
    expired.put("exp", now - 1800);
    assertRefused("Bearer " + keys.sign(expired));

    assertRefused("Bearer " + JwtKeys.sign(JwtKeys.generate().getPrivate(), claims()));

    Map<String, Object> otherIssuer = claims();
    otherIssuer.put("iss", "https://idp.test/realms/other");
    assertRefused("Bearer " + keys.sign(otherIssuer));

    Map<String, Object> otherAudience = claims();
    otherAudience.put("aud", List.of("account"));
    assertRefused("Bearer " + keys.sign(otherAudience));

    assertRefused("Bearer " + JwtKeys.unsigned(claims()));
    assertRefused("Bearer " + keys.signHs256WithPublicKey(claims()));

    // a valid token with its payload swapped keeps a signature that no longer matches
    String valid = keys.sign(claims());
    String other = keys.sign(otherAudience);
    String[] a = valid.split("\\.");
    String[] b = other.split("\\.");
    assertRefused("Bearer " + a[0] + "." + b[1] + "." + a[2]);
  }

  @Test
  void apiTokensAreIssuedOnceListedWithoutSecretsAndRevocable() throws Exception {
    Map<String, Object> created =
        given()
            .contentType(ContentType.JSON)
            .body(
                Map.of(
                    "principal",
                    "client:ingest",
                    "description",
                    "nightly ingest",
                    "groups",
                    List.of()))
            .post("/api/v1/tokens")
            .then()
            .statusCode(201)
            .body("secret", startsWith("sluice_"))
            .body("token.principal", equalTo("client:ingest"))
            .extract()
            .as(Map.class);
    String secret = (String) created.get("secret");
    @SuppressWarnings("unchecked")
    String tokenId = (String) ((Map<String, Object>) created.get("token")).get("tokenId");

    assertThat(get("/v1/config", "Bearer " + secret).statusCode()).isEqualTo(200);
    String listed = given().get("/api/v1/tokens").then().statusCode(200).extract().asString();
    assertThat(listed).contains(tokenId).doesNotContain(secret).doesNotContain("secretHash");

    // not an administrator: the admin API is closed to it, and says so
    HttpResponse<String> forbidden = get("/api/v1/tokens", "Bearer " + secret);
    assertThat(forbidden.statusCode()).isEqualTo(403);
    assertThat(forbidden.body()).contains("\"type\":\"ForbiddenException\"");

    given().delete("/api/v1/tokens/" + tokenId).then().statusCode(204);
    assertRefused("Bearer " + secret);
    given().delete("/api/v1/tokens/no-such-token").then().statusCode(404);
  }

  @Test
  void tokenRequestsAreValidated() {
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("principal", "group:analysts"))
        .post("/api/v1/tokens")
        .then()
        .statusCode(400)
        .body("error.message", startsWith("principal must be user:<name> or client:<name>"));
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("description", "nobody"))
        .post("/api/v1/tokens")
        .then()
        .statusCode(400);
  }
}
