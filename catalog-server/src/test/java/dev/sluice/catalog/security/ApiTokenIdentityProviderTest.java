package dev.sluice.catalog.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.catalog.config.AuthConfig;
import dev.sluice.policy.eval.Principal;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Which tokens need the blocking lookup, and that the answer is the same either way. */
class ApiTokenIdentityProviderTest {
  /** Runs blocking work at once, counting it, as a worker thread would run it. */
  private static final class CountingContext implements AuthenticationRequestContext {
    final AtomicInteger blocking = new AtomicInteger();

    @Override
    public Uni<SecurityIdentity> runBlocking(Supplier<SecurityIdentity> function) {
      blocking.incrementAndGet();
      return Uni.createFrom().item(function);
    }
  }

  private final InMemoryApiTokenStore store = new InMemoryApiTokenStore();
  private final ApiTokenService tokens = new ApiTokenService(store, (AuthConfig) null);
  private final ApiTokenIdentityProvider provider = new ApiTokenIdentityProvider(tokens);
  private final CountingContext context = new CountingContext();

  private SecurityIdentity authenticate(String secret) {
    return provider
        .authenticate(new ApiTokenAuthenticationRequest(secret), context)
        .await()
        .atMost(Duration.ofSeconds(5));
  }

  @Test
  void aTokenValidatedMomentsAgoIsAnsweredWithoutTheBlockingLookup() {
    String secret =
        tokens.create(Principal.client("ingest"), "test", null, "user:someone").secret();
    String tokenId = store.rows.get(0).tokenId;

    SecurityIdentity first = authenticate(secret);
    assertThat(context.blocking).as("the first use asks the table").hasValue(1);
    for (int i = 0; i < 5; i++) {
      SecurityIdentity again = authenticate(secret);
      assertThat(again.getPrincipal().getName()).isEqualTo(first.getPrincipal().getName());
      assertThat(again.getRoles()).isEqualTo(first.getRoles());
      assertThat(Identities.credentialOf(again)).isEqualTo("api-token:" + tokenId);
      assertThat(Identities.principalOf(again)).isEqualTo(Identities.principalOf(first));
    }
    assertThat(context.blocking).hasValue(1);

    tokens.revoke(tokenId);
    assertThatThrownBy(() -> authenticate(secret))
        .isInstanceOf(AuthenticationFailedException.class);
    assertThat(context.blocking).as("a revoked token is decided by the lookup").hasValue(2);
  }

  @Test
  void anUnknownTokenAlwaysTakesTheBlockingLookup() {
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> authenticate("sluice_guessed_000000000000000000000000"))
          .isInstanceOf(AuthenticationFailedException.class);
    }
    assertThat(context.blocking).hasValue(3);
  }
}
