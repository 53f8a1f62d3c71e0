package dev.sluice.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A single-node Trino (coordinator and worker in one JVM) on loopback, with an Iceberg catalog
 * {@value #CATALOG} that reads and writes through an Iceberg REST catalog and an S3 API.
 *
 * <p>The server comes from the {@code io.trino:trino-server} distribution ({@link
 * TrinoDistribution}) and loads only the plugins in {@link #PLUGINS} (and those its {@link
 * TrinoEtc} needs). It runs on a JDK 24 or newer ({@link Components#modernJavaHome()}) with {@code
 * -Xmx2G}; its configuration, data and log ({@code trino.log}) live in the given working folder.
 * Readiness is {@code GET /v1/info} answering {@code "starting":false}. {@link #close()} stops it
 * by process id.
 *
 * <pre>{@code
 * try (TrinoServer trino =
 *         TrinoServer.start(workDir, sluice.baseUri(), "sluice", sluice.adminToken(), s3);
 *     Connection c = DriverManager.getConnection(trino.jdbcUrl(), TrinoServer.USER, null)) {
 *   c.createStatement().execute("CREATE SCHEMA sales");
 * }
 * }</pre>
 */
public final class TrinoServer implements AutoCloseable {
  /**
   * The name of the Iceberg catalog {@link #start(Path, String, String, String, S3ProxyServer)}
   * sets up.
   */
  public static final String CATALOG = "sluice";

  /** A user name for JDBC connections (Trino needs one; nothing authenticates it here). */
  public static final String USER = "sluice-it";

  /** The plugins of the distribution the server loads. */
  public static final List<String> PLUGINS = List.of("iceberg", "opa");

  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(240);
  private static final Pattern STARTED = Pattern.compile("\"starting\"\\s*:\\s*false");
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final ManagedProcess process;
  private final int port;

  private TrinoServer(ManagedProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  /**
   * Starts Trino with one Iceberg catalog {@value #CATALOG} on the Iceberg REST catalog at {@code
   * catalogUri} (e.g. {@code http://127.0.0.1:8181}) and the given warehouse name, sending {@code
   * token} as bearer token (e.g. {@link SluiceServer#adminToken()}), reading and writing table
   * files through S3Proxy.
   */
  public static TrinoServer start(
      Path workDir, String catalogUri, String warehouse, String token, S3ProxyServer s3)
      throws IOException {
    Map<String, String> catalog = icebergRestCatalog(catalogUri, warehouse, token);
    catalog.putAll(onS3(s3));
    return start(workDir, Map.of(CATALOG, catalog), Map.of());
  }

  /**
   * Properties of an Iceberg catalog backed by an Iceberg REST catalog, without authentication: add
   * security properties (see {@link #icebergRestCatalog(String, String, String)}).
   */
  public static Map<String, String> icebergRestCatalog(String catalogUri, String warehouse) {
    Map<String, String> catalog = new LinkedHashMap<>();
    catalog.put("connector.name", "iceberg");
    catalog.put("iceberg.catalog.type", "rest");
    catalog.put("iceberg.rest-catalog.uri", catalogUri);
    catalog.put("iceberg.rest-catalog.warehouse", warehouse);
    return catalog;
  }

  /**
   * Properties of an Iceberg catalog backed by an Iceberg REST catalog that sends a static bearer
   * token on every request: Trino's OAUTH2 security with a token and no credential fetches nothing
   * from an OAuth2 server.
   */
  public static Map<String, String> icebergRestCatalog(
      String catalogUri, String warehouse, String token) {
    Map<String, String> catalog = icebergRestCatalog(catalogUri, warehouse);
    catalog.put("iceberg.rest-catalog.security", "OAUTH2");
    catalog.put("iceberg.rest-catalog.oauth2.token", token);
    return catalog;
  }

  /**
   * Security properties of an Iceberg REST catalog that authenticates as an OAuth2 client: Trino
   * runs the client-credentials grant against {@code tokenEndpoint} itself (e.g. Keycloak's), so
   * the catalog server sees that client, not a token someone else obtained. Add them to {@link
   * #icebergRestCatalog(String, String)}.
   */
  public static Map<String, String> oauth2ClientCredentials(
      String tokenEndpoint, String clientId, String clientSecret, String scope) {
    Map<String, String> catalog = new LinkedHashMap<>();
    catalog.put("iceberg.rest-catalog.security", "OAUTH2");
    catalog.put("iceberg.rest-catalog.oauth2.server-uri", tokenEndpoint);
    catalog.put("iceberg.rest-catalog.oauth2.credential", clientId + ":" + clientSecret);
    catalog.put("iceberg.rest-catalog.oauth2.scope", scope);
    return catalog;
  }

  /** Catalog properties for Trino's native S3 file system on S3Proxy (path-style, SigV4). */
  public static Map<String, String> onS3(S3ProxyServer s3) {
    return onS3(
        s3.endpoint(), S3ProxyServer.REGION, S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY);
  }

  /** Catalog properties for Trino's native S3 file system on any path-style S3 API. */
  public static Map<String, String> onS3(
      String endpoint, String region, String accessKey, String secretKey) {
    Map<String, String> catalog = new LinkedHashMap<>();
    catalog.put("fs.native-s3.enabled", "true");
    catalog.put("s3.endpoint", endpoint);
    catalog.put("s3.region", region);
    catalog.put("s3.path-style-access", "true");
    catalog.put("s3.aws-access-key", accessKey);
    catalog.put("s3.aws-secret-key", secretKey);
    return catalog;
  }

  /**
   * Starts Trino with the given catalogs (name → properties of {@code
   * etc/catalog/<name>.properties}) and extra server properties ({@code config.properties}, e.g. an
   * access-control set-up).
   */
  public static TrinoServer start(
      Path workDir, Map<String, Map<String, String>> catalogs, Map<String, String> serverConfig)
      throws IOException {
    return start(workDir, catalogs, serverConfig, new TrinoEtc());
  }

  /**
   * Like {@link #start(Path, Map, Map)}, with more of {@code etc/}: an access control, a group
   * provider, log levels (see {@link TrinoEtc}).
   */
  public static TrinoServer start(
      Path workDir,
      Map<String, Map<String, String>> catalogs,
      Map<String, String> serverConfig,
      TrinoEtc extra)
      throws IOException {
    Path home = TrinoDistribution.home();
    Path javaHome = Components.modernJavaHome();
    Files.createDirectories(workDir);
    Path etc = Files.createDirectories(workDir.resolve("etc"));
    Path catalogDir = Files.createDirectories(etc.resolve("catalog"));
    Path dataDir = Files.createDirectories(workDir.resolve("data"));
    // only the plugins in use are loaded: a faster start than the distribution's 50-odd
    Path pluginDir = WorkDirs.fresh(workDir.resolve("plugin"));
    Set<String> plugins = new LinkedHashSet<>(PLUGINS);
    plugins.addAll(extra.plugins());
    for (String plugin : plugins) {
      Files.createSymbolicLink(pluginDir.resolve(plugin), home.resolve("plugin").resolve(plugin));
    }
    // a caller that must hand Trino's address to another server before Trino starts picks it
    int port =
        serverConfig.containsKey("http-server.http.port")
            ? Integer.parseInt(serverConfig.get("http-server.http.port"))
            : Ports.free();

    Map<String, String> config = new LinkedHashMap<>();
    config.put("node.environment", "sluice_it");
    config.put("node.bind-ip", "127.0.0.1");
    config.put("node.internal-address", "127.0.0.1");
    config.put("coordinator", "true");
    config.put("node-scheduler.include-coordinator", "true");
    config.put("http-server.http.port", String.valueOf(port));
    config.put("discovery.uri", "http://127.0.0.1:" + port);
    config.put("plugin.dir", pluginDir.toString());
    config.put("catalog.config-dir", catalogDir.toString());
    config.put("query.max-memory", "1GB");
    config.put("query.max-memory-per-node", "1GB");
    // a small machine: fewer threads and writers than Trino's server defaults
    config.put("task.concurrency", "2");
    config.put("task.max-writer-count", "2");
    config.put("http-server.log.enabled", "false");
    // all of the server log goes to trino.log (the process output)
    config.put("log.enable-console", "true");
    config.putAll(serverConfig);
    writeProperties(etc.resolve("config.properties"), config);
    Map<String, String> logLevels =
        extra.writeTo(
            etc, Map.of("io.trino", "INFO", "io.airlift", "WARN", "org.eclipse.jetty", "WARN"));
    writeProperties(etc.resolve("log.properties"), logLevels);
    // Trino looks for etc/access-control.properties and etc/group-provider.properties in its
    // working directory, as the launcher arranges it: the same link to etc/ in the data folder
    Path etcLink = dataDir.resolve("etc");
    if (!Files.exists(etcLink, LinkOption.NOFOLLOW_LINKS)) {
      Files.createSymbolicLink(etcLink, etc.toAbsolutePath());
    }
    for (Map.Entry<String, Map<String, String>> catalog : catalogs.entrySet()) {
      writeProperties(catalogDir.resolve(catalog.getKey() + ".properties"), catalog.getValue());
    }

    List<String> command = new ArrayList<>();
    command.add(javaHome.resolve("bin").resolve("java").toString());
    command.addAll(
        List.of(
            "-Xmx2G",
            "-XX:+UseG1GC",
            "-XX:+ExplicitGCInvokesConcurrent",
            "-XX:+ExitOnOutOfMemoryError",
            "-XX:-OmitStackTraceInFastThrow",
            "-XX:ReservedCodeCacheSize=256M",
            "-XX:PerMethodRecompilationCutoff=10000",
            "-XX:PerBytecodeRecompilationCutoff=10000",
            "-XX:+EnableDynamicAgentLoading",
            "--enable-native-access=ALL-UNNAMED",
            "-XX:+UnlockDiagnosticVMOptions",
            "-XX:G1NumCollectionsKeepPinned=10000000",
            "-Djdk.attach.allowAttachSelf=true",
            "-Djdk.nio.maxCachedBufferSize=2000000",
            "-Dfile.encoding=UTF-8",
            "-Djava.io.tmpdir=" + Files.createDirectories(workDir.resolve("tmp")),
            "-Dconfig=" + etc.resolve("config.properties"),
            "-Dlog.levels-file=" + etc.resolve("log.properties"),
            "-cp",
            home.resolve("lib") + "/*",
            "io.trino.server.TrinoServer"));
    ManagedProcess process =
        ManagedProcess.start(
            "Trino",
            command,
            Map.of("JAVA_HOME", javaHome.toString()),
            dataDir,
            workDir.resolve("trino.log"));
    TrinoServer server = new TrinoServer(process, port);
    try {
      Waits.until("Trino", STARTUP_TIMEOUT, server::started, process);
    } catch (RuntimeException e) {
      process.close();
      throw e;
    }
    Progress.say("Trino ready at %s", server.baseUri());
    return server;
  }

  private boolean started() {
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(baseUri() + "/v1/info"))
                  .timeout(Duration.ofSeconds(5))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 && STARTED.matcher(response.body()).find();
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static void writeProperties(Path file, Map<String, String> properties) throws IOException {
    StringBuilder text = new StringBuilder();
    properties.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
    Files.writeString(file, text);
  }

  /** {@code http://127.0.0.1:<port>}: Trino's HTTP API. */
  public String baseUri() {
    return "http://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** A trino-jdbc URL whose default catalog is {@value #CATALOG}. */
  public String jdbcUrl() {
    return jdbcUrl(CATALOG);
  }

  /** A trino-jdbc URL whose default catalog is the given one. */
  public String jdbcUrl(String catalog) {
    return "jdbc:trino://127.0.0.1:" + port + "/" + catalog;
  }

  public ManagedProcess process() {
    return process;
  }

  @Override
  public void close() {
    process.close();
  }
}
