package dev.sluice.catalog.lineage;

import dev.sluice.catalog.storage.LocalFileIO;
import io.restassured.RestAssured;
import java.util.Map;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.rest.RESTCatalog;

/** Commits through Iceberg's own REST client against the server under test. */
final class Commits {
  private Commits() {}

  static RESTCatalog client() {
    RESTCatalog client = new RESTCatalog();
    client.initialize(
        "test",
        Map.of(
            "uri",
            "http://localhost:" + RestAssured.port,
            "io-impl",
            LocalFileIO.class.getName(),
            "warehouse",
            "sluice",
            "token",
            dev.sluice.catalog.TestAuthentication.ADMIN_TOKEN));
    return client;
  }

  /** Appends one (metadata-only) data file: one snapshot, one commit. */
  static void append(Table table, String fileName) {
    table
        .newFastAppend()
        .appendFile(
            DataFiles.builder(PartitionSpec.unpartitioned())
                .withPath(table.location() + "/data/" + fileName)
                .withFileSizeInBytes(10)
                .withRecordCount(1)
                .build())
        .commit();
  }
}
