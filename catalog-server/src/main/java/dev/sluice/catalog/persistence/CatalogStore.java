package dev.sluice.catalog.persistence;

import dev.sluice.catalog.audit.AuditTrail;
import dev.sluice.catalog.lineage.LineageOutbox;
import dev.sluice.catalog.persistence.CatalogEntity.Kind;
import dev.sluice.zones.StorageLocation;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.sql.PreparedStatement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.NamespaceNotEmptyException;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.NoSuchViewException;
import org.hibernate.Session;
import org.hibernate.exception.ConstraintViolationException;

/**
 * Catalog state in the database. Every method is one short transaction; metadata files are written
 * before a pointer moves, never while a transaction is open.
 */
@ApplicationScoped
public class CatalogStore {
  private final CatalogSessions sessions;
  private final AuditTrail audit;
  private final JobStore jobs;
  private final LineageOutbox lineage;
  private final CatalogReads reads;

  @Inject
  CatalogStore(
      CatalogSessions sessions,
      AuditTrail audit,
      JobStore jobs,
      LineageOutbox lineage,
      CatalogReads reads) {
    this.sessions = sessions;
    this.audit = audit;
    this.jobs = jobs;
    this.lineage = lineage;
    this.reads = reads;
  }

  private Session session() {
    return sessions.session();
  }

  private static OffsetDateTime now() {
    return OffsetDateTime.now(ZoneOffset.UTC);
  }

  // ---- namespaces ----

  private Optional<NamespaceEntity> namespace(Namespace namespace) {
    return session()
        .createSelectionQuery("from NamespaceEntity where name = :name", NamespaceEntity.class)
        .setParameter("name", NamespaceNames.encode(namespace))
        .uniqueResultOptional();
  }

  private NamespaceEntity requireNamespace(Namespace namespace) {
    return namespace(namespace)
        .orElseThrow(() -> new NoSuchNamespaceException("Namespace does not exist: %s", namespace));
  }

  /** One count query: existence checks must not load a namespace's properties. */
  private boolean exists(Namespace namespace) {
    return session()
            .createSelectionQuery(
                "select count(*) from NamespaceEntity where name = :name", Long.class)
            .setParameter("name", NamespaceNames.encode(namespace))
            .getSingleResult()
        > 0;
  }

  private void requireExists(Namespace namespace) {
    if (!exists(namespace)) {
      throw new NoSuchNamespaceException("Namespace does not exist: %s", namespace);
    }
  }

  @Transactional
  public boolean namespaceExists(Namespace namespace) {
    return exists(namespace);
  }

  @Transactional
  public void createNamespace(Namespace namespace, Map<String, String> properties) {
    audit.joinChange(session(), true);
    if (exists(namespace)) {
      throw new AlreadyExistsException("Namespace already exists: %s", namespace);
    }
    String parent = NamespaceNames.parentOf(namespace);
    if (parent != null && !exists(NamespaceNames.decode(parent))) {
      throw new NoSuchNamespaceException(
          "Parent namespace does not exist: %s", NamespaceNames.decode(parent));
    }
    NamespaceEntity entity = new NamespaceEntity();
    entity.name = NamespaceNames.encode(namespace);
    entity.parentName = parent;
    entity.depth = namespace.length();
    entity.properties.putAll(properties);
    entity.createdAt = now();
    entity.updatedAt = entity.createdAt;
    try {
      session().persist(entity);
      session().flush();
    } catch (ConstraintViolationException e) {
      if (DatabaseFailures.violates(e, DatabaseFailures.NAMESPACE_PARENT)) {
        // the parent was dropped meanwhile; its row lock made this insert wait for the drop
        throw new NoSuchNamespaceException(
            e, "Parent namespace does not exist: %s", NamespaceNames.decode(parent));
      }
      throw new AlreadyExistsException(e, "Namespace already exists: %s", namespace);
    }
  }

