package dev.sluice.catalog.persistence;

import static java.util.Objects.requireNonNull;

import org.apache.iceberg.catalog.TableIdentifier;

/**
 * One compare-and-swap of a metadata pointer: move from {@code expected} to {@code next}; {@code
 * location} is the canonical location the entity has after the move.
 */
public record PointerSwap(
    TableIdentifier identifier,
    CatalogEntity.Kind kind,
    String expected,
    String next,
    String location) {
  public PointerSwap {
    requireNonNull(identifier, "identifier is null");
    requireNonNull(kind, "kind is null");
    requireNonNull(expected, "expected is null");
    requireNonNull(next, "next is null");
    requireNonNull(location, "location is null");
  }
}
