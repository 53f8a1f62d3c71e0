package dev.sluice.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Keycloak in development mode on loopback with the {@value #REALM} realm of {@code
 * deploy/keycloak/lakehouse-realm.json} imported into a fresh database.
 *
 * <p>The server comes from the {@code org.keycloak:keycloak-quarkus-dist} zip the build resolved
 * (system property {@code sluice.it.keycloak.zip}), unpacked once into {@code
 * <sluice.it.cache.dir>/keycloak/} (default {@code ~/.cache/sluice}). The realm file is {@code
 * sluice.it.keycloak.realm}, by default found by walking up from the working directory.
 *
 * <p>Keycloak keeps its database, import folder and transaction logs under {@code
 * <kc.home.dir>/data}, so each run gets its own home in the working folder, with {@code lib},
 * {@code conf}, {@code providers} and {@code themes} linked to the cached copy. The link to {@code
 * lib} matters: Keycloak reads the build options it was last augmented with from {@code
 * <kc.home.dir>/lib/quarkus}, and a home without them re-augments on every start. The first start
 * in dev mode re-augments the cached copy (about 25 s); later starts reuse it as long as the build
 * options stay the same, which is why every start uses the same command line and why that first
 * start holds the cache lock until the server answers.
 *
 * <pre>{@code
 * try (KeycloakServer keycloak = KeycloakServer.start(workDir)) {
 *   String token = keycloak.clientToken("spark", "spark-secret");
 * }
 * }</pre>
 */
public final class KeycloakServer implements AutoCloseable {
  public static final String REALM = "lakehouse";

  /** The scope catalog clients ask for; it puts {@code sluice} into {@code aud}. */
  public static final String CATALOG_SCOPE = "catalog";

  /** The public client people use for the password grant. */
  public static final String CLI_CLIENT = "sluice-cli";

  private static final String UNPACKED = ".sluice-unpacked";
  private static final String AUGMENTED = ".sluice-dev-augmented";
  private static final String REALM_FILE = "deploy/keycloak/lakehouse-realm.json";
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(240);
  private static final Pattern ACCESS_TOKEN =
      Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final ManagedProcess process;
  private final int port;

  private KeycloakServer(ManagedProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts Keycloak with a per-run home in {@code workDir/keycloak}, logging to keycloak.log. */
  public static KeycloakServer start(Path workDir) throws IOException {
    Path zip = Path.of(Components.required("sluice.it.keycloak.zip"));
    if (!Files.isRegularFile(zip)) {
      throw new IllegalStateException("Keycloak distribution " + zip + " is missing");
    }
    Path realm = realmFile();
    Path root = cacheDir().resolve("keycloak");
    Files.createDirectories(root);
    String name = zip.getFileName().toString().replaceFirst("\\.zip$", "");
    Path dist;
    synchronized (KeycloakServer.class) {
      try (FileChannel lockFile =
              FileChannel.open(
                  root.resolve(name + ".lock"),
                  StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE);
          FileLock lock = lockFile.lock()) {
        dist = unpacked(zip, root.resolve(name));
        if (!Files.exists(dist.resolve(AUGMENTED))) {
          // the one-time re-augmentation writes into the shared lib/quarkus: never twice at once
          KeycloakServer server = launch(dist, workDir, realm);
          Files.writeString(dist.resolve(AUGMENTED), "start-dev\n");
          return server;
        }
      }
    }
    return launch(dist, workDir, realm);
  }

  private static KeycloakServer launch(Path dist, Path workDir, Path realm) throws IOException {
    Path home = WorkDirs.fresh(workDir.resolve("keycloak").toAbsolutePath());
    for (String shared : List.of("lib", "conf", "providers", "themes")) {
      Files.createSymbolicLink(home.resolve(shared), dist.resolve(shared));
    }
    Path imports = Files.createDirectories(home.resolve("data").resolve("import"));
    Files.copy(realm, imports.resolve(realm.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    Path tmp = Files.createDirectories(home.resolve("tmp"));
    int port = Ports.free();

    List<String> command =
        List.of(
            dist.resolve("bin").resolve("kc.sh").toString(),
            "start-dev",
            "--http-host=127.0.0.1",
            "--http-port=" + port,
            "--hostname=http://127.0.0.1:" + port,
            "--import-realm",
            // kc.sh sets kc.home.dir to the distribution first; the later definition wins
            "-Dkc.home.dir=" + home);
    Map<String, String> environment = new LinkedHashMap<>();
    environment.put("JAVA_HOME", Path.of(Components.java17()).getParent().getParent().toString());
    environment.put("JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx512m");
    environment.put("JAVA_OPTS_APPEND", "-Djava.io.tmpdir=" + tmp);
    long started = System.nanoTime();
    ManagedProcess process =
        ManagedProcess.start(
            "Keycloak", command, environment, home, workDir.resolve("keycloak.log"));
    KeycloakServer server = new KeycloakServer(process, port);
    try {
      Waits.until(
          "Keycloak",
          STARTUP_TIMEOUT,
          () -> Waits.httpStatus(server.issuer() + "/.well-known/openid-configuration", 200),
          process);
    } catch (RuntimeException e) {
      process.close();
      throw e;
    }
    Progress.say(
        "Keycloak ready at %s after %d s%s",
        server.issuer(),
        Duration.ofNanos(System.nanoTime() - started).toSeconds(),
        reaugmented(process) ? " (re-augmented its build first)" : "");
    return server;
  }

  private static boolean reaugmented(ManagedProcess process) {
    try (Stream<String> lines = Files.lines(process.log())) {
      return lines.anyMatch(line -> line.startsWith("Updating the configuration"));
    } catch (IOException e) {
      return false;
    }
  }

  /** {@code http://127.0.0.1:<port>/realms/lakehouse}: the {@code iss} of every token. */
  public String issuer() {
    return "http://127.0.0.1:" + port + "/realms/" + REALM;
  }

  public String tokenEndpoint() {
    return issuer() + "/protocol/openid-connect/token";
  }

  public int port() {
    return port;
  }

  /** An access token by client credentials with {@code scope=catalog}, as engines get one. */
  public String clientToken(String clientId, String secret) {
    return accessToken(
        Map.of(
            "grant_type", "client_credentials",
            "client_id", clientId,
            "client_secret", secret,
            "scope", CATALOG_SCOPE));
  }

  /** An access token by the password grant of {@value #CLI_CLIENT} with {@code scope=catalog}. */
  public String userToken(String username, String password) {
    return accessToken(
        Map.of(
            "grant_type", "password",
            "client_id", CLI_CLIENT,
            "username", username,
            "password", password,
            "scope", CATALOG_SCOPE));
  }

  /** POSTs the form to the token endpoint and returns the answer as it is, refusals included. */
  public HttpResponse<String> tokenResponse(Map<String, String> form) {
    String body =
        form.entrySet().stream()
            .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
            .collect(Collectors.joining("&"));
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(tokenEndpoint()))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException("token request to " + tokenEndpoint() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted requesting a token", e);
    }
  }

  private String accessToken(Map<String, String> form) {
    HttpResponse<String> response = tokenResponse(form);
    Matcher token = ACCESS_TOKEN.matcher(response.body());
    if (response.statusCode() != 200 || !token.find()) {
      throw new IllegalStateException(
          "Keycloak refused a "
              + form.get("grant_type")
              + " grant for "
              + form.get("client_id")
              + ": "
              + response.statusCode()
              + " "
              + response.body());
    }
    return token.group(1);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  public ManagedProcess process() {
    return process;
  }

  @Override
  public void close() {
    process.close();
  }

  private static Path realmFile() {
    String configured = System.getProperty("sluice.it.keycloak.realm");
    if (configured != null && !configured.isBlank()) {
      return existing(Path.of(configured));
    }
    // no property: the repository root is the nearest folder above that holds the realm file
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(REALM_FILE))) {
        return dir.resolve(REALM_FILE);
      }
    }
    throw new IllegalStateException(
        REALM_FILE
            + " not found above "
            + Path.of("").toAbsolutePath()
            + "; set -Dsluice.it.keycloak.realm");
  }

