package dev.sluice.catalog.persistence;

import dev.sluice.catalog.persistence.CatalogEntity.Kind;
import dev.sluice.zones.StorageLocation;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;

/**
 * The reads every load, existence check and listing makes, each one statement on a pooled
 * connection in auto-commit mode: no transaction to open and commit, no entity to hydrate. Each
 * statement reads one consistent snapshot, which is all a pointer or a page needs. Inside a
 * caller's transaction the connection is enlisted in it, so the caller sees its own changes.
 */
@ApplicationScoped
public class CatalogReads {
  private static final String POINTER =
      "select id, kind, metadata_location from catalog_entity"
          + " where namespace_name = ? and name = ?";

  /**
   * A marker row (0) when the namespace exists, then a page of its entries (1) in name order: no
   * row means no namespace. The page is an ordered scan of the (namespace, name) index that stops
   * at the limit, however many entries the namespace holds.
   */
  private static String page(boolean after) {
    return "select 0, cast(null as varchar(1024)) from catalog_namespace where name = ?"
        + " union all select 1, p.name from (select name from catalog_entity"
        + " where namespace_name = ? and kind = ?"
        + (after ? " and name > ?" : "")
        + " order by name fetch first ? rows only) p"
        + " order by 1, 2";
  }

  private final AgroalDataSource dataSource;

  @Inject
  CatalogReads(CatalogSessions sessions) {
    this.dataSource = sessions.dataSource();
  }

  /** The table's or view's pointer, if there is one. */
  public Optional<EntityPointer> find(TableIdentifier identifier) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(POINTER)) {
      select.setString(1, NamespaceNames.encode(identifier.namespace()));
      select.setString(2, identifier.name());
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new EntityPointer(row.getLong(1), Kind.valueOf(row.getString(2)), row.getString(3)));
      }
    } catch (SQLException e) {
      throw new CatalogReadException("The catalog's pointer could not be read", e);
    }
  }

  /**
   * Up to {@code limit} tables or views of {@code namespace} named after {@code after} (from the
   * first when null), by name; a missing namespace is refused.
   */
  public List<TableIdentifier> listAfter(Namespace namespace, Kind kind, String after, int limit) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(page(after != null))) {
      String encoded = NamespaceNames.encode(namespace);
      int i = 1;
      select.setString(i++, encoded);
      select.setString(i++, encoded);
      select.setString(i++, kind.name());
      if (after != null) {
        select.setString(i++, after);
      }
      select.setInt(i, limit);
      boolean found = false;
      List<TableIdentifier> page = new ArrayList<>();
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          if (row.getInt(1) == 0) {
            found = true;
          } else {
            page.add(TableIdentifier.of(namespace, row.getString(2)));
          }
        }
      }
      if (!found) {
        throw new NoSuchNamespaceException("Namespace does not exist: %s", namespace);
      }
      return List.copyOf(page);
    } catch (SQLException e) {
      throw new CatalogReadException("The catalog's listing could not be read", e);
    }
  }

  /**
   * A table or view other than {@code except} whose location holds, or lies within, {@code
   * location} (compared by canonical location key): asked before any file of a create, register or
   * rename is written.
   */
  public Optional<TableIdentifier> overlapping(StorageLocation location, TableIdentifier except) {
    List<String> ancestors = location.keyAndAncestors();
    String sql =
        "select namespace_name, name from catalog_entity where (location in ("
            + LineageTables.marks(ancestors)
            + ") or location like ? escape '\\') and not (namespace_name = ? and name = ?)"
            + " fetch first 1 rows only";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(sql)) {
      int i = 1;
      for (String key : ancestors) {
        select.setString(i++, key);
      }
      select.setString(i++, LikePatterns.literal(location.key()) + "/%");
      select.setString(i++, NamespaceNames.encode(except.namespace()));
      select.setString(i, except.name());
      try (ResultSet row = select.executeQuery()) {
        return row.next()
            ? Optional.of(
                TableIdentifier.of(NamespaceNames.decode(row.getString(1)), row.getString(2)))
            : Optional.empty();
      }
    } catch (SQLException e) {
      throw new CatalogReadException("The catalog's table locations could not be read", e);
    }
  }

  /** A read that failed in the database; the SQL failure is its cause. */
  public static final class CatalogReadException extends RuntimeException {
    CatalogReadException(String message, SQLException cause) {
      super(message + ": " + cause.getMessage(), cause);
    }
  }
}
