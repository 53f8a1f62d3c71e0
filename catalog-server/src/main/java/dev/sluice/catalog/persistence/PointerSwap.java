package dev.sluice.catalog.persistence;

import static java.util.Objects.requireNonNull;

import org.apache.iceberg.catalog.TableIdentifier;

/** One compare-and-swap of a metadata pointer: move from {@code expected} to {@code next}. */
public record PointerSwap(
    TableIdentifier identifier, CatalogEntity.Kind kind, String expected, String next) {
  public PointerSwap {
    requireNonNull(identifier, "identifier is null");
    requireNonNull(kind, "kind is null");
    requireNonNull(expected, "expected is null");
    requireNonNull(next, "next is null");
  }
}
