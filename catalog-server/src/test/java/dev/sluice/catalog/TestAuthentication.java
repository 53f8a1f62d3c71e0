package dev.sluice.catalog;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;
import io.restassured.filter.Filter;

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

  @Override
  public void beforeEach(QuarkusTestMethodContext context) {
    if (!RestAssured.filters().contains(AS_ADMIN)) {
      RestAssured.filters(AS_ADMIN);
    }
  }
}
