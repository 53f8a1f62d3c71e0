package dev.sluice.it.governance;

import dev.sluice.it.KeycloakServer;
import dev.sluice.it.S3ProxyServer;
import dev.sluice.it.TrinoServer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Iceberg catalog settings for an engine that acts as one client of the lakehouse realm. The engine
 * fetches its own token from Keycloak by client credentials (secret {@code <client>-secret}, scope
 * {@value KeycloakServer#CATALOG_SCOPE}); nothing hands it a token, so Sluice sees exactly {@code
 * client:<client>}. Table files go through S3Proxy's static keys, as the policy governs the
 * catalog, not the object store.
 */
final class ClientCatalogs {
  private static final String ACCESS_DELEGATION = "X-Iceberg-Access-Delegation";

  /** The server's default warehouse name ({@code sluice.warehouse.name}). */
  static final String WAREHOUSE_NAME = "sluice";

  private ClientCatalogs() {}

  /** Properties of a Trino Iceberg catalog ({@code etc/catalog/<name>.properties}). */
  static Map<String, String> trino(GovernedLakehouse lake, String client) {
    Map<String, String> catalog = TrinoServer.icebergRestCatalog(lake.catalogUri(), WAREHOUSE_NAME);
    catalog.putAll(
        TrinoServer.oauth2ClientCredentials(
            lake.keycloak().tokenEndpoint(),
            client,
            client + "-secret",
            KeycloakServer.CATALOG_SCOPE));
    catalog.putAll(TrinoServer.onS3(lake.s3()));
    return catalog;
  }

  /** Spark settings ({@code spark.sql.catalog.<name>.*}) of an Iceberg REST catalog. */
  static Map<String, String> spark(GovernedLakehouse lake, String name, String client) {
    String prefix = "spark.sql.catalog." + name;
    Map<String, String> config = sparkClientCredentials(lake, name, client);
    config.put(prefix + ".s3.endpoint", lake.s3().endpoint());
    config.put(prefix + ".s3.path-style-access", "true");
    config.put(prefix + ".s3.access-key-id", S3ProxyServer.ACCESS_KEY);
    config.put(prefix + ".s3.secret-access-key", S3ProxyServer.SECRET_KEY);
    config.put(prefix + ".client.region", S3ProxyServer.REGION);
    return config;
  }

  /** Like {@link #sparkSigned}, authenticating as a realm client by client credentials. */
  static Map<String, String> sparkSignedClient(GovernedLakehouse lake, String name, String client) {
    Map<String, String> config = sparkClientCredentials(lake, name, client);
    config.put("spark.sql.catalog." + name + ".header." + ACCESS_DELEGATION, "remote-signing");
    return config;
  }

  /**
   * Spark settings of a catalog that holds no S3 keys at all: it asks for remote signing, so every
   * S3 request it makes is signed by Sluice, and authenticates with {@code token} (an API token).
   */
  static Map<String, String> sparkSigned(GovernedLakehouse lake, String name, String token) {
    String prefix = "spark.sql.catalog." + name;
    Map<String, String> config = sparkCatalog(lake, name);
    config.put(prefix + ".rest.auth.type", "oauth2");
    config.put(prefix + ".token", token);
    config.put(prefix + ".header." + ACCESS_DELEGATION, "remote-signing");
    return config;
  }

  private static Map<String, String> sparkClientCredentials(
      GovernedLakehouse lake, String name, String client) {
    String prefix = "spark.sql.catalog." + name;
    Map<String, String> config = sparkCatalog(lake, name);
    // explicit, so that the client does not infer the type from "credential" with a warning
    config.put(prefix + ".rest.auth.type", "oauth2");
    config.put(prefix + ".oauth2-server-uri", lake.keycloak().tokenEndpoint());
    config.put(prefix + ".credential", client + ":" + client + "-secret");
    config.put(prefix + ".scope", KeycloakServer.CATALOG_SCOPE);
    return config;
  }

  /** The REST catalog itself, without authentication or storage settings. */
  private static Map<String, String> sparkCatalog(GovernedLakehouse lake, String name) {
    String prefix = "spark.sql.catalog." + name;
    Map<String, String> config = new LinkedHashMap<>();
    config.put(prefix, "org.apache.iceberg.spark.SparkCatalog");
    config.put(prefix + ".type", "rest");
    config.put(prefix + ".uri", lake.catalogUri());
    config.put(prefix + ".warehouse", WAREHOUSE_NAME);
    // every statement asks the catalog, so each one leaves its own decision in the audit trail
    config.put(prefix + ".cache-enabled", "false");
    config.put(prefix + ".io-impl", "org.apache.iceberg.aws.s3.S3FileIO");
    return config;
  }
}