  /** Children of {@code parent} (top level when empty), ordered by name. */
  @Transactional
  public List<Namespace> listNamespaces(Namespace parent) {
    List<String> names;
    if (parent.isEmpty()) {
      names =
          session()
              .createSelectionQuery(
                  "select name from NamespaceEntity where parentName is null order by name",
                  String.class)
              .getResultList();
    } else {
      requireExists(parent);
      names =
          session()
              .createSelectionQuery(
                  "select name from NamespaceEntity where parentName = :parent order by name",
                  String.class)
              .setParameter("parent", NamespaceNames.encode(parent))
              .getResultList();
    }
    return names.stream().map(NamespaceNames::decode).toList();
  }

  @Transactional
  public Map<String, String> namespaceProperties(Namespace namespace) {
    return new java.util.LinkedHashMap<>(new TreeMap<>(requireNamespace(namespace).properties));
  }

  @Transactional
  public void updateNamespaceProperties(
      Namespace namespace, Map<String, String> updates, Set<String> removals) {
    audit.joinChange(session(), true);
    NamespaceEntity entity = requireNamespace(namespace);
    removals.forEach(entity.properties::remove);
    entity.properties.putAll(updates);
    entity.updatedAt = now();
  }

  @Transactional
  public boolean dropNamespace(Namespace namespace) {
    audit.joinChange(session(), true);
    Optional<NamespaceEntity> entity = namespace(namespace);
    if (entity.isEmpty()) {
      return false;
    }
    String name = entity.get().name;
    long children =
        session()
            .createSelectionQuery(
                "select count(*) from NamespaceEntity where parentName = :name", Long.class)
            .setParameter("name", name)
            .getSingleResult();
    if (children > 0) {
      throw new NamespaceNotEmptyException(
          "Namespace %s is not empty. Contains %d namespace(s).", namespace, children);
    }
    long entities =
        session()
            .createSelectionQuery(
                "select count(*) from CatalogEntity where namespaceName = :name", Long.class)
            .setParameter("name", name)
            .getSingleResult();
    if (entities > 0) {
      throw new NamespaceNotEmptyException(
          "Namespace %s is not empty. Contains %d table(s) or view(s).", namespace, entities);
    }
    session().remove(entity.get());
    try {
      session().flush();
    } catch (ConstraintViolationException e) {
      // a table or child namespace created meanwhile: the foreign keys refuse the delete
      throw new NamespaceNotEmptyException(
          "Namespace %s is not empty: something was created in it meanwhile", namespace);
    }
    return true;
  }

  // ---- tables and views ----

  private Optional<CatalogEntity> entity(TableIdentifier identifier) {
    return session()
        .createSelectionQuery(
            "from CatalogEntity where namespaceName = :ns and name = :name", CatalogEntity.class)
        .setParameter("ns", NamespaceNames.encode(identifier.namespace()))
        .setParameter("name", identifier.name())
        .uniqueResultOptional();
  }

  /** The pointer alone: every load and existence check asks for it (see {@link CatalogReads}). */
  public Optional<EntityPointer> find(TableIdentifier identifier) {
    return reads.find(identifier);
  }

  @Transactional
  public List<TableIdentifier> list(Namespace namespace, Kind kind) {
    requireExists(namespace);
    return session()
        .createSelectionQuery(
            "select name from CatalogEntity where namespaceName = :ns and kind = :kind"
                + " order by name",
            String.class)
        .setParameter("ns", NamespaceNames.encode(namespace))
        .setParameter("kind", kind)
        .getResultList()
        .stream()
        .map(name -> TableIdentifier.of(namespace, name))
        .toList();
  }

  /** Every table or view in the catalog, ordered by namespace and name (for administration). */
  @Transactional
  public List<TableIdentifier> listAll(Kind kind) {
    return session()
        .createSelectionQuery(
            "select namespaceName, name from CatalogEntity where kind = :kind"
                + " order by namespaceName, name",
            Object[].class)
        .setParameter("kind", kind)
        .getResultList()
        .stream()
        .map(row -> TableIdentifier.of(NamespaceNames.decode((String) row[0]), (String) row[1]))
        .toList();
  }

  @Transactional
  public void create(
      TableIdentifier identifier, Kind kind, String metadataLocation, String location) {
    DatabaseFailures.definite(() -> insert(identifier, kind, metadataLocation, location));
  }

