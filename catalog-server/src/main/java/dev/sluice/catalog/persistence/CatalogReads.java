package dev.sluice.catalog.persistence;

import dev.sluice.catalog.persistence.CatalogEntity.Kind;
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
   * The namespace's row joined with a page of its entries: no row means no namespace, one row with
   * a null name an empty one.
   */
  private static final String PAGE =
      "select e.name from catalog_namespace n left join catalog_entity e"
          + " on e.namespace_name = n.name and e.kind = ? and (? is null or e.name > ?)"
          + " where n.name = ? order by e.name limit ?";

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
        PreparedStatement select = connection.prepareStatement(PAGE)) {
      select.setString(1, kind.name());
      select.setString(2, after);
      select.setString(3, after);
      select.setString(4, NamespaceNames.encode(namespace));
      select.setInt(5, limit);
      boolean found = false;
      List<TableIdentifier> page = new ArrayList<>();
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          found = true;
          String name = row.getString(1);
          if (name != null) {
            page.add(TableIdentifier.of(namespace, name));
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

  /** A read that failed in the database; the SQL failure is its cause. */
  public static final class CatalogReadException extends RuntimeException {
    CatalogReadException(String message, SQLException cause) {
      super(message + ": " + cause.getMessage(), cause);
    }
  }
}
