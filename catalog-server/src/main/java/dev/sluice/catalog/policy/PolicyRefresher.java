package dev.sluice.catalog.policy;

import dev.sluice.catalog.persistence.CatalogSessions;
import dev.sluice.catalog.persistence.PolicyStore;
import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;

/**
 * Keeps this replica's active policy within {@code sluice.policy.refresh-interval} of the newest
 * version any replica applied (PostgreSQL only; H2 is one process). One thread holds a dedicated
 * connection that {@code LISTEN}s for {@link PolicyStore#CHANNEL}, so an apply elsewhere is taken
 * up as soon as it commits; between notifications it checks the newest version number anyway, so a
 * notification lost to a dropped connection or a PostgreSQL restart delays nothing beyond the
 * interval. A broken listening connection is replaced on the next round.
 */
@ApplicationScoped
public class PolicyRefresher {
  private static final Logger LOG = Logger.getLogger(PolicyRefresher.class);

  private final PolicyService policies;
  private final Duration interval;
  private final boolean postgresql;
  private final Instance<AgroalDataSource> dataSource;
  private volatile boolean running;
  private Thread thread;
  private boolean listenFailing;
  private boolean refreshFailing;

  @Inject
  PolicyRefresher(
      PolicyService policies,
      PolicyConfig config,
      CatalogSessions sessions,
      @DataSource(CatalogSessions.POSTGRESQL) Instance<AgroalDataSource> dataSource) {
    this.policies = policies;
    this.interval = config.refreshInterval();
    this.postgresql = sessions.postgresql();
    this.dataSource = dataSource;
  }

  // after PolicyService has loaded the stored policy and the configured directory
  void start(@Observes @Priority(3000) StartupEvent event) {
    if (!postgresql) {
      return;
    }
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("sluice.policy.refresh-interval must be positive");
    }
    running = true;
    thread = new Thread(this::run, "sluice-policy-refresh");
    thread.setDaemon(true);
    thread.start();
    LOG.infof("Policy kept fresh by LISTEN %s and a check every %s", PolicyStore.CHANNEL, interval);
  }

  void stop(@Observes ShutdownEvent event) throws InterruptedException {
    running = false;
    if (thread != null) {
      thread.interrupt();
      thread.join(Duration.ofSeconds(5).toMillis());
    }
  }

  private void run() {
    Connection listening = null;
    while (running) {
      try {
        if (listening == null) {
          listening = listen();
        }
        // returns at the first notification, or after the interval with none
        listening.unwrap(PGConnection.class).getNotifications((int) interval.toMillis());
        if (listenFailing) {
          LOG.infof("Listening for policy versions again");
          listenFailing = false;
        }
      } catch (SQLException e) {
        closeQuietly(listening);
        listening = null;
        if (!listenFailing) {
          LOG.warnf(
              "Lost LISTEN %s (%s); checking every %s and reconnecting",
              PolicyStore.CHANNEL, e.getMessage(), interval);
          listenFailing = true;
        }
        if (!pause()) {
          break;
        }
      }
      if (!running) {
        break;
      }
      try {
        policies.refresh();
        if (refreshFailing) {
          LOG.info("Policy refresh reaches the database again");
          refreshFailing = false;
        }
      } catch (RuntimeException e) {
        if (!refreshFailing) {
          LOG.warnf(
              "Could not check the newest policy version (%s); deciding with version %s until"
                  + " the database answers",
              e.getMessage(),
              policies.active().map(p -> String.valueOf(p.version())).orElse("none"));
          refreshFailing = true;
        }
      }
    }
    closeQuietly(listening);
  }

  private Connection listen() throws SQLException {
    Connection connection = dataSource.get().getConnection();
    try {
      connection.setAutoCommit(true);
      try (Statement statement = connection.createStatement()) {
        statement.execute("LISTEN " + PolicyStore.CHANNEL);
      }
      return connection;
    } catch (SQLException e) {
      closeQuietly(connection);
      throw e;
    }
  }

  private boolean pause() {
    try {
      Thread.sleep(interval.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void closeQuietly(Connection connection) {
    if (connection == null) {
      return;
    }
    try {
      connection.close();
    } catch (SQLException | RuntimeException e) {
      // the connection is already broken; the pool discards it
    }
  }
}
