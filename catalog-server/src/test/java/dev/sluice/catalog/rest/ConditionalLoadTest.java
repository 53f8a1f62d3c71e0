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
 * load answered 304 reads none: its ETag comes from the pointer alone.
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

    Files.delete(local(location));

    api()
        .header("If-None-Match", etag)
        .get(tablePath(table))
        .then()
        .statusCode(304)
        .header("ETag", etag);
    // a full answer needs the file, which is gone: nothing is served from memory
    Response unconditional = api().get(tablePath(table));
    assertThat(unconditional.statusCode()).isNotEqualTo(200);
    api()
        .header("If-None-Match", "\"some-other-tag\"")
        .get(tablePath(table))
        .then()
        .statusCode(unconditional.statusCode());
  }
}
