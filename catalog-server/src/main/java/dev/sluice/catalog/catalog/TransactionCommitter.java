package dev.sluice.catalog.catalog;

import dev.sluice.catalog.persistence.CatalogEntity.Kind;
import dev.sluice.catalog.persistence.CatalogStore;
import dev.sluice.catalog.persistence.DatabaseFailures;
import dev.sluice.catalog.persistence.PointerSwap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.iceberg.RetryableValidationException;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.UpdateRequirement;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.BadRequestException;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.ServiceUnavailableException;
import org.apache.iceberg.rest.requests.CommitTransactionRequest;
import org.apache.iceberg.rest.requests.UpdateTableRequest;

/**
 * Commits changes to several tables atomically: every table's new metadata file is written first,
 * then all pointers move in one database transaction, or none does. A pointer that moved meanwhile
 * makes the whole attempt start again from fresh metadata, as a single-table commit would. Written
 * files are deleted only after a definite refusal; when the database may have committed (a lost
 * connection at COMMIT), the outcome is reported unknown and every file stays.
 */
class TransactionCommitter {
  static final int MAX_ATTEMPTS = 4;

  private final SluiceCatalog catalog;
  private final CatalogStore store;
  private final CatalogMetrics metrics;
  private final CommitQueue queue;

  TransactionCommitter(
      SluiceCatalog catalog, CatalogStore store, CatalogMetrics metrics, Duration queueWait) {
    this.catalog = catalog;
    this.store = store;
    this.metrics = metrics;
    this.queue = new CommitQueue(queueWait, metrics::commitQueueBypassed);
  }

  /**
   * Commits one table's changes the same way, and returns the table's new metadata. On a pointer
   * conflict the requirements are checked again against fresh metadata at once: an append whose
   * base moved gets its 409 without waiting, a change that still applies is retried.
   */
  TableMetadata commit(TableIdentifier identifier, UpdateTableRequest request) {
    UpdateTableRequest change =
        UpdateTableRequest.create(identifier, request.requirements(), request.updates());
    return commitAll(List.of(change)).get(0);
  }

  /** Commits every change of the transaction; returns each table's metadata, in request order. */
  List<TableMetadata> commit(CommitTransactionRequest request) {
    return commitAll(request.tableChanges());
  }

  private List<TableMetadata> commitAll(List<UpdateTableRequest> changes) {
    Set<TableIdentifier> seen = new HashSet<>();
    for (UpdateTableRequest change : changes) {
      TableIdentifier identifier = change.identifier();
      if (identifier == null) {
        throw new BadRequestException("Invalid table change: missing identifier");
      }
      if (!seen.add(identifier)) {
        throw new BadRequestException("Invalid transaction: %s is changed twice", identifier);
      }
      if (change.requirements().stream()
          .anyMatch(UpdateRequirement.AssertTableDoesNotExist.class::isInstance)) {
        throw new BadRequestException(
            "Invalid transaction: %s cannot be created in a multi-table transaction", identifier);
      }
    }

    try (CommitQueue.Turn turn = queue.enter(seen)) {
      return attempts(changes);
    }
  }

  private List<TableMetadata> attempts(List<UpdateTableRequest> changes) {
    for (int attempt = 1; ; attempt++) {
      List<String> written = new ArrayList<>();
      List<PointerSwap> swaps = new ArrayList<>();
      List<TableMetadata> results = new ArrayList<>();
      List<Runnable> remember = new ArrayList<>();
      try {
        for (UpdateTableRequest change : changes) {
          results.add(prepare(change, written, swaps, remember));
        }
        if (swaps.isEmpty()) {
          return results;
        }
        try {
          store.swapAll(swaps);
        } catch (CommitFailedException e) {
          throw new PointerMoved(e);
        } catch (RuntimeException e) {
          if (PointerCommit.isDefinite(e)) {
            throw e;
          }
          // COMMIT may have reached the database: the pointers may name the written files
          throw new CommitStateUnknownException(e);
        }
        swaps.forEach(swap -> metrics.committed());
        remember.forEach(Runnable::run);
        return results;
      } catch (PointerMoved e) {
        deleteQuietly(written);
        metrics.pointerConflict();
        if (attempt >= MAX_ATTEMPTS) {
          throw e.conflict;
        }
      } catch (CommitStateUnknownException e) {
        throw e;
      } catch (RuntimeException e) {
        deleteQuietly(written);
        if (!PointerCommit.isDefinite(e) && DatabaseFailures.isDatabaseFailure(e)) {
          // reading the tables' state failed: no pointer was asked to move
          throw new ServiceUnavailableException(
              e, "The catalog database failed before anything was committed; retry later");
        }
        throw e;
      }
    }
  }

  /**
   * Writes the table's next metadata file; returns the metadata the table will have. {@code
   * remember} gets what puts the file in the metadata cache once its pointer has moved.
   */
  private TableMetadata prepare(
      UpdateTableRequest change,
      List<String> written,
      List<PointerSwap> swaps,
      List<Runnable> remember) {
    TableIdentifier identifier = change.identifier();
    SluiceTableOperations ops = catalog.tableOps(identifier);
    TableMetadata base = ops.current();
    if (base == null) {
      throw new NoSuchTableException("Table does not exist: %s", identifier);
    }
    change.requirements().forEach(requirement -> requirement.validate(base));
    TableMetadata.Builder builder = TableMetadata.buildFrom(base);
    try {
      change.updates().forEach(update -> update.applyTo(builder));
    } catch (RetryableValidationException e) {
      throw new CommitFailedException(e, "Validation failed, please retry: %s", e.getMessage());
    }
    TableMetadata updated = builder.build();
    if (updated.changes().isEmpty()) {
      return base;
    }
    SluiceTableOperations.Written next = ops.writeNextMetadata(base, updated);
    written.add(next.metadataFile());
    remember.add(() -> ops.committed(next.metadataFile(), base.metadataFileLocation()));
    swaps.add(
        new PointerSwap(
            identifier,
            Kind.TABLE,
            base.metadataFileLocation(),
            next.metadataFile(),
            next.location().key()));
    return next.metadata();
  }

  private void deleteQuietly(List<String> locations) {
    for (String location : locations) {
      try {
        catalog.io().deleteFile(location);
      } catch (RuntimeException ignored) {
        // an orphan metadata file is harmless; the refusal is what the client must see
      }
    }
  }

  /** Marks a conflict found when moving pointers, as opposed to a failed requirement. */
  private static final class PointerMoved extends RuntimeException {
    final CommitFailedException conflict;

    PointerMoved(CommitFailedException conflict) {
      super(conflict.getMessage(), conflict, false, false);
      this.conflict = conflict;
    }
  }
}
