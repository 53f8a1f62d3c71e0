package dev.sluice.catalog.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.catalog.config.AuthConfig;
import dev.sluice.policy.eval.Principal;
import io.quarkus.security.AuthenticationFailedException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The token caches: how often a presented token reaches the token table, and for what answer. */
class ApiTokenServiceTest {
  private final InMemoryApiTokenStore store = new InMemoryApiTokenStore();
  private final ApiTokenService tokens = new ApiTokenService(store, (AuthConfig) null);

  @Test
  void anUnknownTokenIsLookedUpOnceThenRefusedFromMemory() {
    for (int i = 0; i < 50; i++) {
      assertThatThrownBy(() -> tokens.authenticate("sluice_guessed_000000000000000000000000"))
          .isInstanceOf(AuthenticationFailedException.class)
          .satisfies(
              e ->
                  assertThat(
                          ((AuthenticationFailedException) e)
                              .<AuthFailure.Reason>getAttribute(AuthFailure.REASON_ATTRIBUTE))
                      .isEqualTo(AuthFailure.Reason.API_TOKEN_UNKNOWN));
    }
    assertThat(store.lookups).hasValue(1);
  }

  @Test
  void aValidTokenIsCachedAndARevokedOneIsRefusedAtOnceWithItsId() {
    String secret =
        tokens.create(Principal.client("ingest"), "test", null, "user:someone").secret();
    String tokenId = store.rows.get(0).tokenId;

    for (int i = 0; i < 10; i++) {
      assertThat(tokens.authenticate(secret).principal().self().toString())
          .isEqualTo("client:ingest");
    }
    assertThat(store.lookups).hasValue(1);

    tokens.revoke(tokenId);
    for (int i = 0; i < 10; i++) {
      assertThatThrownBy(() -> tokens.authenticate(secret))
          .satisfies(
              e -> {
                AuthenticationFailedException failed = (AuthenticationFailedException) e;
                assertThat(failed.<AuthFailure.Reason>getAttribute(AuthFailure.REASON_ATTRIBUTE))
                    .isEqualTo(AuthFailure.Reason.API_TOKEN_REVOKED);
                assertThat(failed.<String>getAttribute(AuthFailure.CREDENTIAL_ATTRIBUTE))
                    .isEqualTo("api-token:" + tokenId);
              });
    }
    assertThat(store.lookups).hasValue(2);
  }

  @Test
  void aCachedTokenIsNotTrustedPastItsExpiry() throws Exception {
    OffsetDateTime soon = OffsetDateTime.now(ZoneOffset.UTC).plusNanos(300_000_000);
    String secret =
        tokens.create(Principal.user("temp"), "short-lived", soon, "user:someone").secret();
    assertThat(tokens.authenticate(secret).principal().name()).isEqualTo("temp");

    Thread.sleep(400);

    assertThatThrownBy(() -> tokens.authenticate(secret))
        .satisfies(
            e ->
                assertThat(
                        ((AuthenticationFailedException) e)
                            .<AuthFailure.Reason>getAttribute(AuthFailure.REASON_ATTRIBUTE))
                    .isEqualTo(AuthFailure.Reason.API_TOKEN_EXPIRED));
  }

  @Test
  void reservedPrincipalNamesAreNotIssued() {
    assertThatThrownBy(
            () ->
                tokens.create(
                    new Principal(
                        ApiTokenService.BOOTSTRAP_ADMIN, Principal.Kind.USER, Set.of(), Set.of()),
                    "impostor",
                    null,
                    "user:someone"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reserved");
    assertThat(store.rows).isEmpty();
  }
}
