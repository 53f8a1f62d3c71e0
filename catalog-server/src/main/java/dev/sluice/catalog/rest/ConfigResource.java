package dev.sluice.catalog.rest;

import dev.sluice.catalog.catalog.IcebergCatalogService;
import dev.sluice.catalog.idempotency.IdempotencyConfig;
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
  @Inject IdempotencyConfig idempotency;

  @GET
  public ConfigResponse config(@QueryParam("warehouse") String warehouse) {
    ConfigResponse config = catalog.config(warehouse);
    return ConfigResponse.builder()
        .withDefaults(config.defaults())
        .withOverrides(config.overrides())
        .withEndpoints(config.endpoints())
        .withIdempotencyKeyLifetime(idempotency.lifetime().toString())
        .build();
  }
}
