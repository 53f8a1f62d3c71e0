package dev.sluice.catalog.idempotency;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.catalog.audit.AuditEntry;
import dev.sluice.catalog.audit.AuditTrail;
import dev.sluice.catalog.rest.IcebergErrors;
import dev.sluice.catalog.rest.IcebergJson;
import dev.sluice.catalog.security.CurrentPrincipal;
import dev.sluice.policy.eval.Principal;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.apache.iceberg.exceptions.BadRequestException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.UnprocessableEntityException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Idempotency keys on the catalog's mutations: the first request with a key runs and its outcome is
 * stored; a retry with the same key and the same request gets that outcome again without running,
 * from any replica. A key is per caller. The same key with a different request is refused (422). A
 * retry while the first request still runs waits for it, then answers like it; if it is still
 * running after the wait, its outcome is unknown and the retry says so (500, never a 409 or 503
 * that a client would clean up after).
 */
public class IdempotencyFilter {
  private static final Logger LOG = Logger.getLogger(IdempotencyFilter.class);
  public static final String HEADER = "Idempotency-Key";
  static final String REPLAYED_HEADER = "Idempotent-Replayed";
  private static final String CLAIM = IdempotencyFilter.class.getName() + ".claim";
  private static final Set<String> MUTATIONS = Set.of("POST", "PUT", "DELETE", "PATCH");
  private static final Pattern KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");
  private static final Pattern SECRET_CONFIG =
      Pattern.compile("(?i).*(secret|session-token|access-key|password|credential|token).*");

  /** Expired records are purged by every so many claims on each replica, so none piles up. */
  private static final int PURGE_EVERY = 500;

  private static final AtomicLong claims = new AtomicLong();

  private final IdempotencyStore store;
  private final IdempotencyConfig config;
  private final CurrentPrincipal principal;
  private final AuditTrail audit;

  @Inject
  public IdempotencyFilter(
      IdempotencyStore store,
      IdempotencyConfig config,
      CurrentPrincipal principal,
      AuditTrail audit) {
    this.store = store;
    this.config = config;
    this.principal = principal;
    this.audit = audit;
  }

  /** The catalog protocol's mutations; signing and token requests change nothing. */
  static boolean covers(String method, String path) {
    if (!MUTATIONS.contains(method)) {
      return false;
    }
    String normalized = path.startsWith("/") ? path : "/" + path;
    return normalized.startsWith("/v1/")
        && !normalized.startsWith("/v1/oauth/")
        && !normalized.contains("/aws/s3/sign")
        && !normalized.endsWith("/metrics");
  }

  @ServerRequestFilter
  public Response onRequest(ContainerRequestContext request) throws IOException {
    List<String> keys = request.getHeaders().get(HEADER);
    if (keys == null
        || keys.isEmpty()
        || !covers(request.getMethod(), request.getUriInfo().getPath())) {
      return null;
    }
    if (keys.size() != 1 || !KEY.matcher(keys.get(0)).matches()) {
      return error(
          400,
          BadRequestException.class,
          "Invalid Idempotency-Key: one value of 1 to 255 visible ASCII characters expected");
    }
    String key = keys.get(0);
    byte[] body = request.hasEntity() ? request.getEntityStream().readAllBytes() : new byte[0];
    request.setEntityStream(new ByteArrayInputStream(body));
    Principal caller = principal.get();
    Claim claim = new Claim(principalHash(caller), key, fingerprint(request, body));

    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    if (claim(claim, now)) {
      request.setProperty(CLAIM, claim);
      return null;
    }
    long deadline = System.nanoTime() + config.inProgressWait().toNanos();
    long pause = 50;
    while (true) {
      Optional<IdempotencyStore.Entry> entry =
          store.find(claim.principalHash(), key, OffsetDateTime.now(ZoneOffset.UTC));
      if (entry.isEmpty()) {
        // released (the first attempt changed nothing) or expired meanwhile: run this one
        if (claim(claim, OffsetDateTime.now(ZoneOffset.UTC))) {
          request.setProperty(CLAIM, claim);
          return null;
        }
        continue;
      }
      if (!entry.get().fingerprint().equals(claim.fingerprint())) {
        return error(
            422,
            UnprocessableEntityException.class,
            "Idempotency-Key " + key + " was already used for a different request");
      }
      if (entry.get().done()) {
        // a replay makes no decision, yet it is a request answered with a catalog outcome
        audit.record(
            new AuditEntry(
                caller.self().toString(),
                "idempotency.replay",
                request.getMethod() + " " + request.getUriInfo().getPath(),
                true,
                "Idempotency-Key " + key + ": first outcome " + entry.get().status()));
        return replay(entry.get());
      }
      if (System.nanoTime() > deadline) {
        return error(
            500,
            CommitStateUnknownException.class,
            "A request with Idempotency-Key "
                + key
                + " is still in progress; its outcome is not known yet, retry later");
      }
      sleep(pause);
      pause = Math.min(pause * 2, 1000);
    }
  }

