package dev.sluice.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * An S3 API on loopback: S3Proxy with its file-system backend, SigV4 authentication and path-style
 * addressing, in its own JVM (it bundles AWS SDK classes that must not meet others).
 */
public final class S3ProxyServer implements AutoCloseable {
  public static final String ACCESS_KEY = "sluice-access";
  public static final String SECRET_KEY = "sluice-secret-key";
  public static final String REGION = "us-east-1";

  private final Path workDir;
  private final int port;
  private final Path dataDir;
  private ManagedProcess process;

  private S3ProxyServer(Path workDir, int port, Path dataDir) {
    this.workDir = workDir;
    this.port = port;
    this.dataDir = dataDir;
  }

  /**
   * Starts S3Proxy from its jar ({@code sluice.it.s3proxy.jar}, put there by the build) with the
   * given buckets already created.
   */
  private static final java.util.Set<java.nio.file.attribute.PosixFilePermission>
      OWNER_ONLY_PERMISSIONS = java.nio.file.attribute.PosixFilePermissions.fromString("rwx------");

  private static final java.nio.file.attribute.FileAttribute<?> OWNER_ONLY =
      java.nio.file.attribute.PosixFilePermissions.asFileAttribute(OWNER_ONLY_PERMISSIONS);

  public static S3ProxyServer start(Path workDir, List<String> buckets) throws IOException {
    Path dataDir = workDir.resolve("s3-data");
    // jclouds' file store reads "others may read" on a bucket's directory or an object's file as
    // public-read, which S3Proxy then serves without a signature: keep everything owner-only
    Files.createDirectories(dataDir, OWNER_ONLY);
    Files.setPosixFilePermissions(dataDir, OWNER_ONLY_PERMISSIONS);
    for (String bucket : buckets) {
      Files.createDirectories(dataDir.resolve(bucket), OWNER_ONLY);
      Files.setPosixFilePermissions(dataDir.resolve(bucket), OWNER_ONLY_PERMISSIONS);
    }
    int port = Ports.free();
    Path properties = workDir.resolve("s3proxy.properties");
    Files.writeString(
        properties,
        String.join(
            "\n",
            "s3proxy.endpoint=http://127.0.0.1:" + port,
            "s3proxy.authorization=aws-v2-or-v4",
            // Trino's S3 client asks for x-amz-optional-object-attributes on every listing
            "s3proxy.ignore-unknown-headers=true",
            "s3proxy.identity=" + ACCESS_KEY,
            "s3proxy.credential=" + SECRET_KEY,
            "jclouds.provider=filesystem-nio2",
            "jclouds.filesystem.basedir=" + dataDir,
            "jclouds.identity=" + ACCESS_KEY,
            "jclouds.credential=" + SECRET_KEY,
            ""));
    S3ProxyServer server = new S3ProxyServer(workDir, port, dataDir);
    server.launch();
    for (String bucket : buckets) {
      if (!Waits.httpStatus(server.endpoint() + "/" + bucket + "/", 403)) {
        server.close();
        throw new IllegalStateException("S3Proxy serves bucket " + bucket + " without a signature");
      }
    }
    Progress.say("S3Proxy serving %s on %s", buckets, server.endpoint());
    return server;
  }

  private void launch() throws IOException {
    Path jar = Path.of(Components.required("sluice.it.s3proxy.jar"));
    process =
        ManagedProcess.start(
            "S3Proxy",
            // umask 077: the objects S3Proxy writes are owner-only files, so private objects
            List.of(
                "/bin/sh",
                "-c",
                "umask 077 && exec \"$0\" -Xmx512m -jar \"$1\" --properties \"$2\"",
                Components.java17(),
                jar.toString(),
                workDir.resolve("s3proxy.properties").toString()),
            Map.of(),
            workDir,
            workDir.resolve("s3proxy.log"));
    // an unauthenticated request is refused (403) once the server is up
    Waits.until(
        "S3Proxy", Duration.ofSeconds(60), () -> Waits.httpStatus(endpoint() + "/", 403), process);
  }

  /** Stops the server as an outage would (its process is killed); objects stay on disk. */
  public void stop() throws InterruptedException {
    process.kill();
    Progress.say("S3Proxy on %s stopped", endpoint());
  }

  /** Starts the server again on the same port and objects after {@link #stop}. */
  public void startAgain() throws IOException {
    launch();
    Progress.say("S3Proxy serving on %s again", endpoint());
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Local files that hold the objects under {@code s3://bucket/prefix}. */
  public Path objectsOf(String bucket, String prefix) {
    return dataDir.resolve(bucket).resolve(prefix);
  }

  @Override
  public void close() {
    process.close();
  }
}