  private void insert(
      TableIdentifier identifier, Kind kind, String metadataLocation, String location) {
    audit.joinChange(session(), true);
    lineage.joinChange(session(), List.of(metadataLocation));
    requireExists(identifier.namespace());
    Optional<CatalogEntity> existing = entity(identifier);
    if (existing.isPresent()) {
      throw alreadyExists(identifier, kind, existing.get().kind);
    }
    CatalogEntity entity = new CatalogEntity();
    entity.namespaceName = NamespaceNames.encode(identifier.namespace());
    entity.name = identifier.name();
    entity.kind = kind;
    entity.metadataLocation = metadataLocation;
    entity.location = location;
    entity.pointerVersion = 1;
    entity.createdAt = now();
    entity.updatedAt = entity.createdAt;
    try {
      session().persist(entity);
      session().flush();
    } catch (ConstraintViolationException e) {
      if (DatabaseFailures.violates(e, DatabaseFailures.ENTITY_NAMESPACE)) {
        // the namespace was dropped meanwhile; its row lock made this insert wait for the drop
        throw new NoSuchNamespaceException(
            e, "Namespace does not exist: %s", identifier.namespace());
      }
      throw new AlreadyExistsException(e, "%s already exists: %s", label(kind), identifier);
    }
  }

  /** Points an existing entity at a new metadata file, replacing whatever it pointed at. */
  @Transactional
  public void overwrite(
      TableIdentifier identifier, Kind kind, String metadataLocation, String location) {
    DatabaseFailures.definite(() -> replace(identifier, kind, metadataLocation, location));
  }

  private void replace(
      TableIdentifier identifier, Kind kind, String metadataLocation, String location) {
    audit.joinChange(session(), true);
    lineage.joinChange(session(), List.of(metadataLocation));
    CatalogEntity entity = entity(identifier).orElseThrow(() -> notFound(identifier, kind));
    if (entity.kind != kind) {
      throw alreadyExists(identifier, kind, entity.kind);
    }
    entity.previousMetadataLocation = entity.metadataLocation;
    entity.metadataLocation = metadataLocation;
    entity.location = location;
    entity.pointerVersion++;
    entity.updatedAt = now();
    session().flush();
  }

  /**
   * Compare-and-swap of one pointer. A failure thrown from here was raised before the transaction
   * committed, so nothing moved; a failure of the commit itself reaches the caller as whatever the
   * transaction manager raises, and the caller must treat its outcome as unknown.
   */
  @Transactional
  public void swap(PointerSwap swap) {
    swapAll(List.of(swap));
  }

  /**
   * Compare-and-swap of several pointers: all move, or none does. Rows are updated in one order
   * (namespace, then name) whatever the request's order, so two transactions over the same tables
   * wait for each other instead of deadlocking.
   */
  @Transactional
  public void swapAll(List<PointerSwap> swaps) {
    DatabaseFailures.definite(
        () -> {
          audit.joinChange(session(), true);
          lineage.joinChange(session(), swaps.stream().map(PointerSwap::next).toList());
          swaps.stream().sorted(PointerSwap.LOCK_ORDER).forEach(this::apply);
          session().flush();
        });
  }

  /** The compare-and-swap itself, as plain SQL: the same statement Hibernate would build. */
  private static final String SWAP =
      "update catalog_entity set metadata_location = ?, previous_metadata_location = ?,"
          + " location = ?, pointer_version = pointer_version + 1, updated_at = ?"
          + " where namespace_name = ? and name = ? and kind = ? and metadata_location = ?";

  private void apply(PointerSwap swap) {
    int updated =
        session()
            .doReturningWork(
                connection -> {
                  try (PreparedStatement update = connection.prepareStatement(SWAP)) {
                    update.setString(1, swap.next());
                    update.setString(2, swap.expected());
                    update.setString(3, swap.location());
                    update.setObject(4, now());
                    update.setString(5, NamespaceNames.encode(swap.identifier().namespace()));
                    update.setString(6, swap.identifier().name());
                    update.setString(7, swap.kind().name());
                    update.setString(8, swap.expected());
                    return update.executeUpdate();
                  }
                });
    if (updated == 0) {
      if (entity(swap.identifier()).filter(e -> e.kind == swap.kind()).isEmpty()) {
        throw notFound(swap.identifier(), swap.kind());
      }
      throw new CommitFailedException(
          "Cannot commit %s: metadata location %s has changed", swap.identifier(), swap.expected());
    }
  }

