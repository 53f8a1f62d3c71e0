package dev.sluice.catalog.persistence;

import static java.util.Objects.requireNonNull;

/** A detached view of a table or view row: which metadata file is current. */
public record EntityPointer(long id, CatalogEntity.Kind kind, String metadataLocation) {
  public EntityPointer {
    requireNonNull(kind, "kind is null");
    requireNonNull(metadataLocation, "metadataLocation is null");
  }
}
