package dev.sluice.catalog;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.iceberg.rest.RESTCatalog;

/** Clients and checks for tests of the server on a {@code file:} warehouse. */
public final class LocalCatalogs {
  private LocalCatalogs() {}

  /** The local path of a {@code file:} location. */
  public static Path local(String location) {
    return Path.of(location.startsWith("file:") ? location.substring("file:".length()) : location);
  }

  /** An Iceberg REST client of the test server, authenticated with {@code token}. */
  public static RESTCatalog client(String name, String token) {
    RESTCatalog catalog = new RESTCatalog();
    Map<String, String> properties = new HashMap<>();
    properties.put("uri", RestAssured.baseURI + ":" + RestAssured.port);
    properties.put("io-impl", "dev.sluice.catalog.storage.LocalFileIO");
    properties.put("warehouse", "sluice");
    properties.put("token", token);
    catalog.initialize(name, properties);
    return catalog;
  }

  /** A JSON request as the administrator (the default token of every test). */
  public static RequestSpecification admin() {
    return given().contentType(ContentType.JSON).accept(ContentType.JSON);
  }

  /** A JSON request with another bearer token. */
  public static RequestSpecification as(String token) {
    return admin().header("Authorization", "Bearer " + token);
  }

  /** An Iceberg error body with that status, type and message fragment. */
  public static void assertRefused(Response response, int status, String type, String message) {
    response
        .then()
        .statusCode(status)
        .body("error.code", equalTo(status))
        .body("error.type", equalTo(type))
        .body("error.message", containsString(message));
  }
}
