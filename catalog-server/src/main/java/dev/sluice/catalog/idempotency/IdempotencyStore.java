package dev.sluice.catalog.idempotency;

import static java.util.Objects.requireNonNull;

import dev.sluice.catalog.persistence.CatalogSessions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.hibernate.Session;

/**
 * Idempotency records in the database, shared by every replica. Each method is its own short
 * transaction, apart from the mutation the record describes.
 */
@ApplicationScoped
public class IdempotencyStore {
  private final CatalogSessions sessions;

  @Inject
  IdempotencyStore(CatalogSessions sessions) {
    this.sessions = sessions;
  }

  /** A stored record; {@code status} and {@code body} are set once the first request finished. */
  public record Entry(String fingerprint, boolean done, Integer status, String body) {
    public Entry {
      requireNonNull(fingerprint, "fingerprint is null");
    }
  }

  /**
   * Claims the key for a request about to run; false when a live record holds it already. An
   * expired record is replaced. A claim racing another for the same key may fail instead.
   */
  @Transactional(TxType.REQUIRES_NEW)
  public boolean claim(
      String principalHash,
      String key,
      String fingerprint,
      OffsetDateTime now,
      OffsetDateTime expiresAt) {
    Session session = sessions.session();
    session
        .createNativeMutationQuery(
            "delete from idempotency_record where principal_hash = :p and idempotency_key = :k"
                + " and expires_at < :now")
        .setParameter("p", principalHash)
        .setParameter("k", key)
        .setParameter("now", now)
        .executeUpdate();
    // two claims racing past "not exists" meet the primary key: the loser's caller sees it fail
    int inserted =
        session
            .createNativeMutationQuery(
                "insert into idempotency_record (principal_hash, idempotency_key, fingerprint,"
                    + " state, created_at, expires_at) select :p, :k, :f, 'IN_PROGRESS', :now,"
                    + " :expires where not exists (select 1 from"
                    + " idempotency_record where principal_hash = :p and idempotency_key = :k)")
            .setParameter("p", principalHash)
            .setParameter("k", key)
            .setParameter("f", fingerprint)
            .setParameter("now", now)
            .setParameter("expires", expiresAt)
            .executeUpdate();
    return inserted == 1;
  }

  /** The live record of a key, if any. */
  @Transactional(TxType.REQUIRES_NEW)
  public Optional<Entry> find(String principalHash, String key, OffsetDateTime now) {
    List<Object[]> rows =
        sessions
            .session()
            .createNativeQuery(
                "select fingerprint, state, status, response_body from idempotency_record"
                    + " where principal_hash = :p and idempotency_key = :k and expires_at >= :now",
                Object[].class)
            .setParameter("p", principalHash)
            .setParameter("k", key)
            .setParameter("now", now)
            .getResultList();
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    Object[] row = rows.get(0);
    return Optional.of(
        new Entry(
            (String) row[0],
            "DONE".equals(row[1]),
            row[2] == null ? null : ((Number) row[2]).intValue(),
            (String) row[3]));
  }

  /** Records the first outcome, to be replayed to retries until the key expires. */
  @Transactional(TxType.REQUIRES_NEW)
  public void complete(String principalHash, String key, int status, String body) {
    sessions
        .session()
        .createNativeMutationQuery(
            "update idempotency_record set state = 'DONE', status = :s, response_body = :b"
                + " where principal_hash = :p and idempotency_key = :k")
        .setParameter("s", status)
        .setParameter("b", body)
        .setParameter("p", principalHash)
        .setParameter("k", key)
        .executeUpdate();
  }

  /** Forgets a claim whose request certainly changed nothing, so that a retry runs it afresh. */
  @Transactional(TxType.REQUIRES_NEW)
  public void release(String principalHash, String key) {
    sessions
        .session()
        .createNativeMutationQuery(
            "delete from idempotency_record where principal_hash = :p and idempotency_key = :k"
                + " and state = 'IN_PROGRESS'")
        .setParameter("p", principalHash)
        .setParameter("k", key)
        .executeUpdate();
  }

  /** Deletes expired records; returns how many. */
  @Transactional(TxType.REQUIRES_NEW)
  public int purgeExpired(OffsetDateTime now) {
    return sessions
        .session()
        .createNativeMutationQuery("delete from idempotency_record where expires_at < :now")
        .setParameter("now", now)
        .executeUpdate();
  }
}
