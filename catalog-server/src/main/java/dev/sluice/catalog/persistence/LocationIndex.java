package dev.sluice.catalog.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * Which table or view holds a storage location, by the canonical location keys the catalog keeps.
 */
@ApplicationScoped
public class LocationIndex {
  private final CatalogSessions sessions;

  @Inject
  LocationIndex(CatalogSessions sessions) {
    this.sessions = sessions;
  }

  /**
   * The table or view whose location is one of {@code keys} (a location key and its ancestors'):
   * the one with the longest location, which holds the location most closely.
   */
  @Transactional
  public Optional<TableIdentifier> holderOf(List<String> keys) {
    if (keys.isEmpty()) {
      return Optional.empty();
    }
    return sessions
        .session()
        .createSelectionQuery(
            "select namespaceName, name, location from CatalogEntity where location in :keys",
            Object[].class)
        .setParameter("keys", keys)
        .getResultList()
        .stream()
        .max(Comparator.comparingInt(row -> ((String) row[2]).length()))
        .map(row -> TableIdentifier.of(NamespaceNames.decode((String) row[0]), (String) row[1]));
  }
}
