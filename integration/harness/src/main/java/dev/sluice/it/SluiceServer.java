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
 */
public final class SluiceServer implements AutoCloseable {
  private final ManagedProcess process;
  private final int port;

  private SluiceServer(ManagedProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Settings for Sluice on the given PostgreSQL database. */
  public static Map<String, String> onPostgres(PostgresServer postgres, String database) {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("quarkus.profile", "postgresql");
    config.put("quarkus.datasource.\"postgresql\".jdbc.url", postgres.jdbcUrl(database));
    config.put("quarkus.datasource.\"postgresql\".username", "postgres");
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
    Path jar = Path.of(Components.required("sluice.it.server.jar"));
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
    config.forEach((key, value) -> command.add("-D" + key + "=" + value));
    command.add("-jar");
    command.add(jar.toString());
    ManagedProcess process =
        ManagedProcess.start("Sluice", command, Map.of(), workDir, workDir.resolve("sluice.log"));
    SluiceServer server = new SluiceServer(process, port);
    Waits.until(
        "Sluice",
        Duration.ofSeconds(90),
        () -> Waits.httpStatus(server.baseUri() + "/q/health/ready", 200),
        process);
    Progress.say("Sluice ready at %s", server.baseUri());
    return server;
  }

  public String baseUri() {
    return "http://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public ManagedProcess process() {
    return process;
  }

  @Override
  public void close() {
    process.close();
  }
}
