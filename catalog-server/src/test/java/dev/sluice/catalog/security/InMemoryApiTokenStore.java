package dev.sluice.catalog.security;

import dev.sluice.catalog.persistence.ApiTokenEntity;
import dev.sluice.catalog.persistence.ApiTokenStore;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** The token table in memory, counting lookups by hash. */
final class InMemoryApiTokenStore extends ApiTokenStore {
  final List<ApiTokenEntity> rows = new ArrayList<>();
  final AtomicInteger lookups = new AtomicInteger();

  InMemoryApiTokenStore() {
    super(null);
  }

  @Override
  public void add(ApiTokenEntity token) {
    rows.add(token);
  }

  @Override
  public Optional<ApiTokenEntity> findByHash(String secretHash) {
    lookups.incrementAndGet();
    return rows.stream().filter(t -> t.secretHash.equals(secretHash)).findFirst();
  }

  @Override
  public Optional<ApiTokenEntity> revoke(String tokenId, OffsetDateTime at) {
    Optional<ApiTokenEntity> token =
        rows.stream().filter(t -> t.tokenId.equals(tokenId)).findFirst();
    token.ifPresent(t -> t.revokedAt = at);
    return token;
  }
}
