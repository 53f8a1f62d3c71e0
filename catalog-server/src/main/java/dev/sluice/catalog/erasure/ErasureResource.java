package dev.sluice.catalog.erasure;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.catalog.json.ServerJson;
import dev.sluice.catalog.persistence.ErasureEntity;
import dev.sluice.catalog.persistence.ErasureStore;
import dev.sluice.catalog.security.CatalogAuthorizer;
import io.quarkus.security.Authenticated;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.OffsetDateTime;
import org.apache.iceberg.exceptions.NotFoundException;

/** Erasure of a data subject: ask for one, follow it to its receipt. Admin only. */
@Authenticated
@Path("/api/v1/erasures")
@Produces(MediaType.APPLICATION_JSON)
public class ErasureResource {

  @Inject CatalogAuthorizer authorizer;
  @Inject ErasureRequests requests;
  @Inject ErasureStore erasures;

  /** What someone asks for; the subject is never stored or echoed. */
  public record ErasureRequest(String subject, String reason, String requestId) {}

  /** An erasure as shown: the receipt only once verified. */
  public record ErasureView(
      String id,
      String requestId,
      String state,
      String subjectHash,
      String reason,
      String jobId,
      String failure,
      JsonNode receipt,
      String receiptSha256,
      String createdBy,
      OffsetDateTime createdAt,
      OffsetDateTime updatedAt) {
    static ErasureView of(ErasureEntity erasure) {
      boolean verified = erasure.state == ErasureEntity.State.VERIFIED;
      return new ErasureView(
          erasure.id,
          erasure.requestId,
          erasure.state.name(),
          erasure.subjectHash,
          erasure.reason,
          erasure.jobId,
          erasure.failure,
          verified && erasure.receipt != null
              ? ServerJson.read(erasure.receipt, JsonNode.class)
              : null,
          verified ? erasure.receiptSha256 : null,
          erasure.createdBy,
          erasure.createdAt,
          erasure.updatedAt);
    }
  }

  /** 202 with a new erasure; 200 with the earlier one when the request id was seen before. */
  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response create(ErasureRequest request) {
    String requestId = request == null ? null : request.requestId();
    authorizer.requireAdmin(
        "admin.erasures.create", "erasure request " + (requestId == null ? "-" : requestId));
    ErasureRequests.Accepted accepted =
        requests.request(
            request == null ? null : request.subject(),
            request == null ? null : request.reason(),
            requestId,
            authorizer.principal().self().toString());
    ErasureView view = ErasureView.of(accepted.erasure());
    return (accepted.created() ? Response.accepted(view) : Response.ok(view)).build();
  }

  @GET
  @Path("/{id}")
  public ErasureView get(@PathParam("id") String id) {
    authorizer.requireAdmin("admin.erasures.get", "erasure " + id);
    return erasures
        .find(id)
        .map(ErasureView::of)
        .orElseThrow(() -> new NotFoundException("Erasure does not exist: %s", id));
  }
}
