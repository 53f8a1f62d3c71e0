package dev.sluice.catalog.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/** API tokens in the database; secrets are never stored, only their hashes. */
@ApplicationScoped
public class ApiTokenStore {
  private final CatalogSessions sessions;

  @Inject
  public ApiTokenStore(CatalogSessions sessions) {
    this.sessions = sessions;
  }

  @Transactional
  public long count() {
    return sessions
        .session()
        .createSelectionQuery("select count(*) from ApiTokenEntity", Long.class)
        .getSingleResult();
  }

  /**
   * Adds the token only when the table is empty; false when a token exists. On PostgreSQL the check
   * and the insert run under a transaction-scoped advisory lock, so replicas starting together add
   * one first token: the others wait, then see it.
   */
  @Transactional
  public boolean addIfNone(ApiTokenEntity token) {
    AdvisoryLocks.lockForTransaction(sessions, AdvisoryLocks.BOOTSTRAP_TOKEN);
    if (count() > 0) {
      return false;
    }
    sessions.session().persist(token);
    return true;
  }

  @Transactional
  public void add(ApiTokenEntity token) {
    sessions.session().persist(token);
  }

  @Transactional
  public Optional<ApiTokenEntity> findByHash(String secretHash) {
    return sessions
        .session()
        .createSelectionQuery("from ApiTokenEntity where secretHash = :h", ApiTokenEntity.class)
        .setParameter("h", secretHash)
        .uniqueResultOptional();
  }

  @Transactional
  public List<ApiTokenEntity> list() {
    return sessions
        .session()
        .createSelectionQuery("from ApiTokenEntity order by createdAt, id", ApiTokenEntity.class)
        .getResultList();
  }

  /**
   * Marks the token revoked; false when no such token exists. Revoking twice keeps the first time.
   */
  @Transactional
  public Optional<ApiTokenEntity> revoke(String tokenId, OffsetDateTime at) {
    Optional<ApiTokenEntity> token =
        sessions
            .session()
            .createSelectionQuery("from ApiTokenEntity where tokenId = :id", ApiTokenEntity.class)
            .setParameter("id", tokenId)
            .uniqueResultOptional();
    token.filter(t -> t.revokedAt == null).ifPresent(t -> t.revokedAt = at);
    return token;
  }
}