  /**
   * Drops a table or view without touching its files. A dropped table is remembered for a day
   * ({@link #recentlyUnlisted}), so that the engine that dropped it may still have the deletion of
   * its files signed.
   */
  @Transactional
  public boolean drop(TableIdentifier identifier, Kind kind) {
    audit.joinChange(session(), true);
    Optional<CatalogEntity> entity = entity(identifier).filter(e -> e.kind == kind);
    if (entity.isEmpty()) {
      return false;
    }
    session().remove(entity.get());
    if (kind == Kind.TABLE && entity.get().location != null) {
      remember(identifier, UnlistedTableEntity.Reason.DROPPED, entity.get().location);
    }
    return true;
  }

  /** A table staged for creation at {@code location} (its canonical key). */
  @Transactional
  public void staged(TableIdentifier identifier, String location) {
    audit.joinChange(session(), true);
    remember(identifier, UnlistedTableEntity.Reason.STAGED, location);
  }

  private void remember(
      TableIdentifier identifier, UnlistedTableEntity.Reason reason, String location) {
    OffsetDateTime now = now();
    session()
        .createMutationQuery("delete from UnlistedTableEntity where recordedAt < :cutoff")
        .setParameter("cutoff", now.minusDays(1))
        .executeUpdate();
    UnlistedTableEntity unlisted = new UnlistedTableEntity();
    unlisted.id = java.util.UUID.randomUUID().toString();
    unlisted.namespaceName = NamespaceNames.encode(identifier.namespace());
    unlisted.name = identifier.name();
    unlisted.reason = reason;
    unlisted.location = location;
    unlisted.recordedAt = now;
    session().persist(unlisted);
  }

  /** Files of that name without a listed table, recorded since {@code since}: the newest record. */
  public record Unlisted(UnlistedTableEntity.Reason reason, String location) {}

  @Transactional
  public Optional<Unlisted> recentlyUnlisted(TableIdentifier identifier, OffsetDateTime since) {
    return session()
        .createSelectionQuery(
            "from UnlistedTableEntity where namespaceName = :ns and name = :name"
                + " and recordedAt >= :since order by recordedAt desc",
            UnlistedTableEntity.class)
        .setParameter("ns", NamespaceNames.encode(identifier.namespace()))
        .setParameter("name", identifier.name())
        .setParameter("since", since)
        .setMaxResults(1)
        .getResultList()
        .stream()
        .findFirst()
        .map(e -> new Unlisted(e.reason, e.location));
  }

  /**
   * Drops a table and queues the purge of its files in the same transaction: the table cannot be
   * gone without its purge being on record, and a crash afterwards loses neither.
   */
  @Transactional
  public Optional<JobEntity> dropAndPurge(
      TableIdentifier identifier, Kind kind, String expectedMetadata, JobStore.NewJob purge) {
    audit.joinChange(session(), true);
    int dropped =
        session()
            .createMutationQuery(
                "delete from CatalogEntity where namespaceName = :ns and name = :name"
                    + " and kind = :kind and metadataLocation = :expected")
            .setParameter("ns", NamespaceNames.encode(identifier.namespace()))
            .setParameter("name", identifier.name())
            .setParameter("kind", kind)
            .setParameter("expected", expectedMetadata)
            .executeUpdate();
    if (dropped == 0) {
      if (entity(identifier).filter(e -> e.kind == kind).isPresent()) {
        throw new CommitFailedException(
            "Cannot drop %s: it changed while it was being dropped", identifier);
      }
      return Optional.empty();
    }
    return Optional.of(jobs.enqueueInto(session(), purge));
  }

  /**
   * A table or view other than {@code except} whose location holds, or lies within, {@code
   * location} (compared by canonical location key).
   */
  public Optional<TableIdentifier> overlapping(StorageLocation location, TableIdentifier except) {
    return reads.overlapping(location, except);
  }

