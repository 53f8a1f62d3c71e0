package dev.sluice.catalog.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.catalog.catalog.LoadTableText;
import java.util.Map;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableMetadataParser;
import org.apache.iceberg.rest.credentials.ImmutableCredential;
import org.apache.iceberg.rest.responses.LoadTableResponse;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

class StoredAnswerTest {
  @Test
  void aCommitsAnswerCarryingItsFilesTextIsStoredAsTheSerialisedAnswerIs() {
    Schema schema = new Schema(Types.NestedField.required(1, "id", Types.LongType.get()));
    String location = "s3://w/t/metadata/00001-a.metadata.json";
    String json =
        TableMetadataParser.toJson(
            TableMetadata.newTableMetadata(
                schema, PartitionSpec.unpartitioned(), SortOrder.unsorted(), "s3://w/t", Map.of()));
    LoadTableResponse response =
        LoadTableResponse.builder()
            .withTableMetadata(TableMetadataParser.fromJson(location, json))
            .addConfig("s3.secret-access-key", "secret")
            .addConfig("s3.endpoint", "http://127.0.0.1:9000")
            .addCredential(
                ImmutableCredential.builder()
                    .prefix("s3://w/t")
                    .config(Map.of("s3.session-token", "t"))
                    .build())
            .build();

    String stored = IdempotencyFilter.stored(new LoadTableText(response, json));

    assertThat(stored).isEqualTo(IdempotencyFilter.stored(response));
    assertThat(stored).contains("\"metadata\":{").doesNotContain("secret", "session-token");
  }
}
