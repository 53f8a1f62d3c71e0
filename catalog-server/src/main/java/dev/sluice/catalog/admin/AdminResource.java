package dev.sluice.catalog.admin;

import dev.sluice.catalog.audit.AuditBatchWriter;
import dev.sluice.catalog.persistence.AuditEventEntity;
import dev.sluice.catalog.persistence.AuditStore;
import dev.sluice.catalog.security.ApiTokenService;
import dev.sluice.catalog.security.CatalogAuthorizer;
import dev.sluice.policy.eval.Principal;
import dev.sluice.policy.model.Subject;
import io.quarkus.security.Authenticated;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.apache.iceberg.exceptions.NotFoundException;

/**
 * The admin API: principals and their effective grants, zones with their tables, API tokens and the
 * audit trail. Every call needs the admin role and is itself audited. The audit trail has no call
 * that changes or deletes it.
 */
@Authenticated
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class AdminResource {
  static final int MAX_PAGE = 1000;

  @Inject CatalogAuthorizer authorizer;
  @Inject AdminService admin;
  @Inject ApiTokenService tokens;
  @Inject AuditStore audit;
  @Inject AuditBatchWriter auditQueue;

  @GET
  @Path("/principals")
  public List<String> principals() {
    authorizer.requireAdmin("admin.principals", "principals");
    return admin.principals();
  }

  @GET
  @Path("/principals/{subject}/grants")
  public AdminService.EffectiveGrants grants(@PathParam("subject") String subject) {
    authorizer.requireAdmin("admin.grants", subject);
    return admin.effectiveGrants(subject);
  }

  @GET
  @Path("/zones")
  public List<AdminService.ZoneView> zones() {
    authorizer.requireAdmin("admin.zones", "zones");
    return admin.zones();
  }

  @GET
  @Path("/tokens")
  public List<ApiTokenService.TokenView> listTokens() {
    authorizer.requireAdmin("admin.tokens.list", "tokens");
    return tokens.list();
  }

  /** A new token; its secret is in this answer and nowhere else. */
  @POST
  @Path("/tokens")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response createToken(TokenRequest request) {
    Principal principal = request == null ? null : request.toPrincipal();
    authorizer.requireAdmin(
        "admin.tokens.create", principal == null ? "tokens" : principal.self().toString());
    if (principal == null) {
      throw new IllegalArgumentException("principal is required, e.g. client:ingest");
    }
    ApiTokenService.IssuedToken issued =
        tokens.create(
            principal,
            request.description(),
            request.expiresAt(),
            authorizer.principal().self().toString());
    return Response.status(201).entity(issued).build();
  }

  @DELETE
  @Path("/tokens/{tokenId}")
  public Response revokeToken(@PathParam("tokenId") String tokenId) {
    authorizer.requireAdmin("admin.tokens.revoke", "token/" + tokenId);
    tokens
        .revoke(tokenId)
        .orElseThrow(() -> new NotFoundException("API token does not exist: %s", tokenId));
    return Response.noContent().build();
  }

  /** Decisions, newest first; {@code pageToken} continues after the last page. */
  @GET
  @Path("/audit")
  public AuditPage audit(
      @QueryParam("principal") String principal,
      @QueryParam("resource") String resource,
      @QueryParam("action") String action,
      @QueryParam("decision") String decision,
      @QueryParam("credential") String credential,
      @QueryParam("from") String from,
      @QueryParam("to") String to,
      @QueryParam("pageToken") String pageToken,
      @QueryParam("pageSize") Integer pageSize) {
    authorizer.requireAdmin("admin.audit", "audit");
    int size = pageSize == null ? 100 : pageSize;
    if (size < 1 || size > MAX_PAGE) {
      throw new IllegalArgumentException("pageSize must be between 1 and " + MAX_PAGE);
    }
    Boolean allowed = null;
    if (decision != null) {
      allowed =
          switch (decision) {
            case "allow" -> true;
            case "deny" -> false;
            default ->
                throw new IllegalArgumentException(
                    "decision must be 'allow' or 'deny', not " + decision);
          };
    }
    Long before = null;
    if (pageToken != null) {
      try {
        before = Long.parseLong(pageToken);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("Invalid pageToken: " + pageToken);
      }
    }
    // this replica's queued rows first, so a caller sees its own requests; other replicas' rows
    // follow within their flush interval
    auditQueue.drain();
    List<AuditEventEntity> rows =
        audit.query(
            new AuditStore.Query(
                principal,
                resource,
                action,
                allowed,
                credential,
                time("from", from),
                time("to", to),
                before,
                size + 1));
    boolean more = rows.size() > size;
    List<AuditEventEntity> page = more ? rows.subList(0, size) : rows;
    return new AuditPage(
        page.stream().map(AdminResource::view).toList(),
        more ? String.valueOf(page.get(page.size() - 1).id) : null);
  }

  public record TokenRequest(
      String principal,
      List<String> groups,
      List<String> roles,
      String description,
      OffsetDateTime expiresAt) {

    Principal toPrincipal() {
      if (principal == null) {
        return null;
      }
      Subject subject =
          Subject.parse(principal)
              .filter(s -> s.kind() == Subject.Kind.USER || s.kind() == Subject.Kind.CLIENT)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "principal must be user:<name> or client:<name>, not " + principal));
      return new Principal(
          subject.name(),
          subject.kind() == Subject.Kind.USER ? Principal.Kind.USER : Principal.Kind.CLIENT,
          groups == null ? java.util.Set.of() : java.util.Set.copyOf(groups),
          roles == null ? java.util.Set.of() : java.util.Set.copyOf(roles));
    }
  }

  public record AuditEvent(
      long id,
      OffsetDateTime time,
      String principal,
      String action,
      String resource,
      String decision,
      String rule,
      String requestId,
      String clientAddress,
      String credential,
      Integer policyVersion,
      int attempts) {}

  public record AuditPage(List<AuditEvent> events, String nextPageToken) {}

  private static AuditEvent view(AuditEventEntity row) {
    return new AuditEvent(
        row.id,
        row.occurredAt,
        row.principal,
        row.action,
        row.resource,
        row.allowed ? "allow" : "deny",
        row.rule,
        row.requestId,
        row.clientAddress,
        row.credential,
        row.policyVersion,
        row.attempts);
  }

  private static OffsetDateTime time(String name, String text) {
    if (text == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          name + " must be an ISO-8601 time with offset, e.g. 2026-11-21T10:00:00Z: " + text);
    }
  }
}
