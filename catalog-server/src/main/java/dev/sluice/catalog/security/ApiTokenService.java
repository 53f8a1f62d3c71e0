package dev.sluice.catalog.security;

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
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The embedded identity provider: API tokens whose secrets are shown once and stored as SHA-256
 * hashes. Lookups are cached for a few seconds; a revocation through this process takes effect at
 * once, one through another replica within {@link #CACHE_NANOS}.
 */
@ApplicationScoped
public class ApiTokenService {
  public static final String PREFIX = "sluice_";
  private static final Logger LOG = Logger.getLogger(ApiTokenService.class);
  private static final long CACHE_NANOS = 5_000_000_000L;
  private static final int MIN_SECRET_LENGTH = 32;

  private final ApiTokenStore store;
  private final AuthConfig config;
  private final SecureRandom random = new SecureRandom();
  private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

  private record Cached(Principal principal, long expiresAtNanos, String tokenId) {}

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

  /** Creates the first admin token when none exists, printing its secret once. */
  void bootstrap(@Observes @Priority(10) StartupEvent event) {
    if (store.count() > 0) {
      return;
    }
    Optional<String> configured = config.bootstrapAdminToken();
    configured.ifPresent(ApiTokenService::checkSecret);
    String secret = configured.orElseGet(this::newSecret);
    Principal admin =
        new Principal("admin", Principal.Kind.USER, Set.of(), Set.of(config.adminRole()));
    store(secret, admin, "bootstrap administrator", null, "sluice");
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

  public IssuedToken create(
      Principal principal, String description, OffsetDateTime expiresAt, String createdBy) {
    String secret = newSecret();
    return new IssuedToken(secret, store(secret, principal, description, expiresAt, createdBy));
  }

  public Optional<Principal> authenticate(String secret) {
    String hash = hash(secret);
    long now = System.nanoTime();
    Cached cached = cache.get(hash);
    if (cached != null && cached.expiresAtNanos - now > 0) {
      return Optional.of(cached.principal);
    }
    Optional<ApiTokenEntity> token = store.findByHash(hash).filter(ApiTokenService::isActive);
    if (token.isEmpty()) {
      cache.remove(hash);
      return Optional.empty();
    }
    Principal principal = principalOf(token.get());
    cache.put(hash, new Cached(principal, now + CACHE_NANOS, token.get().tokenId));
    return Optional.of(principal);
  }

  public List<TokenView> list() {
    return store.list().stream().map(ApiTokenService::view).toList();
  }

  public Optional<TokenView> revoke(String tokenId) {
    Optional<TokenView> revoked =
        store.revoke(tokenId, OffsetDateTime.now(ZoneOffset.UTC)).map(ApiTokenService::view);
    cache.values().removeIf(c -> c.tokenId.equals(tokenId));
    return revoked;
  }

  private TokenView store(
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
    store.add(entity);
    return view(entity);
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

  private static boolean isActive(ApiTokenEntity token) {
    return token.revokedAt == null
        && (token.expiresAt == null || token.expiresAt.isAfter(OffsetDateTime.now(ZoneOffset.UTC)));
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
