package dev.sluice.it.governance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.it.DecisionTls;
import dev.sluice.it.KeycloakServer;
import dev.sluice.it.Ports;
import dev.sluice.it.PostgresServer;
import dev.sluice.it.Progress;
import dev.sluice.it.S3ProxyServer;
import dev.sluice.it.SluiceServer;
import dev.sluice.it.WorkDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The governed lakehouse every test of this module shares: PostgreSQL, S3Proxy with bucket {@code
 * lake} (the example policy's zone roots), Keycloak with the lakehouse realm, and Sluice enforcing
 * the example policy from deploy/policies and accepting Keycloak's tokens. Sluice also listens on
 * HTTPS, where its Trino decision API answers only the coordinator's client certificate ({@link
 * DecisionTls}). Started once per test JVM (Keycloak alone takes 20–40 s) and stopped when the JVM
 * exits.
 */
public final class GovernedLakehouse {
  public static final String BUCKET = "lake";
  public static final String WAREHOUSE = "s3://" + BUCKET + "/warehouse/";

  /**
   * The Trino catalog names Sluice's decision API answers for ({@code sluice.trino.catalogs}): the
   * reading catalog and the writer catalog of {@link TrinoGovernanceIT}. Other names are denied.
   */
  public static final List<String> TRINO_CATALOGS = List.of("lake", "ingest");

  /**
   * Trino users that are engine clients ({@code sluice.trino.client-users}): the service accounts
   * {@link TrinoGovernanceIT} queries as.
   */
  public static final String TRINO_CLIENT_USERS =
      "service-account-training-pipeline=client:training-pipeline,"
          + "service-account-ingest=client:ingest";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static GovernedLakehouse instance;

  private final PostgresServer postgres;
  private final S3ProxyServer s3;
  private final KeycloakServer keycloak;
  private final SluiceServer sluice;
  private final DecisionTls decisionTls;
  private final int httpsPort;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Map<String, String> tokens = new ConcurrentHashMap<>();

  private GovernedLakehouse(
      PostgresServer postgres,
      S3ProxyServer s3,
      KeycloakServer keycloak,
      SluiceServer sluice,
      DecisionTls decisionTls,
      int httpsPort) {
    this.postgres = postgres;
    this.s3 = s3;
    this.keycloak = keycloak;
    this.sluice = sluice;
    this.decisionTls = decisionTls;
    this.httpsPort = httpsPort;
  }

  public static synchronized GovernedLakehouse get() throws Exception {
    if (instance != null) {
      return instance;
    }
    Path workDir =
        WorkDirs.fresh(
            Path.of(System.getProperty("sluice.it.workdir", "target/governance-it"))
                .resolve("lakehouse"));
    PostgresServer postgres = null;
    S3ProxyServer s3 = null;
    KeycloakServer keycloak = null;
    try {
      postgres = PostgresServer.start();
      postgres.createDatabase("sluice");
      s3 = S3ProxyServer.start(workDir.resolve("s3proxy"), List.of(BUCKET));
      keycloak = KeycloakServer.start(workDir.resolve("keycloak"));
      Map<String, String> config = SluiceServer.onPostgres(postgres, "sluice");
      config.putAll(SluiceServer.onS3(s3, WAREHOUSE));
      config.put("sluice.policy.directory", policies().toString());
      config.put("sluice.erasure.subject-key", "governance-tests-erasure-key");
      config.put("sluice.auth.oidc.issuer", keycloak.issuer());
      // must be set at start: the decision API reads them once
      config.put("sluice.trino.catalogs", String.join(",", TRINO_CATALOGS));
      config.put("sluice.trino.client-users", TRINO_CLIENT_USERS);
      DecisionTls decisionTls =
          DecisionTls.create(workDir.resolve("tls"), "Sluice governance tests");
      int httpsPort = Ports.free();
      config.putAll(decisionTls.sluiceConfig(httpsPort));
      SluiceServer sluice = SluiceServer.start(workDir.resolve("sluice"), config);
      instance = new GovernedLakehouse(postgres, s3, keycloak, sluice, decisionTls, httpsPort);
    } catch (Exception | Error e) {
      for (AutoCloseable started : new AutoCloseable[] {keycloak, s3, postgres}) {
        closeQuietly(started);
      }
      throw e;
    }
    GovernedLakehouse started = instance;
    Runtime.getRuntime().addShutdownHook(new Thread(started::close, "governed-lakehouse-stop"));
    Progress.say(
        "governed lakehouse ready: Sluice %s, Keycloak %s",
        started.catalogUri(), started.keycloak.issuer());
    return started;
  }

  public static Path policies() {
    return Path.of(System.getProperty("sluice.it.policies", "../../deploy/policies"))
        .toAbsolutePath()
        .normalize();
  }

  public KeycloakServer keycloak() {
    return keycloak;
  }

  public SluiceServer sluice() {
    return sluice;
  }

  public PostgresServer postgres() {
    return postgres;
  }

  public S3ProxyServer s3() {
    return s3;
  }

  public String catalogUri() {
    return sluice.baseUri();
  }

  /** {@code https://127.0.0.1:<port>}: Sluice's HTTPS port, where the decision API answers. */
  public String httpsUri() {
    return "https://127.0.0.1:" + httpsPort;
  }

  public DecisionTls decisionTls() {
    return decisionTls;
  }

