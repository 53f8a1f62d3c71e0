package dev.sluice.catalog.rest;

import static dev.sluice.catalog.rest.CatalogApi.api;
import static dev.sluice.catalog.rest.CatalogApi.createNamespace;
import static dev.sluice.catalog.rest.CatalogApi.createTable;
import static dev.sluice.catalog.rest.CatalogApi.local;
import static dev.sluice.catalog.rest.CatalogApi.tablePath;
import static dev.sluice.catalog.rest.CatalogApi.unique;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.io.IOException;
import java.nio.file.Files;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.Test;

/**
 * With no metadata cache every full load reads the metadata file, which shows that a conditional
 * load answered 304 reads none: its ETag comes from the pointer alone, and only the file's presence
 * is checked.
 */
@QuarkusTest
@TestProfile(MetadataCacheOffProfile.class)
class ConditionalLoadTest {

  @Test
  void aCurrentCopyIsConfirmedWithoutReadingTheMetadataFile() throws IOException {
    TableIdentifier table = TableIdentifier.of(createNamespace(unique("etag")), "orders");
    String location = createTable(table).metadataLocation();
    Response full = api().get(tablePath(table));
    full.then().statusCode(200);
    String etag = full.header("ETag");

    // the file's bytes become unreadable behind the server's back: a 304 does not read them
    Files.writeString(local(location), "{ not metadata");
    api()
        .header("If-None-Match", etag)
        .get(tablePath(table))
        .then()
        .statusCode(304)
        .header("ETag", etag);

    // a file removed fails a conditional load as it fails a full one: its presence is checked
    Files.delete(local(location));
    Response unconditional = api().get(tablePath(table));
    unconditional.then().statusCode(404);
    assertThat(unconditional.jsonPath().getString("error.type")).isEqualTo("NotFoundException");
    for (String tag : new String[] {etag, "\"some-other-tag\""}) {
      Response conditional = api().header("If-None-Match", tag).get(tablePath(table));
      conditional.then().statusCode(404);
      assertThat(conditional.jsonPath().getString("error.message"))
          .isEqualTo(unconditional.jsonPath().getString("error.message"));
    }
  }
}
