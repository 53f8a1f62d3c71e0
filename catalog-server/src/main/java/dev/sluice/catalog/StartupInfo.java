package dev.sluice.catalog;

import dev.sluice.catalog.catalog.IcebergCatalogService;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** Tells whoever started the server how to point engines at it. */
@ApplicationScoped
public class StartupInfo {
  private static final Logger LOG = Logger.getLogger(StartupInfo.class);

  void onStart(
      @Observes StartupEvent event,
      IcebergCatalogService catalog,
      @ConfigProperty(name = "quarkus.http.host") String host,
      @ConfigProperty(name = "quarkus.http.port") int port) {
    String uri = "http://" + host + ":" + port;
    String warehouse = catalog.catalog().locations().warehouse().display();
    String name = catalog.catalog().name();
    LOG.infof(
        """
        Sluice serves the Iceberg REST catalog at %1$s (warehouse '%2$s' at %3$s)
          Spark:  --conf spark.sql.catalog.%2$s=org.apache.iceberg.spark.SparkCatalog \\
                  --conf spark.sql.catalog.%2$s.type=rest \\
                  --conf spark.sql.catalog.%2$s.uri=%1$s \\
                  --conf spark.sql.catalog.%2$s.token=<API token>
          Trino:  connector.name=iceberg
                  iceberg.catalog.type=rest
                  iceberg.rest-catalog.uri=%1$s
                  iceberg.rest-catalog.warehouse=%2$s
                  iceberg.rest-catalog.security=OAUTH2
                  iceberg.rest-catalog.oauth2.token=<API token>
          (or OAuth2 client credentials from the OIDC provider; see the README)
          Health: %1$s/q/health   Metrics: %1$s/q/metrics   OpenAPI: %1$s/q/openapi""",
        uri, name, warehouse);
  }
}
