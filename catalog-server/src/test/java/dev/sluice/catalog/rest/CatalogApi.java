package dev.sluice.catalog.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.core.JsonProcessingException;
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
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.rest.requests.CreateNamespaceRequest;
import org.apache.iceberg.rest.requests.CreateTableRequest;
import org.apache.iceberg.rest.responses.ErrorResponse;
import org.apache.iceberg.rest.responses.LoadTableResponse;
import org.apache.iceberg.rest.responses.LoadViewResponse;
import org.apache.iceberg.types.Types;
import org.eclipse.microprofile.config.ConfigProvider;

/** Requests of the Iceberg REST protocol for tests, with Iceberg's own JSON for bodies. */
final class CatalogApi {
  static final Schema SCHEMA =
      new Schema(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.optional(2, "data", Types.StringType.get()));

  private static final AtomicInteger COUNTER = new AtomicInteger();

  private CatalogApi() {}

  /** A name no other test uses. */
  static String unique(String prefix) {
    return prefix + "_" + COUNTER.incrementAndGet() + "_" + Long.toString(System.nanoTime(), 36);
  }

  /** JSON requests; paths are given already encoded, exactly as Iceberg clients encode them. */
  /** Waits (up to 60 s) for a background job to end, and returns its last state. */
  public static Response awaitJob(String id) {
    if (id == null) {
      throw new AssertionError("no job id");
    }
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (true) {
      Response job = api().get("/api/v1/jobs/" + id);
      job.then().statusCode(200);
      String state = job.path("state");
      if (state.equals("SUCCEEDED") || state.equals("FAILED")) {
        return job;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("job " + id + " still " + state + ": " + job.asString());
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  static RequestSpecification api() {
    return given().urlEncodingEnabled(false).contentType(ContentType.JSON).accept(ContentType.JSON);
  }

  static String json(Object message) {
    try {
      return IcebergJson.mapper().writeValueAsString(message);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static <T> T parse(Response response, Class<T> type) {
    try {
      return IcebergJson.mapper().readValue(response.asString(), type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot parse " + response.asString(), e);
    }
  }

  /** A namespace as a path segment: levels joined by the encoded unit separator. */
  static String path(Namespace namespace) {
    return Arrays.stream(namespace.levels())
        .map(level -> URLEncoder.encode(level, StandardCharsets.UTF_8).replace("+", "%20"))
        .collect(Collectors.joining("%1F"));
  }

  static String path(String name) {
    return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static String tablePath(TableIdentifier identifier) {
    return "/v1/namespaces/" + path(identifier.namespace()) + "/tables/" + path(identifier.name());
  }

  static String viewPath(TableIdentifier identifier) {
    return "/v1/namespaces/" + path(identifier.namespace()) + "/views/" + path(identifier.name());
  }

  static Namespace createNamespace(String... levels) {
    Namespace namespace = Namespace.of(levels);
    api()
        .body(json(CreateNamespaceRequest.builder().withNamespace(namespace).build()))
        .post("/v1/namespaces")
        .then()
        .statusCode(200);
    return namespace;
  }

  static LoadTableResponse createTable(TableIdentifier identifier) {
    return createTable(identifier, Map.of());
  }

  static LoadTableResponse createTable(TableIdentifier identifier, Map<String, String> properties) {
    Response response =
        api()
            .body(
                json(
                    CreateTableRequest.builder()
                        .withName(identifier.name())
                        .withSchema(SCHEMA)
                        .setProperties(new HashMap<>(properties))
                        .build()))
            .post("/v1/namespaces/" + path(identifier.namespace()) + "/tables");
    response.then().statusCode(200);
    return parse(response, LoadTableResponse.class);
  }

  static LoadTableResponse loadTable(TableIdentifier identifier) {
    Response response = api().get(tablePath(identifier));
    response.then().statusCode(200);
    return parse(response, LoadTableResponse.class);
  }

  static LoadViewResponse loadView(TableIdentifier identifier) {
    Response response = api().get(viewPath(identifier));
    response.then().statusCode(200);
    return parse(response, LoadViewResponse.class);
  }

  static String metadataLocation(TableIdentifier identifier) {
    return loadTable(identifier).metadataLocation();
  }

  /** Asserts an Iceberg error body: {@code {"error":{"message","type","code"}}}. */
  static void assertError(Response response, int status, String type, String messageFragment) {
    response
        .then()
        .statusCode(status)
        .contentType(ContentType.JSON)
        .body("error.code", equalTo(status))
        .body("error.type", equalTo(type))
        .body("error.message", containsString(messageFragment));
    ErrorResponse parsed = parse(response, ErrorResponse.class);
    assertThat(parsed.code()).isEqualTo(status);
  }

  /** The warehouse root on the local file system. */
  static Path warehouse() {
    String location =
        ConfigProvider.getConfig().getValue("sluice.warehouse.location", String.class);
    return local(location);
  }

  static Path local(String location) {
    String path = location.startsWith("file:") ? location.substring("file:".length()) : location;
    return Path.of(path).toAbsolutePath().normalize();
  }

  /** Every regular file under {@code root}, so a refused request can be shown to write nothing. */
  static Set<String> files(Path root) {
    if (!Files.isDirectory(root)) {
      return Set.of();
    }
    try (Stream<Path> paths = Files.walk(root)) {
      return paths
          .filter(Files::isRegularFile)
          .map(Path::toString)
          .collect(Collectors.toCollection(TreeSet::new));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Set<String> warehouseFiles() {
    return files(warehouse());
  }

  /** Iceberg's own REST client against the server under test, with a file IO needing no Hadoop. */
  static RESTCatalog client() {
    RESTCatalog catalog = new RESTCatalog();
    Map<String, String> properties = new HashMap<>();
    properties.put("uri", RestAssured.baseURI + ":" + RestAssured.port);
    properties.put("io-impl", "dev.sluice.catalog.storage.LocalFileIO");
    properties.put("warehouse", "sluice");
    properties.put("token", dev.sluice.catalog.TestAuthentication.ADMIN_TOKEN);
    catalog.initialize("test", properties);
    return catalog;
  }
}
