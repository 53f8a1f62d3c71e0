package dev.sluice.catalog.asof;

import io.quarkus.security.Authenticated;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * A table as it was at a time: {@code GET /api/v1/datasets/{ns.table}/as-of?time=<ISO-8601
 * instant>}. The class names the whole path, so it takes nothing from other resources under {@code
 * /api/v1}.
 */
@Authenticated
@Path("/api/v1/datasets/{dataset}/as-of")
@Produces(MediaType.APPLICATION_JSON)
public class AsOfResource {
  @Inject AsOfService asOf;

  @GET
  public AsOfViews.TableAsOf table(
      @PathParam("dataset") String dataset, @QueryParam("time") String time) {
    return asOf.table(dataset, time);
  }
}
