package dev.sluice.catalog.asof;

import io.quarkus.security.Authenticated;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * A lineage run's inputs as they were when it ran: {@code GET /api/v1/lineage/runs/{runId}/as-of},
 * next to the run itself, and found as the run is. The class names the whole path, so the lineage
 * resource keeps every other path under {@code /api/v1/lineage}.
 */
@Authenticated
@Path("/api/v1/lineage/runs/{runId}/as-of")
@Produces(MediaType.APPLICATION_JSON)
public class RunAsOfResource {
  @Inject AsOfService asOf;

  @GET
  public AsOfViews.RunAsOf run(@PathParam("runId") String runId) {
    return asOf.run(runId);
  }
}
