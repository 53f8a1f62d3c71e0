package dev.sluice.catalog.rest;

import dev.sluice.catalog.signing.RemoteSigningService;
import io.quarkus.security.Authenticated;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.Encoded;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.apache.iceberg.rest.requests.RemoteSignRequest;

/**
 * S3 remote signing: the per-table endpoint of the Iceberg REST protocol, and the older {@code
 * /v1/aws/s3/sign} that clients call when the table config names no endpoint.
 */
@Authenticated
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class RemoteSignResource {
  @Inject RemoteSigningService signing;

  @POST
  @Path("/namespaces/{namespace}/tables/{table}/sign")
  public Response sign(
      @Encoded @PathParam("namespace") String namespace,
      @Encoded @PathParam("table") String table,
      RemoteSignRequest request) {
    return signed(signing.sign(PathNames.identifier(namespace, table), request));
  }

  @POST
  @Path("/aws/s3/sign")
  public Response signByLocation(RemoteSignRequest request) {
    return signed(signing.signByLocation(request));
  }

  /**
   * {@code private}: the client (Iceberg keeps signatures 30 s by method and URI) may reuse a
   * read's signature for the other reads of that object, nothing in between may; a write's never.
   */
  private static Response signed(RemoteSigningService.Signature signature) {
    return Response.ok(signature.response())
        .header("Cache-Control", signature.reusable() ? "private" : "no-store")
        .build();
  }
}