  /**
   * The table or view whose location holds {@code location} most closely: the one with the longest
   * location among the location's key and its ancestors' keys.
   */
  @Transactional
  public Optional<TableIdentifier> holderOf(StorageLocation location) {
    return session()
        .createSelectionQuery(
            "select namespaceName, name, location from CatalogEntity where location in :keys",
            Object[].class)
        .setParameter("keys", location.keyAndAncestors())
        .getResultList()
        .stream()
        .max(Comparator.comparingInt(row -> ((String) row[2]).length()))
        .map(row -> TableIdentifier.of(NamespaceNames.decode((String) row[0]), (String) row[1]));
  }

  /**
   * Up to {@code limit} names of tables or views in a namespace after {@code after} (exclusive;
   * null from the start), ordered by name: the pages a filtered listing walks.
   */
  public List<TableIdentifier> listAfter(Namespace namespace, Kind kind, String after, int limit) {
    return reads.listAfter(namespace, kind, after, limit);
  }

  /** Up to {@code limit} child namespaces of {@code parent} after {@code after}, by name. */
  @Transactional
  public List<Namespace> listNamespacesAfter(Namespace parent, String after, int limit) {
    if (!parent.isEmpty()) {
      requireExists(parent);
    }
    return session()
        .createSelectionQuery(
            "select name from NamespaceEntity where "
                + (parent.isEmpty() ? "parentName is null" : "parentName = :parent")
                + (after == null ? "" : " and name > :after")
                + " order by name",
            String.class)
        .setProperties(
            parent.isEmpty()
                ? (after == null ? Map.of() : Map.of("after", after))
                : (after == null
                    ? Map.of("parent", NamespaceNames.encode(parent))
                    : Map.of("parent", NamespaceNames.encode(parent), "after", after)))
        .setMaxResults(limit)
        .getResultList()
        .stream()
        .map(NamespaceNames::decode)
        .toList();
  }

  @Transactional
  public void rename(TableIdentifier from, TableIdentifier to, Kind kind) {
    audit.joinChange(session(), true);
    CatalogEntity entity =
        entity(from).filter(e -> e.kind == kind).orElseThrow(() -> notFound(from, kind));
    requireExists(to.namespace());
    Optional<CatalogEntity> target = entity(to);
    if (target.isPresent()) {
      throw new AlreadyExistsException(
          "Cannot rename %s to %s. %s already exists", from, to, label(target.get().kind));
    }
    entity.namespaceName = NamespaceNames.encode(to.namespace());
    entity.name = to.name();
    entity.updatedAt = now();
    try {
      session().flush();
    } catch (ConstraintViolationException e) {
      throw new AlreadyExistsException(
          e, "Cannot rename %s to %s. Target already exists", from, to);
    }
  }

  // ---- metrics reports ----

  @Transactional
  public void saveMetricsReport(
      TableIdentifier identifier, String reportType, Long snapshotId, String json) {
    audit.joinChange(session(), true);
    MetricsReportEntity report = new MetricsReportEntity();
    report.namespaceName = NamespaceNames.encode(identifier.namespace());
    report.tableName = identifier.name();
    report.reportType = reportType;
    report.snapshotId = snapshotId;
    report.reportJson = json;
    report.receivedAt = now();
    session().persist(report);
  }

  @Transactional
  public long countMetricsReports(TableIdentifier identifier) {
    return session()
        .createSelectionQuery(
            "select count(*) from MetricsReportEntity where namespaceName = :ns and tableName = :t",
            Long.class)
        .setParameter("ns", NamespaceNames.encode(identifier.namespace()))
        .setParameter("t", identifier.name())
        .getSingleResult();
  }

  private static String label(Kind kind) {
    return kind == Kind.TABLE ? "Table" : "View";
  }

  private static RuntimeException alreadyExists(
      TableIdentifier identifier, Kind wanted, Kind existing) {
    if (wanted == existing) {
      return new AlreadyExistsException("%s already exists: %s", label(wanted), identifier);
    }
    return new AlreadyExistsException(
        "%s with same name already exists: %s", label(existing), identifier);
  }

  private static RuntimeException notFound(TableIdentifier identifier, Kind kind) {
    return kind == Kind.TABLE
        ? new NoSuchTableException("Table does not exist: %s", identifier)
        : new NoSuchViewException("View does not exist: %s", identifier);
  }
}
