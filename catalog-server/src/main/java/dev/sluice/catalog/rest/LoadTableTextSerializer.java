package dev.sluice.catalog.rest;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.sluice.catalog.catalog.LoadTableText;
import java.io.IOException;
import org.apache.iceberg.rest.credentials.Credential;
import org.apache.iceberg.rest.credentials.CredentialParser;
import org.apache.iceberg.rest.responses.LoadTableResponse;
import org.apache.iceberg.util.JsonUtil;

/**
 * Writes a {@link LoadTableText} with the fields and order of Iceberg's {@code
 * LoadTableResponseParser}, the metadata as its file's text: serialising a table's metadata again
 * for every load cost more than anything else in writing the answer.
 */
final class LoadTableTextSerializer extends StdSerializer<LoadTableText> {
  LoadTableTextSerializer() {
    super(LoadTableText.class);
  }

  @Override
  public void serialize(LoadTableText value, JsonGenerator gen, SerializerProvider provider)
      throws IOException {
    LoadTableResponse response = value.response();
    gen.writeStartObject();
    if (response.metadataLocation() != null) {
      gen.writeStringField("metadata-location", response.metadataLocation());
    }
    gen.writeFieldName("metadata");
    gen.writeRawValue(value.metadataJson());
    if (!response.config().isEmpty()) {
      JsonUtil.writeStringMap("config", response.config(), gen);
    }
    if (!response.credentials().isEmpty()) {
      gen.writeArrayFieldStart("storage-credentials");
      for (Credential credential : response.credentials()) {
        CredentialParser.toJson(credential, gen);
      }
      gen.writeEndArray();
    }
    gen.writeEndObject();
  }
}
