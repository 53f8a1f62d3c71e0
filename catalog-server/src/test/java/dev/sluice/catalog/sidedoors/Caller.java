package dev.sluice.catalog.sidedoors;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.sluice.catalog.TestAuthentication;
import dev.sluice.catalog.rest.IcebergJson;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.rest.requests.CreateTableRequest;
import org.apache.iceberg.types.Types;

/** Requests as one principal, with an API token the admin API issued for it. */
final class Caller {
  static final Caller ADMIN = new Caller(null);

  static final Schema SCHEMA =
      new Schema(
          Types.NestedField.optional(1, "id", Types.LongType.get()),
          Types.NestedField.optional(2, "region", Types.StringType.get()));

  private final String token;

  private Caller(String token) {
    this.token = token;
  }

  /** {@code client:transform}, {@code user:alice} with groups. */
  static Caller as(String principal, String... groups) {
    return new Caller(TestAuthentication.tokenFor(principal, List.of(groups), List.of()));
  }

  String token() {
    return token == null ? dev.sluice.catalog.TestAuthentication.ADMIN_TOKEN : token;
  }

  RequestSpecification request() {
    RequestSpecification spec =
        given().urlEncodingEnabled(false).contentType(ContentType.JSON).accept(ContentType.JSON);
    return token == null ? spec : spec.header("Authorization", "Bearer " + token);
  }

  /** Iceberg's REST client as this caller, reading and writing the local file system. */
  RESTCatalog client() {
    RESTCatalog catalog = new RESTCatalog();
    Map<String, String> properties = new HashMap<>();
    properties.put("uri", RestAssured.baseURI + ":" + RestAssured.port);
    properties.put("io-impl", "dev.sluice.catalog.storage.LocalFileIO");
    properties.put("warehouse", "sluice");
    properties.put("token", token());
    catalog.initialize("side-doors", properties);
    return catalog;
  }

  Response createTable(
      Namespace namespace, String name, String location, Map<String, String> props) {
    return createTable(namespace, name, SCHEMA, location, props);
  }

  Response createTable(
      Namespace namespace, String name, Schema schema, String location, Map<String, String> props) {
    CreateTableRequest.Builder request =
        CreateTableRequest.builder()
            .withName(name)
            .withSchema(schema)
            .setProperties(new HashMap<>(props));
    if (location != null) {
      request.withLocation(location);
    }
    return request()
        .body(json(request.build()))
        .post("/v1/namespaces/" + path(namespace) + "/tables");
  }

  static void createNamespace(String... levels) {
    int status =
        ADMIN
            .request()
            .body("{\"namespace\":" + toJson(List.of(levels)) + "}")
            .post("/v1/namespaces")
            .statusCode();
    if (status != 200 && status != 409) {
      throw new AssertionError("cannot create namespace " + List.of(levels) + ": " + status);
    }
  }

  static String json(Object message) {
    try {
      return IcebergJson.mapper().writeValueAsString(message);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String toJson(Object value) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String path(Namespace namespace) {
    return Arrays.stream(namespace.levels()).map(Caller::path).collect(Collectors.joining("%1F"));
  }

  static String path(String name) {
    return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static String tablePath(TableIdentifier table) {
    return "/v1/namespaces/" + path(table.namespace()) + "/tables/" + path(table.name());
  }

  static String viewPath(TableIdentifier view) {
    return "/v1/namespaces/" + path(view.namespace()) + "/views/" + path(view.name());
  }

  /** Asserts an Iceberg error body naming the rule. */
  static void assertRefused(Response response, int status, String type, String... fragments) {
    var then =
        response
            .then()
            .statusCode(status)
            .contentType(ContentType.JSON)
            .body("error.code", equalTo(status))
            .body("error.type", equalTo(type));
    for (String fragment : fragments) {
      then.body("error.message", containsString(fragment));
    }
  }

  /** Every file below the test's directory except the database's: what a request may write. */
  static Set<String> filesOutsideTheDatabase() {
    Path root = SideDoorsProfile.DIR;
    Path data = root.resolve("data");
    try (Stream<Path> paths = Files.walk(root)) {
      return paths
          .filter(Files::isRegularFile)
          .filter(p -> !p.startsWith(data) || p.startsWith(data.resolve("warehouse")))
          .map(Path::toString)
          .collect(Collectors.toCollection(TreeSet::new));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The current metadata file of a table (as admin), or null when it does not exist. */
  static String metadataLocation(TableIdentifier table) {
    Response response = ADMIN.request().get(tablePath(table));
    if (response.statusCode() == 404) {
      return null;
    }
    response.then().statusCode(200);
    return response.path("metadata-location");
  }

  static void assertSameFiles(Set<String> before) {
    assertThat(filesOutsideTheDatabase()).isEqualTo(before);
  }
}
