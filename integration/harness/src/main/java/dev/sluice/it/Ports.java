package dev.sluice.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for servers started by tests.
 *
 * <p>A port is handed to a server some seconds after it is chosen. A port of the kernel's ephemeral
 * range (what binding port 0 gives) can be taken in between as the local end of any outgoing
 * connection, to PostgreSQL or S3Proxy say, and the server then fails to bind. So ports are drawn
 * below that range, where the kernel never assigns one by itself, and never twice in one JVM.
 */
public final class Ports {
  private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
  private static final int LOWEST = 10_000;
  private static final int ATTEMPTS = 200;
  private static final int EPHEMERAL_START = ephemeralRangeStart();
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private Ports() {}

  public static int free() {
    if (EPHEMERAL_START - LOWEST < 1_000) {
      // no room below the kernel's range (or no way to read it): the kernel's choice
      return kernelsChoice();
    }
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(LOWEST, EPHEMERAL_START);
      if (HANDED_OUT.add(port) && bindable(port)) {
        return port;
      }
    }
    throw new IllegalStateException(
        "no free loopback port between " + LOWEST + " and " + EPHEMERAL_START);
  }

  /** The first port of the kernel's ephemeral range, or 0 where it cannot be read. */
  static int ephemeralRangeStart() {
    try {
      // a line read, as reading the whole file at once gives only its first byte on procfs
      List<String> lines = Files.readAllLines(EPHEMERAL_RANGE);
      return Integer.parseInt(lines.get(0).trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** Whether the port can be bound on the loopback address now (it is released at once). */
  private static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int kernelsChoice() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
