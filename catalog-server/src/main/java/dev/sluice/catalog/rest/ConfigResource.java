package dev.sluice.catalog.rest;

import dev.sluice.catalog.catalog.IcebergCatalogService;
import io.quarkus.security.Authenticated;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.apache.iceberg.rest.responses.ConfigResponse;

/** {@code GET /v1/config}: catalog defaults, overrides and the endpoints this server supports. */
@Authenticated
@Path("/v1/config")
@Produces(MediaType.APPLICATION_JSON)
public class ConfigResource {
  @Inject IcebergCatalogService catalog;

  @GET
  public ConfigResponse config(@QueryParam("warehouse") String warehouse) {
    return catalog.config(warehouse);
  }
}