  @ServerResponseFilter
  public void onResponse(ContainerRequestContext request, ContainerResponseContext response) {
    if (!(request.getProperty(CLAIM) instanceof Claim claim)) {
      return;
    }
    request.removeProperty(CLAIM);
    int status = response.getStatus();
    try {
      if (status == 503 || status == 429) {
        // refused before anything changed: a retry must run again
        store.release(claim.principalHash(), claim.key());
        return;
      }
      store.complete(claim.principalHash(), claim.key(), status, stored(response.getEntity()));
    } catch (RuntimeException e) {
      // the outcome stays IN_PROGRESS: a retry gets "unknown", never a second execution
      LOG.warnf("Outcome of Idempotency-Key %s not recorded: %s", claim.key(), e.toString());
    }
  }

  private boolean claim(Claim claim, OffsetDateTime now) {
    if (claims.incrementAndGet() % PURGE_EVERY == 0) {
      int purged = store.purgeExpired(now);
      LOG.debugf("Purged %d expired idempotency records", purged);
    }
    try {
      return store.claim(
          claim.principalHash(),
          claim.key(),
          claim.fingerprint(),
          now,
          now.plus(config.lifetime()));
    } catch (RuntimeException e) {
      if (store.find(claim.principalHash(), claim.key(), now).isPresent()) {
        return false; // lost a race for the same key
      }
      throw e;
    }
  }

  private static Response replay(IdempotencyStore.Entry entry) {
    Response.ResponseBuilder builder =
        Response.status(entry.status()).header(REPLAYED_HEADER, "true");
    if (entry.body() != null) {
      builder.entity(entry.body()).type(MediaType.APPLICATION_JSON_TYPE);
    }
    return builder.build();
  }

  /**
   * The answer as stored: its JSON without credentials. A replayed table answer therefore carries
   * no vended credentials; the client loads the table again for fresh ones.
   */
  static String stored(Object entity) {
    if (entity == null) {
      return null;
    }
    try {
      JsonNode tree =
          entity instanceof String text
              ? IcebergJson.mapper().readTree(text)
              : IcebergJson.mapper().valueToTree(entity);
      if (tree instanceof ObjectNode object) {
        object.remove("storage-credentials");
        if (object.get("config") instanceof ObjectNode config) {
          Iterator<String> names = config.fieldNames();
          while (names.hasNext()) {
            if (SECRET_CONFIG.matcher(names.next()).matches()) {
              names.remove();
            }
          }
        }
      }
      return IcebergJson.mapper().writeValueAsString(tree);
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalStateException("answer is not JSON: " + e.getMessage(), e);
    }
  }

  private static Response error(int status, Class<?> type, String message) {
    return IcebergErrors.response(status, type.getSimpleName(), message);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for an idempotent request", e);
    }
  }

  private static String principalHash(Principal caller) {
    return sha256(caller.kind() + "\n" + caller.name(), new byte[0]);
  }

  private static String fingerprint(ContainerRequestContext request, byte[] body) {
    String head =
        request.getMethod()
            + "\n"
            + request.getUriInfo().getRequestUri().getRawPath()
            + "\n"
            + Optional.ofNullable(request.getUriInfo().getRequestUri().getRawQuery()).orElse("")
            + "\n";
    return sha256(head, body);
  }

  private static String sha256(String head, byte[] body) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(head.getBytes(StandardCharsets.UTF_8));
      digest.update(body);
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  private record Claim(String principalHash, String key, String fingerprint) {}
}
