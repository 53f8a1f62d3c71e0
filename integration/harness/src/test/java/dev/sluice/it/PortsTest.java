package dev.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PortsTest {

  /** Outgoing connections take local ports of the ephemeral range only, so these stay free. */
  @Test
  void portsAreBelowTheKernelsEphemeralRangeAndNeverHandedOutTwice() throws IOException {
    int ephemeralStart = Ports.ephemeralRangeStart();
    assumeThat(ephemeralStart).as("the kernel's ephemeral range").isGreaterThan(11_000);
    Set<Integer> ports = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      int port = Ports.free();
      assertThat(port).isBetween(10_000, ephemeralStart - 1);
      assertThat(ports.add(port)).as("port %d handed out twice", port).isTrue();
      try (ServerSocket server = new ServerSocket()) {
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      }
    }
  }
}
