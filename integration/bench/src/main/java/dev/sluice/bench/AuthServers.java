package dev.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.bench.RestCatalogClient.Response;
import dev.sluice.bench.Targets.Infra;
import dev.sluice.bench.Targets.Target;
import dev.sluice.it.Components;
import dev.sluice.it.SluiceServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The servers of the auth benchmark, each on its own PostgreSQL database and the shared bucket
 * {@value #BUCKET} (the example policy's zone roots live there).
 */
final class AuthServers {
  static final String BUCKET = "lake";

  /** The principal whose API token goes through the policy decision. */
  static final String POLICY_PRINCIPAL = "client:trino";

  /** Which build runs, and how it is configured. */
  enum Kind {
    BASELINE("baseline", "build from before authentication: no token checked, no policy, no audit"),
    CURRENT("current", "current build, no policy bundle"),
    POLICY("current+policy", "current build with the example policy (deploy/policies)");

    final String label;
    final String description;

    Kind(String label, String description) {
      this.label = label;
      this.description = description;
    }
  }

  private AuthServers() {}

  /** Starts a server; its target's token is the admin token (none for the baseline). */
  static Target start(Kind kind, Infra infra, Path workDir) throws Exception {
    Path jar =
        kind == Kind.BASELINE
            ? Settings.authBaselineJar()
            : Path.of(Components.required("sluice.it.server.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar + " is missing" + (kind == Kind.BASELINE ? " (set -Dbench.auth.baseline-jar)" : ""));
    }
    Path policies = Settings.authPolicies();
    if (kind == Kind.POLICY && !Files.isRegularFile(policies.resolve("sluice.yaml"))) {
      throw new IllegalStateException(
          policies + " holds no sluice.yaml (set -Dbench.auth.policies)");
    }
    String database = "auth_" + kind.name().toLowerCase(Locale.ROOT);
    infra.postgres().createDatabase(database);
    // the baseline build predates the app role's grants, so it runs as the owner
    Map<String, String> config =
        kind == Kind.BASELINE
            ? SluiceServer.onPostgresAsOwner(infra.postgres(), database)
            : SluiceServer.onPostgres(infra.postgres(), database);
    // one warehouse prefix per server: they share the bucket, never a file
    config.putAll(SluiceServer.onS3(infra.s3(), "s3://" + BUCKET + "/" + database + "/"));
    if (kind == Kind.POLICY) {
      config.put("sluice.policy.directory", policies.toString());
    }
    long t0 = System.nanoTime();
    SluiceServer server = SluiceServer.start(jar, workDir, config);
    return new Target(
        kind.label,
        kind.description + "; " + jar,
        server.baseUri(),
        "sluice",
        kind == Kind.BASELINE ? null : server.adminToken(),
        server.process().pid(),
        (System.nanoTime() - t0) / 1e9,
        true,
        server);
  }

  /** A new API token of {@code principal}, issued with the admin token; returns its secret. */
  static String issueToken(RestCatalogClient admin, String root, String principal)
      throws IOException, InterruptedException {
    return issueToken(admin, root, principal, "auth benchmark");
  }

  /** Like {@link #issueToken(RestCatalogClient, String, String)}, with the token's description. */
  static String issueToken(
      RestCatalogClient admin, String root, String principal, String description)
      throws IOException, InterruptedException {
    ObjectNode body = RestCatalogClient.JSON.createObjectNode();
    body.put("principal", principal);
    body.put("description", description);
    Response response = admin.expect("POST", root + "/api/v1/tokens", body.toString(), 201);
    return RestCatalogClient.JSON.readTree(response.body()).path("secret").asText();
  }

  /**
   * Counts the {@code table.load} audit rows per principal, read through the admin API a page at a
   * time.
   */
  static Map<String, Long> auditedLoads(RestCatalogClient admin, String root)
      throws IOException, InterruptedException {
    Map<String, Long> rows = new TreeMap<>();
    String page = null;
    do {
      String uri =
          root
              + "/api/v1/audit?action=table.load&pageSize=1000"
              + (page == null ? "" : "&pageToken=" + page);
      JsonNode answer = RestCatalogClient.JSON.readTree(admin.expect("GET", uri, null, 200).body());
      for (JsonNode event : answer.path("events")) {
        rows.merge(event.path("principal").asText(), 1L, Long::sum);
      }
      page =
          answer.path("nextPageToken").isTextual() ? answer.path("nextPageToken").asText() : null;
    } while (page != null);
    return rows;
  }
}
