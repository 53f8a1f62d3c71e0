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
 * interval. A broken listening connection is replaced at once (then at most every {@link
 * #RECONNECT_PAUSE} while that fails), and the newest version is read as soon as it listens again.
 */
@ApplicationScoped
public class PolicyRefresher {
  private static final Logger LOG = Logger.getLogger(PolicyRefresher.class);

  /** The longest wait between attempts to listen again, whatever the refresh interval. */
  static final Duration RECONNECT_PAUSE = Duration.ofSeconds(1);

  private final PolicyService policies;
  private final Duration interval;
  private final boolean postgresql;
  private final Instance<AgroalDataSource> dataSource;
  private volatile boolean running;
  private Thread thread;
  private volatile Connection listening;
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
      // ends a wait for notifications at once instead of after the interval
      closeQuietly(listening);
      thread.join(Duration.ofSeconds(5).toMillis());
    }
  }

  private void run() {
    while (running) {
      if (listening == null) {
        try {
          listening = listen();
          if (listenFailing) {
            LOG.info("Listening for policy versions again");
            listenFailing = false;
          }
        } catch (SQLException e) {
          if (!listenFailing) {
            LOG.warnf(
                "Cannot LISTEN %s (%s); checking the newest version while reconnecting",
                PolicyStore.CHANNEL, e.getMessage());
            listenFailing = true;
          }
          refresh();
          pause(interval.compareTo(RECONNECT_PAUSE) < 0 ? interval : RECONNECT_PAUSE);
          continue;
        }
        // what was applied while nobody listened
        refresh();
      }
      try {
        // returns at the first notification, or after the interval with none
        listening.unwrap(PGConnection.class).getNotifications((int) interval.toMillis());
      } catch (SQLException e) {
        release(listening);
        listening = null;
        if (!running) {
          break;
        }
        if (!listenFailing) {
          LOG.warnf("Lost LISTEN %s (%s); reconnecting", PolicyStore.CHANNEL, e.getMessage());
          listenFailing = true;
        }
        continue;
      }
      refresh();
    }
    release(listening);
  }

  /**
   * Hands the connection back to the pool without its {@code LISTEN}. A broken one fails the {@code
   * UNLISTEN} through the pool's wrapper, which then discards it instead of lending it out.
   */
  private static void release(Connection connection) {
    if (connection == null) {
      return;
    }
    try (Statement statement = connection.createStatement()) {
      statement.execute("UNLISTEN *");
    } catch (SQLException | RuntimeException e) {
      // broken: the pool learnt it from this failure
    }
    closeQuietly(connection);
  }

  private void refresh() {
    if (!running) {
      return;
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
            e.getMessage(), policies.active().map(p -> String.valueOf(p.version())).orElse("none"));
        refreshFailing = true;
      }
    }
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

  private void pause(Duration pause) {
    try {
      Thread.sleep(pause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
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
