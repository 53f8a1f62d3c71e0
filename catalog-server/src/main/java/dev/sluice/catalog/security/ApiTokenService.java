package dev.sluice.catalog.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.sluice.catalog.config.AuthConfig;
import dev.sluice.catalog.persistence.ApiTokenEntity;
import dev.sluice.catalog.persistence.ApiTokenStore;
import dev.sluice.policy.eval.Principal;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The embedded identity provider: API tokens whose secrets are shown once and stored as SHA-256
 * hashes.
 *
 * <p>Lookups are cached both ways, each cache bounded to {@value #CACHE_ENTRIES} hashes. A valid
 * token is trusted for {@link #VALID_FOR} after it was read (never past its expiry), so a
 * revocation through this process takes effect at once and one through another replica within
 * {@link #VALID_FOR}. An unknown, revoked or expired hash is refused without a database lookup for
 * {@link #REFUSED_FOR}: revoked and expired tokens never become valid again, and a new token's
 * 256-bit random secret cannot have been presented before it existed; only a configured bootstrap
 * secret presented to one replica before another created it can be refused that long after it
 * became valid.
 */
@ApplicationScoped
public class ApiTokenService {
  public static final String PREFIX = "sluice_";

  /** The bootstrap administrator: a name no OIDC token and no issued API token can have. */
  public static final String BOOTSTRAP_ADMIN = Identities.RESERVED_PREFIX + "bootstrap-admin";

  static final Duration VALID_FOR = Duration.ofSeconds(5);
  static final Duration REFUSED_FOR = Duration.ofSeconds(30);
  static final int CACHE_ENTRIES = 10_000;
  private static final Logger LOG = Logger.getLogger(ApiTokenService.class);
  private static final int MIN_SECRET_LENGTH = 32;

  private final ApiTokenStore store;
  private final AuthConfig config;
  private final SecureRandom random = new SecureRandom();
  private final Cache<String, Valid> valid =
      Caffeine.newBuilder().maximumSize(CACHE_ENTRIES).expireAfterWrite(VALID_FOR).build();
  private final Cache<String, Refused> refused =
      Caffeine.newBuilder().maximumSize(CACHE_ENTRIES).expireAfterWrite(REFUSED_FOR).build();

  /** Who a token stands for, and which token it was. */
  public record Authenticated(Principal principal, String tokenId) {}

  private record Valid(Authenticated who, OffsetDateTime expiresAt) {}

  private record Refused(AuthFailure.Reason reason, String tokenId) {}

  /** A token as listed: everything but its secret. */
  public record TokenView(
      String tokenId,
      String principal,
      List<String> groups,
      List<String> roles,
      String description,
      String createdBy,
      OffsetDateTime createdAt,
      OffsetDateTime expiresAt,
      OffsetDateTime revokedAt,
      boolean active) {}

  /** A new token: the only time its secret is seen. */
  public record IssuedToken(String secret, TokenView token) {}

  @Inject
  public ApiTokenService(ApiTokenStore store, AuthConfig config) {
    this.store = store;
    this.config = config;
  }

  /**
   * Creates the first admin token when none exists, printing its secret once. Replicas starting
   * together on one PostgreSQL create one: the insert is serialised by an advisory lock, and only
   * the replica whose insert committed prints the secret.
   */
  void bootstrap(@Observes @Priority(10) StartupEvent event) {
    if (store.count() > 0) {
      return;
    }
    Optional<String> configured = config.bootstrapAdminToken();
    configured.ifPresent(ApiTokenService::checkSecret);
    String secret = configured.orElseGet(this::newSecret);
    Principal admin =
        new Principal(BOOTSTRAP_ADMIN, Principal.Kind.USER, Set.of(), Set.of(config.adminRole()));
    ApiTokenEntity token = entity(secret, admin, "bootstrap administrator", null, "sluice");
    if (!store.addIfNone(token)) {
      LOG.info("The first admin API token was created by another replica");
      return;
    }
    refused.invalidate(token.secretHash);
    if (configured.isPresent()) {
      LOG.info("Created the bootstrap admin API token from sluice.auth.bootstrap-admin-token");
    } else {
      LOG.warn("Created the first admin API token; its secret is printed once below");
      System.out.println(
          "\n==== Sluice admin API token (shown once; store it now) ====\n"
              + secret
              + "\n===========================================================\n");
    }
  }

  /** A new token; a principal name reserved for the server is refused. */
  public IssuedToken create(
      Principal principal, String description, OffsetDateTime expiresAt, String createdBy) {
    if (Identities.isReserved(principal.name())) {
      throw new IllegalArgumentException(
          "principal names starting with '"
              + Identities.RESERVED_PREFIX
              + "' are reserved for the server: "
              + principal.name());
    }
    String secret = newSecret();
    return new IssuedToken(secret, store(secret, principal, description, expiresAt, createdBy));
  }

  /**
   * The principal of a token, or an {@link io.quarkus.security.AuthenticationFailedException}
   * saying why not (unknown, revoked or expired).
   */
  public Authenticated authenticate(String secret) {
    String hash = hash(secret);
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    Authenticated cached = validInMemory(hash, now);
    if (cached != null) {
      return cached;
    }
    Refused known = refused.getIfPresent(hash);
    if (known != null) {
      throw refusal(known);
    }
    Optional<ApiTokenEntity> token = store.findByHash(hash);
    AuthFailure.Reason reason =
        token.isEmpty()
            ? AuthFailure.Reason.API_TOKEN_UNKNOWN
            : token.get().revokedAt != null
                ? AuthFailure.Reason.API_TOKEN_REVOKED
                : isExpired(token.get(), now) ? AuthFailure.Reason.API_TOKEN_EXPIRED : null;
    if (reason != null) {
      valid.invalidate(hash);
      Refused refusal = new Refused(reason, token.map(t -> t.tokenId).orElse(null));
      refused.put(hash, refusal);
      throw refusal(refusal);
    }
    Authenticated who = new Authenticated(principalOf(token.get()), token.get().tokenId);
    valid.put(hash, new Valid(who, token.get().expiresAt));
    return who;
  }

  /**
   * The principal of a token this replica found valid within the cache's {@code VALID_FOR} and that
   * has not expired since, without the database: what {@link #authenticate} would answer from
   * memory. Empty when only the database can tell, or when the token is known to be refused.
   */
  public Optional<Authenticated> authenticatedInMemory(String secret) {
    return Optional.ofNullable(validInMemory(hash(secret), OffsetDateTime.now(ZoneOffset.UTC)));
  }

  private Authenticated validInMemory(String hash, OffsetDateTime now) {
    Valid cached = valid.getIfPresent(hash);
    if (cached != null && (cached.expiresAt == null || cached.expiresAt.isAfter(now))) {
      return cached.who;
    }
    return null;
  }

  public List<TokenView> list() {
    return store.list().stream().map(ApiTokenService::view).toList();
  }

  public Optional<TokenView> revoke(String tokenId) {
    Optional<TokenView> revoked =
        store.revoke(tokenId, OffsetDateTime.now(ZoneOffset.UTC)).map(ApiTokenService::view);
    valid.asMap().values().removeIf(v -> v.who.tokenId().equals(tokenId));
    return revoked;
  }

  private static io.quarkus.security.AuthenticationFailedException refusal(Refused refused) {
    return AuthFailure.refusal(
        "Unknown, revoked or expired API token",
        refused.reason,
        refused.tokenId == null
            ? AuthFailure.API_TOKEN
            : Identities.apiTokenCredential(refused.tokenId));
  }

  private TokenView store(
      String secret,
      Principal principal,
      String description,
      OffsetDateTime expiresAt,
      String createdBy) {
    ApiTokenEntity entity = entity(secret, principal, description, expiresAt, createdBy);
    store.add(entity);
    refused.invalidate(entity.secretHash);
    return view(entity);
  }

  private static ApiTokenEntity entity(
      String secret,
      Principal principal,
      String description,
      OffsetDateTime expiresAt,
      String createdBy) {
    ApiTokenEntity entity = new ApiTokenEntity();
    entity.tokenId = UUID.randomUUID().toString();
    entity.secretHash = hash(secret);
    entity.principalName = principal.name();
    entity.principalKind = principal.kind().name();
    entity.groupsCsv = String.join(",", principal.groups());
    entity.rolesCsv = String.join(",", principal.roles());
    entity.description = description;
    entity.createdBy = createdBy;
    entity.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
    entity.expiresAt = expiresAt;
    return entity;
  }

  private String newSecret() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static void checkSecret(String secret) {
    if (!secret.startsWith(PREFIX) || secret.length() < MIN_SECRET_LENGTH) {
      throw new IllegalArgumentException(
          "sluice.auth.bootstrap-admin-token must start with '"
              + PREFIX
              + "' and be at least "
              + MIN_SECRET_LENGTH
              + " characters long");
    }
  }

  private static boolean isExpired(ApiTokenEntity token, OffsetDateTime now) {
    return token.expiresAt != null && !token.expiresAt.isAfter(now);
  }

  private static boolean isActive(ApiTokenEntity token) {
    return token.revokedAt == null && !isExpired(token, OffsetDateTime.now(ZoneOffset.UTC));
  }

  private static Principal principalOf(ApiTokenEntity token) {
    return new Principal(
        token.principalName,
        Principal.Kind.valueOf(token.principalKind),
        split(token.groupsCsv),
        split(token.rolesCsv));
  }

  private static Set<String> split(String csv) {
    return csv.isEmpty()
        ? Set.of()
        : Arrays.stream(csv.split(",")).collect(Collectors.toCollection(TreeSet::new));
  }

  private static TokenView view(ApiTokenEntity token) {
    Principal principal = principalOf(token);
    return new TokenView(
        token.tokenId,
        principal.self().toString(),
        List.copyOf(principal.groups()),
        List.copyOf(principal.roles()),
        token.description,
        token.createdBy,
        token.createdAt,
        token.expiresAt,
        token.revokedAt,
        isActive(token));
  }

  static String hash(String secret) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
