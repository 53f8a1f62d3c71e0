package dev.sluice.catalog.catalog;

import dev.sluice.catalog.persistence.CatalogEntity.Kind;
import dev.sluice.catalog.persistence.CatalogStore;
import dev.sluice.catalog.storage.GuardedFileIO;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.iceberg.Schema;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableMetadataParser;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.types.TypeUtil;

/**
 * The columns a table has, for decisions made outside a load (Trino's questions, the grants API):
 * every column of every schema the table ever had, since time travel reads old ones. Metadata files
 * never change, so answers are cached by metadata location; the pointer is read each time.
 */
@ApplicationScoped
public class TableColumns {
  private static final int MAX_CACHED = 10_000;

  private final CatalogStore store;
  private final FileIO io;
  private final Map<String, Facts> cache =
      Collections.synchronizedMap(
          new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Facts> eldest) {
              return size() > MAX_CACHED;
            }
          });

  @Inject
  public TableColumns(CatalogStore store, GuardedFileIO io) {
    this.store = store;
    this.io = io;
  }

  /**
   * What the catalog holds under a name: a view, or a table with its columns, the top-level columns
   * of its current schema and its location (both null for a view).
   */
  public record Found(
      boolean view, Set<String> columns, List<String> currentColumns, String location) {}

  /** What one metadata file says; it never changes, so it is cached by the file's location. */
  private record Facts(Set<String> columns, List<String> currentColumns, String location) {}

  /** The table's columns, empty when no such table exists. */
  public Optional<Set<String>> of(TableIdentifier table) {
    return find(table).filter(found -> !found.view()).map(Found::columns);
  }

  /**
   * What the catalog holds under the name (one pointer read), empty when nothing; a view's columns
   * are not read.
   */
  public Optional<Found> find(TableIdentifier identifier) {
    return store
        .find(identifier)
        .map(
            pointer ->
                pointer.kind() == Kind.VIEW
                    ? new Found(true, Set.of(), null, null)
                    : found(cache.computeIfAbsent(pointer.metadataLocation(), this::read)));
  }

  private static Found found(Facts facts) {
    return new Found(false, facts.columns(), facts.currentColumns(), facts.location());
  }

  /** Every column name (top-level, and nested by full and leaf name) of every schema. */
  public static Set<String> of(TableMetadata metadata) {
    Set<String> names = new TreeSet<>();
    for (Schema schema : metadata.schemas()) {
      names.addAll(of(schema));
    }
    return Collections.unmodifiableSet(names);
  }

  public static Set<String> of(Schema schema) {
    Set<String> names = new TreeSet<>();
    for (String name : TypeUtil.indexByName(schema.asStruct()).keySet()) {
      names.add(name);
      names.add(name.substring(name.lastIndexOf('.') + 1));
    }
    return names;
  }

  /** Top-level columns of the current schema, in order. */
  public static List<String> current(TableMetadata metadata) {
    return metadata.schema().columns().stream().map(field -> field.name()).toList();
  }

  private Facts read(String metadataLocation) {
    TableMetadata metadata = TableMetadataParser.read(io, metadataLocation);
    return new Facts(of(metadata), current(metadata), metadata.location());
  }
}
