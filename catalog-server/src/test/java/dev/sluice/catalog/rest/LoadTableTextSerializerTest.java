package dev.sluice.catalog.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.catalog.catalog.LoadTableText;
import java.util.Map;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableMetadataParser;
import org.apache.iceberg.rest.credentials.ImmutableCredential;
import org.apache.iceberg.rest.responses.LoadTableResponse;
import org.apache.iceberg.rest.responses.LoadTableResponseParser;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

class LoadTableTextSerializerTest {
  private static final ObjectMapper MAPPER = IcebergJson.mapper();
  private static final String LOCATION = "s3://w/sales/orders/metadata/00001-a.metadata.json";

  private static String fileText() {
    Schema schema =
        new Schema(
            Types.NestedField.required(1, "id", Types.LongType.get()),
            Types.NestedField.optional(2, "name", Types.StringType.get()));
    TableMetadata created =
        TableMetadata.newTableMetadata(
            schema,
            PartitionSpec.builderFor(schema).bucket("id", 4).build(),
            SortOrder.unsorted(),
            "s3://w/sales/orders",
            Map.of("comment", "naïve \"quoted\" 😀\u2028"));
    return TableMetadataParser.toJson(created);
  }

  private static LoadTableResponse response(String json, boolean withConfigAndCredentials) {
    LoadTableResponse.Builder builder =
        LoadTableResponse.builder().withTableMetadata(TableMetadataParser.fromJson(LOCATION, json));
    if (withConfigAndCredentials) {
      builder
          .addConfig("s3.remote-signing-enabled", "true")
          .addCredential(
              ImmutableCredential.builder()
                  .prefix("s3://w/sales/orders")
                  .config(Map.of("s3.access-key-id", "AKIA", "s3.session-token", "t"))
                  .build());
    }
    return builder.build();
  }

  @Test
  void anAnswerCarryingTheFilesTextReadsBackAsIcebergsOwnAnswer() throws Exception {
    String json = fileText();
    for (boolean extras : new boolean[] {false, true}) {
      LoadTableResponse response = response(json, extras);

      String written = MAPPER.writeValueAsString(new LoadTableText(response, json));

      JsonNode expected = MAPPER.readTree(LoadTableResponseParser.toJson(response));
      assertThat(MAPPER.readTree(written))
          .as("config and credentials: " + extras)
          .isEqualTo(expected);
      LoadTableResponse parsed = LoadTableResponseParser.fromJson(written);
      assertThat(parsed.metadataLocation()).isEqualTo(LOCATION);
      assertThat(parsed.config()).isEqualTo(response.config());
      assertThat(parsed.credentials()).isEqualTo(response.credentials());
    }
  }

  @Test
  void theFilesTextGoesOutAsItIsWhateverItsLayout() throws Exception {
    String pretty =
        MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(MAPPER.readTree(fileText()));
    LoadTableResponse response = response(pretty, false);

    String written = MAPPER.writeValueAsString(new LoadTableText(response, pretty));

    assertThat(written).contains("\"metadata\":" + pretty);
    assertThat(MAPPER.readTree(written))
        .isEqualTo(MAPPER.readTree(LoadTableResponseParser.toJson(response)));
  }
}
