package dev.sluice.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The packaged server ({@code quarkus-run.jar}) in its own JVM, configured by system properties.
 *
 * <p>It always starts with a bootstrap admin token ({@link #adminToken()}, {@value #ADMIN_TOKEN}
 * unless the config sets {@value #BOOTSTRAP_ADMIN_TOKEN}): {@code /v1/**} and {@code /api/**}
 * answer 401 without a bearer token, and this one may do everything.
 */
public final class SluiceServer implements AutoCloseable {
  /** Config property: the secret of the admin token the server creates on an empty token table. */
  public static final String BOOTSTRAP_ADMIN_TOKEN = "sluice.auth.bootstrap-admin-token";

  /**
   * The default bootstrap admin token: principal {@code user:sluice:bootstrap-admin}, role {@code
   * sluice-admin}.
   */
  public static final String ADMIN_TOKEN = "sluice_it_admin_0123456789abcdefghijklmnop";

  private final ManagedProcess process;
  private final int port;
  private final String adminToken;

  private SluiceServer(ManagedProcess process, int port, String adminToken) {
    this.process = process;
    this.port = port;
    this.adminToken = adminToken;
  }

  /**
   * Settings for Sluice on the given PostgreSQL database (made by {@link
   * PostgresServer#createDatabase}) as production runs it: migrations as the owner role, the server
   * as the app role, which may not change or delete audit rows.
   */
  public static Map<String, String> onPostgres(PostgresServer postgres, String database) {
    Map<String, String> config = onPostgresAsOwner(postgres, database);
    config.put("quarkus.datasource.\"postgresql\".username", PostgresServer.APP_ROLE);
    config.put("quarkus.flyway.\"postgresql\".username", PostgresServer.OWNER_ROLE);
    // Quarkus takes separate migration credentials only with a password; trust auth ignores it
    config.put("quarkus.flyway.\"postgresql\".password", "owner");
    return config;
  }

  /**
   * Settings for a server that migrates and runs as the database's owner: one role, as builds
   * without the app-role grants need.
   */
  public static Map<String, String> onPostgresAsOwner(PostgresServer postgres, String database) {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("quarkus.profile", "postgresql");
    config.put("quarkus.datasource.\"postgresql\".jdbc.url", postgres.jdbcUrl(database));
    config.put("quarkus.datasource.\"postgresql\".username", PostgresServer.OWNER_ROLE);
    return config;
  }

  /** Settings for an {@code s3://} warehouse on the given S3 API. */
  public static Map<String, String> onS3(S3ProxyServer s3, String warehouse) {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("sluice.warehouse.location", warehouse);
    config.put("sluice.s3.endpoint", s3.endpoint());
    config.put("sluice.s3.region", S3ProxyServer.REGION);
    config.put("sluice.s3.access-key-id", S3ProxyServer.ACCESS_KEY);
    config.put("sluice.s3.secret-access-key", S3ProxyServer.SECRET_KEY);
    config.put("sluice.s3.path-style-access", "true");
    return config;
  }

  public static SluiceServer start(Path workDir, Map<String, String> config) throws IOException {
    return start(Path.of(Components.required("sluice.it.server.jar")), workDir, config);
  }

  /** Like {@link #start(Path, Map)}, from another build's {@code quarkus-run.jar}. */
  public static SluiceServer start(Path jar, Path workDir, Map<String, String> config)
      throws IOException {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: build catalog-server first");
    }
    Files.createDirectories(workDir);
    int port = Ports.free();
    List<String> command = new ArrayList<>();
    command.add(Components.java17());
    command.add("-Xmx1g");
    command.add("-Dquarkus.http.port=" + port);
    command.add("-Dquarkus.http.host=127.0.0.1");
    command.add("-Dsluice.data-dir=" + workDir.resolve("data"));
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put(BOOTSTRAP_ADMIN_TOKEN, ADMIN_TOKEN);
    // a scheduled retention sweep would rewrite tests' tables behind their backs a minute after
    // start; a test that wants sweeps queues them or sets the interval itself
    settings.put("sluice.retention.sweep-interval", "off");
    settings.putAll(config);
    settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
    command.add("-jar");
    command.add(jar.toString());
    ManagedProcess process =
        ManagedProcess.start("Sluice", command, Map.of(), workDir, workDir.resolve("sluice.log"));
    SluiceServer server = new SluiceServer(process, port, settings.get(BOOTSTRAP_ADMIN_TOKEN));
    try {
      Waits.until(
          "Sluice",
          Duration.ofSeconds(90),
          () -> Waits.httpStatus(server.baseUri() + "/q/health/ready", 200),
          process);
    } catch (RuntimeException e) {
      // a server that never got ready would outlive the caller, which holds no handle to it
      process.close();
      throw e;
    }
    Progress.say("Sluice ready at %s", server.baseUri());
    return server;
  }

  public String baseUri() {
    return "http://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /**
   * The admin token's secret. A restart on the same database keeps the token of the first start:
   * the server only bootstraps an empty token table.
   */
  public String adminToken() {
    return adminToken;
  }

  /** The {@code Authorization} header value for HTTP clients: {@code Bearer <admin token>}. */
  public String authorization() {
    return "Bearer " + adminToken;
  }

  /**
   * Iceberg REST client properties ({@code RESTCatalog}, or after {@code spark.sql.catalog.<name>.}
   * in Spark) that send the admin token as a bearer token.
   */
  public Map<String, String> icebergClientAuth() {
    Map<String, String> properties = new LinkedHashMap<>();
    // explicit, so that the client does not log that it infers the type from "token"
    properties.put("rest.auth.type", "oauth2");
    properties.put("token", adminToken);
    return properties;
  }

  public ManagedProcess process() {
    return process;
  }

  @Override
  public void close() {
    process.close();
  }
}