  private static Path existing(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("Keycloak realm file " + file + " is missing");
    }
    return file;
  }

  private static Path cacheDir() {
    String cache = System.getProperty("sluice.it.cache.dir");
    return (cache == null || cache.isBlank())
        ? Path.of(System.getProperty("user.home"), ".cache", "sluice")
        : Path.of(cache);
  }

  /**
   * The distribution unpacked into {@code target}; a copy counts once its marker (the zip's size)
   * is written, so a partial or stale copy is unpacked again. The caller holds the cache lock.
   */
  private static Path unpacked(Path zip, Path target) throws IOException {
    Path marker = target.resolve(UNPACKED);
    String stamp = String.valueOf(Files.size(zip));
    if (Files.isRegularFile(marker) && Files.readString(marker).trim().equals(stamp)) {
      return checked(target);
    }
    Progress.say("unpacking %s into %s (once)", zip.getFileName(), target.getParent());
    WorkDirs.deleteTree(target);
    Path staging = Files.createTempDirectory(target.getParent(), ".unpack-");
    try {
      unzip(zip, staging);
      List<Path> top;
      try (Stream<Path> entries = Files.list(staging)) {
        top = entries.toList();
      }
      if (top.size() != 1 || !Files.isDirectory(top.get(0))) {
        throw new IllegalStateException("unexpected layout of " + zip + ": " + top);
      }
      Files.move(top.get(0), target);
      Files.writeString(marker, stamp + "\n");
    } finally {
      WorkDirs.deleteTree(staging);
    }
    Progress.say("Keycloak unpacked in %s", target);
    return checked(target);
  }

  private static void unzip(Path zip, Path into) throws IOException {
    Path root = into.toAbsolutePath().normalize();
    List<Path> scripts = new ArrayList<>();
    try (ZipFile file = new ZipFile(zip.toFile())) {
      for (Enumeration<? extends ZipEntry> e = file.entries(); e.hasMoreElements(); ) {
        ZipEntry entry = e.nextElement();
        Path out = root.resolve(entry.getName()).normalize();
        if (!out.startsWith(root)) {
          throw new IllegalStateException("zip entry outside the target: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(out);
          continue;
        }
        Files.createDirectories(out.getParent());
        try (InputStream in = file.getInputStream(entry)) {
          Files.copy(in, out);
        }
        if (entry.getName().endsWith(".sh")) {
          scripts.add(out);
        }
      }
    }
    // java.util.zip drops the Unix modes the archive carries
    for (Path script : scripts) {
      script.toFile().setExecutable(true, false);
    }
  }

  private static Path checked(Path home) {
    if (!Files.isRegularFile(home.resolve("bin").resolve("kc.sh"))
        || !Files.isRegularFile(home.resolve("lib").resolve("quarkus-run.jar"))) {
      throw new IllegalStateException(
          "No Keycloak distribution at " + home + " (bin/kc.sh and lib/quarkus-run.jar expected)");
    }
    return home;
  }
}
