package dev.sluice.catalog.persistence;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.hibernate.orm.PersistenceUnit;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hibernate.Session;

/**
 * Hands out the session of the persistence unit that is active in this process.
 *
 * <p>One binary serves both PostgreSQL (production) and H2 (the embedded default). Quarkus fixes a
 * datasource's database kind at build time, so both units are built in, share the entity package,
 * and configuration activates one of them at run time.
 */
@ApplicationScoped
public class CatalogSessions {
  public static final String POSTGRESQL = "postgresql";
  public static final String EMBEDDED = "embedded";

  private final Session session;
  private final AgroalDataSource dataSource;
  private final boolean postgresql;

  @Inject
  CatalogSessions(
      @PersistenceUnit(POSTGRESQL) Instance<Session> postgresql,
      @PersistenceUnit(EMBEDDED) Instance<Session> embedded,
      @DataSource(POSTGRESQL) Instance<AgroalDataSource> postgresqlSource,
      @DataSource(EMBEDDED) Instance<AgroalDataSource> embeddedSource,
      @ConfigProperty(name = "quarkus.datasource.\"postgresql\".active", defaultValue = "false")
          boolean postgresqlActive) {
    this.session = postgresqlActive ? postgresql.get() : embedded.get();
    this.dataSource = postgresqlActive ? postgresqlSource.get() : embeddedSource.get();
    this.postgresql = postgresqlActive;
  }

  /**
   * The active datasource, for reads that need neither a session nor a transaction; a connection
   * taken inside a transaction is enlisted in it.
   */
  public AgroalDataSource dataSource() {
    return dataSource;
  }

  /** Whether this process runs on PostgreSQL (shared by replicas) rather than embedded H2. */
  public boolean postgresql() {
    return postgresql;
  }

  /** The transaction-scoped session of the active persistence unit. */
  public Session session() {
    return session;
  }
}
