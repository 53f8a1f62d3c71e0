package dev.sluice.catalog.catalog;

import dev.sluice.catalog.persistence.CatalogEntity.Kind;
import dev.sluice.catalog.persistence.CatalogStore;
import dev.sluice.catalog.persistence.EntityPointer;
import dev.sluice.catalog.persistence.PointerSwap;
import dev.sluice.zones.StorageLocation;
import java.util.Optional;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.BadRequestException;
import org.apache.iceberg.exceptions.CleanableFailure;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.io.FileIO;

/**
 * Reads and moves a table's or view's metadata pointer. A move goes to a metadata file that is
 * already written. A definite refusal (conflict, already exists, gone) deletes the new file, which
 * nothing references; any other failure leaves the outcome unknown and says so, so the client does
 * not clean up a commit that may have happened.
 */
final class PointerCommit {
  private final CatalogStore store;
  private final FileIO io;
  private final CatalogMetrics metrics;

  PointerCommit(CatalogStore store, FileIO io, CatalogMetrics metrics) {
    this.store = store;
    this.io = io;
    this.metrics = metrics;
  }

  /** The metadata location the pointer names, if a table or view of that kind exists. */
  Optional<String> current(TableIdentifier identifier, Kind kind) {
    return store
        .find(identifier)
        .filter(pointer -> pointer.kind() == kind)
        .map(EntityPointer::metadataLocation);
  }

  /**
   * Refuses a location that holds, or lies within, another table's or view's: two tables sharing
   * files would let one's purge or maintenance delete the other's data. Checked before any file is
   * written.
   */
  void requireOwnLocation(TableIdentifier identifier, StorageLocation location) {
    store
        .overlapping(location, identifier)
        .ifPresent(
            other -> {
              throw new BadRequestException(
                  "Refused location for %s: %s overlaps the location of %s; tables and views"
                      + " may not share files",
                  identifier, location, other);
            });
  }

  /** Checked before a new entity's first metadata file is written, so no file is orphaned. */
  void requireNamespace(Namespace namespace) {
    if (!store.namespaceExists(namespace)) {
      throw new NoSuchNamespaceException("Namespace does not exist: %s", namespace);
    }
  }

  /**
   * Creates the entity when {@code baseLocation} is null, otherwise swaps from it.
   *
   * @param wroteFile whether {@code newLocation} was written by this commit (and may be deleted)
   * @param location the entity's location after the move
   */
  void move(
      TableIdentifier identifier,
      Kind kind,
      String baseLocation,
      String newLocation,
      boolean wroteFile,
      StorageLocation location) {
    try {
      if (baseLocation == null) {
        store.create(identifier, kind, newLocation, location.key());
      } else {
        store.swap(new PointerSwap(identifier, kind, baseLocation, newLocation, location.key()));
      }
      metrics.committed();
    } catch (CommitFailedException e) {
      metrics.pointerConflict();
      deleteIf(wroteFile, newLocation);
      throw e;
    } catch (RuntimeException e) {
      if (!isDefinite(e)) {
        throw new CommitStateUnknownException(e);
      }
      deleteIf(wroteFile, newLocation);
      throw e;
    }
  }

  /**
   * Whether the store refused before committing anything: the refusals Iceberg clients may clean up
   * after ({@link CleanableFailure}, which includes a 503 for an unreachable database), and an
   * existing name. Anything else may have come from COMMIT itself.
   */
  static boolean isDefinite(RuntimeException e) {
    return e instanceof CleanableFailure || e instanceof AlreadyExistsException;
  }

  private void deleteIf(boolean wroteFile, String location) {
    if (wroteFile) {
      io.deleteFile(location);
    }
  }
}
