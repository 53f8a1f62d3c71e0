package dev.sluice.catalog.persistence;

import static java.util.Objects.requireNonNull;

import java.util.Comparator;
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
  /** The order rows are locked in: the database's own order of the pointer's key. */
  public static final Comparator<PointerSwap> LOCK_ORDER =
      Comparator.comparing(
              (PointerSwap swap) -> NamespaceNames.encode(swap.identifier().namespace()))
          .thenComparing(swap -> swap.identifier().name());

  public PointerSwap {
    requireNonNull(identifier, "identifier is null");
    requireNonNull(kind, "kind is null");
    requireNonNull(expected, "expected is null");
    requireNonNull(next, "next is null");
    requireNonNull(location, "location is null");
  }
}
