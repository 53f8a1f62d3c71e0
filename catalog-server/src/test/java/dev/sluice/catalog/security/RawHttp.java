package dev.sluice.catalog.security;

import io.restassured.RestAssured;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * HTTP/1.1 requests sent from a chosen loopback address ({@code 127.0.0.2}, …), so that tests can
 * act as different clients of per-address limits. The JDK client cannot pick its source address.
 */
final class RawHttp {
  record Response(int status, Map<String, String> headers, String body) {}

  private RawHttp() {}

  static Response get(String fromAddress, String path, String authorization) throws IOException {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(fromAddress, 0));
      socket.connect(new InetSocketAddress("127.0.0.1", RestAssured.port), 5_000);
      socket.setSoTimeout(30_000);
      StringBuilder request =
          new StringBuilder(
              "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
      if (authorization != null) {
        request.append("Authorization: ").append(authorization).append("\r\n");
      }
      OutputStream out = socket.getOutputStream();
      out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String text = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int end = text.indexOf("\r\n\r\n");
      String[] head = text.substring(0, end).split("\r\n");
      Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      for (int i = 1; i < head.length; i++) {
        int colon = head[i].indexOf(':');
        headers.put(head[i].substring(0, colon).trim(), head[i].substring(colon + 1).trim());
      }
      String body = text.substring(end + 4);
      if ("chunked"
          .equals(headers.getOrDefault("Transfer-Encoding", "").toLowerCase(Locale.ROOT))) {
        body = unchunk(body);
      }
      return new Response(Integer.parseInt(head[0].split(" ")[1]), headers, body);
    }
  }

  private static String unchunk(String chunked) {
    StringBuilder body = new StringBuilder();
    int at = 0;
    while (true) {
      int lineEnd = chunked.indexOf("\r\n", at);
      int size = Integer.parseInt(chunked.substring(at, lineEnd).trim(), 16);
      if (size == 0) {
        return body.toString();
      }
      body.append(chunked, lineEnd + 2, lineEnd + 2 + size);
      at = lineEnd + 2 + size + 2;
    }
  }
}
