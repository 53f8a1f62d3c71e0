package dev.sluice.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a {@link TrinoServer} gets in {@code etc/} besides {@code config.properties} and its
 * catalogs: a system access control, a file group provider, log levels, and the plugins they need.
 * Empty by default, which is the server every earlier caller had.
 *
 * <pre>{@code
 * TrinoEtc etc =
 *     new TrinoEtc()
 *         .accessControl(Map.of("access-control.name", "opa", "opa.policy.uri", uri))
 *         .groups(Map.of("analysts", List.of("alice")));
 * }</pre>
 */
public final class TrinoEtc {
  /** The plugin holding the {@code file} group provider. */
  public static final String GROUP_FILE_PLUGIN = "password-authenticators";

  private final Map<String, String> accessControl = new LinkedHashMap<>();
  private final Map<String, List<String>> groups = new LinkedHashMap<>();
  private final Map<String, String> logLevels = new LinkedHashMap<>();
  private final Set<String> plugins = new LinkedHashSet<>();

  /** {@code etc/access-control.properties}: the system access control and its settings. */
  public TrinoEtc accessControl(Map<String, String> properties) {
    accessControl.clear();
    accessControl.putAll(properties);
    return this;
  }

  /** Adds settings to the access control, e.g. {@code opa.log-requests=true}. */
  public TrinoEtc accessControlProperty(String key, String value) {
    accessControl.put(key, value);
    return this;
  }

  /**
   * The client key store that Trino's {@code opa} plugin presents over HTTPS, and the trust store
   * it checks the server with: airlift HTTP client settings under the plugin's prefix {@code
   * opa.http-client.}. The policy URIs must then be {@code https://} ones.
   */
  public TrinoEtc opaClientCertificate(
      CertificateAuthority.Store keyStore, CertificateAuthority.Store trustStore) {
    accessControl.put("opa.http-client.key-store-path", keyStore.path().toString());
    accessControl.put("opa.http-client.key-store-password", keyStore.password());
    accessControl.put("opa.http-client.trust-store-path", trustStore.path().toString());
    accessControl.put("opa.http-client.trust-store-password", trustStore.password());
    return this;
  }

  /**
   * Trino's file group provider with these groups (group → members), in {@code etc/groups.txt}.
   * Without a group provider Trino sends every user with no groups.
   */
  public TrinoEtc groups(Map<String, List<String>> members) {
    groups.clear();
    groups.putAll(members);
    plugins.add(GROUP_FILE_PLUGIN);
    return this;
  }

  /** A log level for {@code etc/log.properties}, e.g. {@code io.trino.plugin.opa=DEBUG}. */
  public TrinoEtc logLevel(String logger, String level) {
    logLevels.put(logger, level);
    return this;
  }

  /**
   * Loads one more plugin of the distribution besides {@link TrinoServer#PLUGINS}, e.g. {@code
   * tpch} for a catalog of generated TPC-H data.
   */
  public TrinoEtc plugin(String name) {
    plugins.add(name);
    return this;
  }

  /** Plugins of the distribution to load besides {@link TrinoServer#PLUGINS}. */
  Set<String> plugins() {
    return Set.copyOf(plugins);
  }

  /** Writes the files into {@code etc} and returns the log levels on top of {@code defaults}. */
  Map<String, String> writeTo(Path etc, Map<String, String> defaults) throws IOException {
    if (!accessControl.isEmpty()) {
      TrinoServer.writeProperties(etc.resolve("access-control.properties"), accessControl);
    }
    if (!groups.isEmpty()) {
      Path groupFile = etc.resolve("groups.txt").toAbsolutePath();
      List<String> lines = new ArrayList<>();
      groups.forEach((group, users) -> lines.add(group + ":" + String.join(",", users)));
      Files.write(groupFile, lines);
      Map<String, String> provider = new LinkedHashMap<>();
      provider.put("group-provider.name", "file");
      provider.put("file.group-file", groupFile.toString());
      TrinoServer.writeProperties(etc.resolve("group-provider.properties"), provider);
    }
    Map<String, String> levels = new LinkedHashMap<>(defaults);
    levels.putAll(logLevels);
    return levels;
  }
}
