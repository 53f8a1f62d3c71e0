package dev.sluice.it.governance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.it.KeycloakServer;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The lakehouse realm as the catalog will see it: which claims real Keycloak tokens carry for
 * engines (client credentials) and for people (password grant).
 */
class KeycloakRealmIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static KeycloakServer keycloak;
  private static GovernedLakehouse lake;

  /** The module's shared Keycloak: one start serves every test class. */
  @BeforeAll
  static void start() throws Exception {
    lake = GovernedLakehouse.get();
    keycloak = lake.keycloak();
  }

  @ParameterizedTest
  @ValueSource(strings = {"spark", "trino", "ingest", "transform", "training-pipeline"})
  void engineClientsGetCatalogTokensByClientCredentials(String client) throws IOException {
    JsonNode claims = claims(keycloak.clientToken(client, client + "-secret"));

    assertThat(claims.path("iss").asText()).isEqualTo(keycloak.issuer());
    assertThat(strings(claims.path("aud"))).as("aud of %s", claims).contains("sluice");
    assertThat(claims.path("client_id").asText()).as("client_id of %s", claims).isEqualTo(client);
    assertThat(claims.path("azp").asText()).isEqualTo(client);
    assertThat(claims.path("preferred_username").asText()).isEqualTo("service-account-" + client);
    assertThat(strings(claims.path("groups"))).as("service accounts are in no group").isEmpty();
  }

  @Test
  void catalogScopeIsThereWithoutAskingForIt() throws IOException {
    HttpResponse<String> response =
        keycloak.tokenResponse(
            Map.of(
                "grant_type", "client_credentials",
                "client_id", "trino",
                "client_secret", "trino-secret"));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode claims = claims(JSON.readTree(response.body()).path("access_token").asText());
    assertThat(strings(claims.path("aud"))).contains("sluice");
  }

  @Test
  void analystTokenNamesHerGroup() throws IOException {
    JsonNode claims = claims(keycloak.userToken("alice", "alice-password"));

    assertThat(strings(claims.path("groups")))
        .as("groups of %s", claims)
        .containsExactly("analysts");
    assertThat(claims.path("preferred_username").asText()).isEqualTo("alice");
    assertThat(claims.path("azp").asText()).isEqualTo(KeycloakServer.CLI_CLIENT);
    assertThat(strings(claims.path("aud"))).contains("sluice");
  }

  @Test
  void platformAdministratorCarriesTheCatalogAdminRole() throws IOException {
    JsonNode claims = claims(keycloak.userToken("dana", "dana-password"));

    assertThat(strings(claims.path("realm_access").path("roles")))
        .as("realm roles of %s", claims)
        .contains("sluice-admin", "platform-admin");
    assertThat(strings(claims.path("groups"))).containsExactly("data-platform");
  }

  @Test
  void userWithoutGroupGetsNone() throws IOException {
    JsonNode claims = claims(keycloak.userToken("nobody", "nobody-password"));

    assertThat(strings(claims.path("groups"))).isEmpty();
    assertThat(strings(claims.path("realm_access").path("roles"))).doesNotContain("sluice-admin");
  }

  @ParameterizedTest
  @ValueSource(strings = {"client:spark", "user:alice"})
  void theCatalogAuditsKeycloakCallersByIssuerAndSubject(String caller) throws IOException {
    String token =
        caller.startsWith("client:")
            ? lake.clientToken(caller.substring("client:".length()))
            : lake.userToken(caller.substring("user:".length()));
    String requestId = "keycloak-credential-" + caller.replace(':', '-') + "-" + System.nanoTime();

    HttpResponse<String> config = lake.send("GET", "/v1/config", token, null, requestId);

    assertThat(config.statusCode()).as(config.body()).isEqualTo(200);
    String expected = "oidc:" + keycloak.issuer() + "#" + claims(token).path("sub").asText();
    assertThat(claims(token).path("sub").asText()).isNotBlank();
    List<JsonNode> rows = new ArrayList<>();
    lake.audit(Map.of("credential", expected, "action", "config.read")).forEach(rows::add);
    assertThat(rows)
        .filteredOn(row -> row.path("requestId").asText().equals(requestId))
        .singleElement()
        .satisfies(
            row -> {
              assertThat(row.path("principal").asText()).isEqualTo(caller);
              assertThat(row.path("attempts").asInt()).isEqualTo(1);
            });
  }

  @Test
  void wrongSecretIsRefused() {
    HttpResponse<String> response =
        keycloak.tokenResponse(
            Map.of(
                "grant_type", "client_credentials",
                "client_id", "spark",
                "client_secret", "not-the-secret",
                "scope", KeycloakServer.CATALOG_SCOPE));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
  }

  @Test
  void engineClientsCannotSignPeopleIn() {
    HttpResponse<String> response =
        keycloak.tokenResponse(
            Map.of(
                "grant_type", "password",
                "client_id", "spark",
                "client_secret", "spark-secret",
                "username", "alice",
                "password", "alice-password"));

    assertThat(response.statusCode()).as(response.body()).isIn(400, 401);
  }

  /** The payload of a JWT; the signature is the catalog's business, not this test's. */
  private static JsonNode claims(String jwt) throws IOException {
    String[] parts = jwt.split("\\.");
    assertThat(parts).as("a JWS has three parts").hasSize(3);
    return JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
  }

  /** A claim as strings: Keycloak writes one audience as a string and several as an array. */
  private static List<String> strings(JsonNode claim) {
    List<String> values = new ArrayList<>();
    if (claim.isArray()) {
      claim.forEach(value -> values.add(value.asText()));
    } else if (claim.isTextual()) {
      values.add(claim.asText());
    }
    return values;
  }
}
