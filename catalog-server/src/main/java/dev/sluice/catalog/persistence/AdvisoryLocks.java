package dev.sluice.catalog.persistence;

import java.sql.PreparedStatement;
import org.hibernate.Session;

/**
 * PostgreSQL advisory locks that serialise one kind of change across replicas. Each is
 * transaction-scoped: released when the transaction ends, and by PostgreSQL when the replica
 * holding it dies. Keys are "sluice" in ASCII followed by a number.
 */
final class AdvisoryLocks {
  /** Creating the first API token. */
  static final long BOOTSTRAP_TOKEN = 0x736c7569_63650001L;

  /** Appending a policy version. */
  static final long POLICY_APPEND = 0x736c7569_63650002L;

  private AdvisoryLocks() {}

  /** Waits for the lock and holds it until the session's transaction ends; nothing on H2. */
  static void lockForTransaction(CatalogSessions sessions, long key) {
    if (!sessions.postgresql()) {
      return; // H2 is one process, serialised by the caller's own transaction
    }
    Session session = sessions.session();
    session.doWork(
        connection -> {
          try (PreparedStatement lock =
              connection.prepareStatement("select pg_advisory_xact_lock(?)")) {
            lock.setLong(1, key);
            lock.execute();
          }
        });
  }
}