  /** A client-credentials access token of a realm client (secret {@code <client>-secret}). */
  public String clientToken(String clientId) {
    return tokens.computeIfAbsent(
        "client:" + clientId, k -> keycloak.clientToken(clientId, clientId + "-secret"));
  }

  /** A password-grant access token of a realm user (password {@code <user>-password}). */
  public String userToken(String user) {
    return tokens.computeIfAbsent(
        "user:" + user, k -> keycloak.userToken(user, user + "-password"));
  }

  /** Sends a request to Sluice with the bearer token (none when null). */
  public HttpResponse<String> send(String method, String path, String token, String body) {
    return send(method, path, token, body, Map.of());
  }

  /** Like {@link #send(String, String, String, String)}, with the request id to audit it under. */
  public HttpResponse<String> send(
      String method, String path, String token, String body, String requestId) {
    return send(
        method,
        path,
        token,
        body,
        requestId == null ? Map.of() : Map.of("X-Request-Id", requestId));
  }

  /** Like {@link #send(String, String, String, String)}, with more request headers. */
  public HttpResponse<String> send(
      String method, String path, String token, String body, Map<String, String> headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(catalogUri() + path)).timeout(Duration.ofSeconds(60));
    headers.forEach(request::header);
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      // the bucket keys are Sluice's alone: no answer of any test may carry the secret
      if (response.body() != null && response.body().contains(S3ProxyServer.SECRET_KEY)) {
        throw new AssertionError(
            method + " " + path + " answered with the S3 secret key: " + response.body());
      }
      return response;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Audit rows matching the query parameters, newest first, read with the admin token. */
  public JsonNode audit(Map<String, String> query) {
    String parameters =
        query.entrySet().stream()
            .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    HttpResponse<String> response =
        send("GET", "/api/v1/audit?pageSize=1000&" + parameters, sluice.adminToken(), null);
    if (response.statusCode() != 200) {
      throw new IllegalStateException("audit query failed: " + response.body());
    }
    try {
      return JSON.readTree(response.body()).get("events");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Creates a one-level namespace as the admin, unless another test of this JVM did. */
  public void ensureNamespace(String namespace) {
    HttpResponse<String> response =
        send(
            "POST",
            "/v1/namespaces",
            sluice.adminToken(),
            "{\"namespace\":[\"" + namespace + "\"],\"properties\":{}}");
    if (response.statusCode() != 200 && response.statusCode() != 409) {
      throw new IllegalStateException(
          "cannot create namespace " + namespace + ": " + response.body());
    }
  }

  /** Drops and purges a table an earlier run of this JVM may have left. */
  public void dropIfPresent(String namespace, String table) {
    HttpResponse<String> response =
        send(
            "DELETE",
            "/v1/namespaces/" + namespace + "/tables/" + table + "?purgeRequested=true",
            sluice.adminToken(),
            null);
    if (response.statusCode() != 204 && response.statusCode() != 404) {
      throw new IllegalStateException(
          "cannot drop " + namespace + "." + table + ": " + response.body());
    }
  }

  /**
   * The secret of a new API token for {@code principal} with {@code groups}, issued by the admin.
   */
  public String issueToken(String principal, List<String> groups) {
    return issueTokenAndId(principal, groups)[0];
  }

  /** A new API token's secret and id. */
  public String[] issueTokenAndId(String principal, List<String> groups) {
    com.fasterxml.jackson.databind.node.ObjectNode request = JSON.createObjectNode();
    request.put("principal", principal);
    groups.forEach(request.putArray("groups")::add);
    request.put("description", "integration test");
    HttpResponse<String> response =
        send("POST", "/api/v1/tokens", sluice.adminToken(), request.toString());
    if (response.statusCode() != 201) {
      throw new IllegalStateException("cannot issue a token: " + response.body());
    }
    JsonNode issued = json(response);
    return new String[] {
      issued.path("secret").asText(), issued.path("token").path("tokenId").asText()
    };
  }

  /** The job once it has succeeded or failed (two minutes at most), as the admin reads it. */
  public JsonNode awaitJob(String id) throws InterruptedException {
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (true) {
      HttpResponse<String> response =
          send(
              "GET",
              "/api/v1/jobs/" + URLEncoder.encode(id, StandardCharsets.UTF_8),
              sluice.adminToken(),
              null);
      if (response.statusCode() != 200) {
        throw new IllegalStateException("cannot read job " + id + ": " + response.body());
      }
      JsonNode job = json(response);
      String state = job.path("state").asText();
      if (state.equals("SUCCEEDED") || state.equals("FAILED")) {
        return job;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("job " + id + " still " + state);
      }
      Thread.sleep(250);
    }
  }

  /** The table's location, as the admin loads it (the table must exist). */
  public String tableLocation(String namespace, String table) {
    HttpResponse<String> response =
        send("GET", "/v1/namespaces/" + namespace + "/tables/" + table, sluice.adminToken(), null);
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "cannot load " + namespace + "." + table + ": " + response.body());
    }
    return json(response).path("metadata").path("location").asText();
  }

  public static JsonNode json(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void close() {
    for (AutoCloseable part : new AutoCloseable[] {sluice, keycloak, s3, postgres}) {
      closeQuietly(part);
    }
  }

  private static void closeQuietly(AutoCloseable part) {
    if (part == null) {
      return;
    }
    try {
      part.close();
    } catch (Exception e) {
      System.err.println("could not stop " + part + ": " + e);
    }
  }
}
