package dev.sluice.catalog.lineage;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.sluice.catalog.persistence.CatalogStore;
import dev.sluice.catalog.security.CatalogAuthorizer;
import dev.sluice.catalog.storage.StoragePolicies;
import dev.sluice.lineage.DatasetId;
import dev.sluice.lineage.JobId;
import dev.sluice.lineage.Visibility;
import dev.sluice.policy.eval.Principal;
import dev.sluice.zones.InvalidLocationException;
import dev.sluice.zones.StorageLocation;
import dev.sluice.zones.StoragePolicy;
import dev.sluice.zones.StorageRoot;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * What a lineage reader may see: a dataset is the catalog table at its location, and is visible
 * when the reader may read or write that table. Administrators see everything.
 *
 * <ul>
 *   <li>A dataset maps to the table whose location equals its location, or to the table with the
 *       longest location holding it (a file inside a table).
 *   <li>A dataset under a storage root the catalog manages that maps to no table is hidden: no rule
 *       says who may see it.
 *   <li>A dataset outside every managed root (a Kafka topic, another system's store) is visible to
 *       every lineage reader.
 *   <li>The catalog's own commit jobs name a table and are visible only with that table.
 * </ul>
 *
 * <p>The table at a location is remembered for {@link LineageConfig#tableLookupTtl()} (bounded in
 * number), so a table created, dropped or renamed in any replica is seen within that time; the
 * policy's decisions are not cached here and apply as soon as the policy does.
 */
@ApplicationScoped
public class LineageAccess {
  private static final int MAX_REMEMBERED_LOCATIONS = 100_000;

  private final CatalogAuthorizer authorizer;
  private final StoragePolicies storage;
  private final CatalogStore tables;
  private final LineageConfig config;
  private final Cache<String, Optional<TableIdentifier>> tableAt;

  @Inject
  public LineageAccess(
      CatalogAuthorizer authorizer,
      StoragePolicies storage,
      CatalogStore tables,
      LineageConfig config) {
    this.authorizer = authorizer;
    this.storage = storage;
    this.tables = tables;
    this.config = config;
    this.tableAt =
        Caffeine.newBuilder()
            .maximumSize(MAX_REMEMBERED_LOCATIONS)
            .expireAfterWrite(config.tableLookupTtl())
            .build();
  }

  /** What the caller of the current request may see. */
  public Visibility forCaller() {
    Principal principal = authorizer.principal();
    if (authorizer.isAdmin(principal)) {
      return Visibility.ALL;
    }
    return new ReaderVisibility(principal, storage.current());
  }

  /**
   * Whether the job is one only the catalog writes: in its job namespace, or named {@code
   * <namespace>:<table>.commit} (ignoring case, so no look-alike passes).
   */
  public boolean isCatalogJob(JobId job) {
    return job.namespace().equalsIgnoreCase(config.jobNamespace())
        || (startsWithIgnoringCase(job.name(), namePrefix())
            && job.name().endsWith(CatalogLineageEmitter.COMMIT_SUFFIX));
  }

  /** The table a catalog commit job is about. */
  private Optional<TableIdentifier> committedTable(JobId job) {
    String name = job.name();
    if (startsWithIgnoringCase(name, namePrefix())) {
      name = name.substring(namePrefix().length());
    }
    return CatalogLineageEmitter.committedTable(name);
  }

  private String namePrefix() {
    return config.jobNamespace() + ":";
  }

  private static boolean startsWithIgnoringCase(String text, String prefix) {
    return text.regionMatches(true, 0, prefix, 0, prefix.length());
  }

  private Optional<TableIdentifier> tableAt(StorageLocation location) {
    // looked up outside the cache's own locking: two readers may both ask, none waits on a query
    Optional<TableIdentifier> known = tableAt.getIfPresent(location.key());
    if (known == null) {
      known = tables.holderOf(location);
      tableAt.put(location.key(), known);
    }
    return known;
  }

  private final class ReaderVisibility implements Visibility {
    private final Principal principal;
    private final StoragePolicy policy;

    ReaderVisibility(Principal principal, StoragePolicy policy) {
      this.principal = principal;
      this.policy = policy;
    }

    @Override
    public boolean dataset(DatasetId dataset) {
      Optional<String> named = DatasetNaming.locationOf(dataset);
      if (named.isEmpty()) {
        return true;
      }
      StorageLocation location;
      try {
        location = StorageLocation.parse(named.get());
      } catch (InvalidLocationException e) {
        // a path no table can have, but in a bucket (or file system) the catalog manages
        return !inManagedStore(dataset);
      }
      if (!policy.isManaged(location)) {
        return true;
      }
      return tableAt(location).map(table -> authorizer.canSee(principal, table)).orElse(false);
    }

    @Override
    public Optional<Boolean> jobRule(JobId job) {
      if (!isCatalogJob(job)) {
        return Optional.empty();
      }
      return Optional.of(
          committedTable(job).map(table -> authorizer.canSee(principal, table)).orElse(false));
    }

    private boolean inManagedStore(DatasetId dataset) {
      String namespace = DatasetNaming.normalizedNamespace(dataset.namespace());
      for (StorageRoot root : policy.managedRoots()) {
        StorageLocation at = root.location();
        if (DatasetNaming.namespaceOf(at.scheme(), at.authority()).equals(namespace)) {
          return true;
        }
      }
      return false;
    }
  }
}
