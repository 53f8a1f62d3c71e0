package dev.sluice.catalog.lineage;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;

/** The embedded default, forwarding catalog lineage to an endpoint the test controls. */
public class ForwardingProfile implements QuarkusTestProfile {
  /** Shared through a system property: profile and test may live in different class loaders. */
  static final String PORT_PROPERTY = "sluice.test.lineage-forward-port";

  static int port() {
    String existing = System.getProperty(PORT_PROPERTY);
    if (existing != null) {
      return Integer.parseInt(existing);
    }
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      System.setProperty(PORT_PROPERTY, String.valueOf(socket.getLocalPort()));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Map<String, String> getConfigOverrides() {
    Path dataDir =
        Path.of("target", "test-data", "forward-" + ProcessHandle.current().pid()).toAbsolutePath();
    return Map.of(
        "sluice.data-dir",
        dataDir.toString(),
        "sluice.lineage.forward-url",
        "http://127.0.0.1:" + port() + "/api/v1/lineage",
        "sluice.lineage.forward-timeout",
        "30s");
  }
}
