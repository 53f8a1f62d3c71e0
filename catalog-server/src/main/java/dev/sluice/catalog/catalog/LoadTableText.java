package dev.sluice.catalog.catalog;

import static java.util.Objects.requireNonNull;

import org.apache.iceberg.rest.RESTResponse;
import org.apache.iceberg.rest.responses.LoadTableResponse;

/**
 * A table answer whose metadata goes out as the JSON text of its file, as read or written, instead
 * of being serialised again: the same fields as {@code response}, whose metadata the text holds.
 * The text is always a single JSON object ({@link TableMetadataCache} keeps no other).
 */
public record LoadTableText(LoadTableResponse response, String metadataJson)
    implements RESTResponse {
  public LoadTableText {
    requireNonNull(response, "response");
    requireNonNull(metadataJson, "metadataJson");
  }

  @Override
  public void validate() {
    response.validate();
  }
}
