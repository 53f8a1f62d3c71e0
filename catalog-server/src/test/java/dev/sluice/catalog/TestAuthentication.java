package dev.sluice.catalog;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;
import io.restassured.filter.Filter;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Every test request authenticates as the bootstrap administrator unless it sets its own {@code
 * Authorization} header. The token is set with {@code %test} in the server's configuration.
 */
public class TestAuthentication implements QuarkusTestBeforeEachCallback {
  public static final String ADMIN_TOKEN = "sluice_test_admin_0123456789abcdefghijklmnop";
  public static final String ADMIN_HEADER = "Bearer " + ADMIN_TOKEN;

  private static final Filter AS_ADMIN =
      (request, response, context) -> {
        if (!request.getHeaders().hasHeaderWithName("Authorization")) {
          request.header("Authorization", ADMIN_HEADER);
        }
        return context.next(request, response);
      };

  /**
   * Fails any test whose request got an answer carrying the server's S3 secret key: the bucket keys
   * are the server's alone, whatever the endpoint, status or error.
   */
  private static final Filter NO_SECRET_IN_ANSWERS =
      (request, response, context) -> {
        io.restassured.response.Response answer = context.next(request, response);
        String secret =
            ConfigProvider.getConfig()
                .getOptionalValue("sluice.s3.secret-access-key", String.class)
                .orElse(null);
        String body = answer.asString();
        if (secret != null && body != null && body.contains(secret)) {
          throw new AssertionError(
              request.getMethod() + " " + request.getURI() + " answered with the S3 secret key");
        }
        return answer;
      };

  private static final Map<String, String> TOKENS = new ConcurrentHashMap<>();

  /**
   * The secret of an API token the admin API issued for the principal, once per server: each test
   * profile has a database of its own, named by its data directory.
   */
  public static String tokenFor(String principal, List<String> groups, List<String> roles) {
    String server = ConfigProvider.getConfig().getValue("sluice.data-dir", String.class);
    return TOKENS.computeIfAbsent(
        server + "|" + principal + groups + roles,
        key ->
            RestAssured.given()
                .header("Authorization", ADMIN_HEADER)
                .contentType(ContentType.JSON)
                .body(Map.of("principal", principal, "groups", groups, "roles", roles))
                .post("/api/v1/tokens")
                .then()
                .statusCode(201)
                .extract()
                .path("secret"));
  }

  @Override
  public void beforeEach(QuarkusTestMethodContext context) {
    if (!RestAssured.filters().contains(AS_ADMIN)) {
      RestAssured.filters(AS_ADMIN);
    }
    if (!RestAssured.filters().contains(NO_SECRET_IN_ANSWERS)) {
      RestAssured.filters(NO_SECRET_IN_ANSWERS);
    }
  }
}
