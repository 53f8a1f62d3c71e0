package dev.sluice.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class SchemaTest {

  @Test
  void schemaShipsWithTheLibraryAndNamesEverySection() throws IOException {
    JsonNode schema;
    try (InputStream in =
        getClass().getResourceAsStream("/dev/sluice/policy/policy-bundle.schema.json")) {
      assertThat(in).isNotNull();
      schema = new ObjectMapper().readTree(in);
    }

    assertThat(schema.path("properties").path("apiVersion").path("const").asText())
        .isEqualTo("sluice.dev/v1");
    assertThat(schema.path("properties").fieldNames())
        .toIterable()
        .containsExactlyInAnyOrder(
            "apiVersion",
            "domain",
            "zones",
            "classifications",
            "masks",
            "purposes",
            "principals",
            "datasets",
            "grants");
    assertThat(schema.path("$defs").path("dataset").path("properties").fieldNames())
        .toIterable()
        .containsExactlyInAnyOrder(
            "owner", "description", "columns", "consent", "retention", "row-filters", "tags");
  }
}
