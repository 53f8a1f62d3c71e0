package dev.sluice.catalog.lineage;

import dev.sluice.catalog.persistence.LineageEventEntity;
import dev.sluice.lineage.LineageEvent;
import jakarta.enterprise.context.RequestScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The current request's catalog lineage: what it commits (set around the commit), the events built
 * for the metadata files it wrote, until a pointer moves to one, and the events its committed
 * transactions stored.
 */
@RequestScoped
public class PendingCommitEvents {
  private CommitContext context;
  private final Map<String, Described> byMetadataLocation = new HashMap<>();
  private final List<Long> committed = new ArrayList<>();

  /** An event built for a metadata file: as stored, and what it says. */
  record Described(LineageEventEntity entity, LineageEvent event) {}

  /** Who commits, what kind of change, in which catalog. */
  record CommitContext(String catalog, String principal, String operation) {}

  CommitContext context() {
    return context;
  }

  void context(CommitContext context) {
    this.context = context;
  }

  void described(String metadataLocation, Described event) {
    byMetadataLocation.put(metadataLocation, event);
  }

  Described take(String metadataLocation) {
    return byMetadataLocation.remove(metadataLocation);
  }

  void committed(List<Long> eventIds) {
    committed.addAll(eventIds);
  }

  /** The events this request's commits stored, handed out once. */
  List<Long> takeCommitted() {
    List<Long> ids = List.copyOf(committed);
    committed.clear();
    byMetadataLocation.clear();
    return ids;
  }
}
