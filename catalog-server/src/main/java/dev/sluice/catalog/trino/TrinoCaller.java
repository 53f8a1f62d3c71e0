package dev.sluice.catalog.trino;

import static java.util.Objects.requireNonNull;

import io.vertx.core.http.HttpServerRequest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * A caller of the decision API as its connection shows it: whether it came over TLS, the client
 * certificate the TLS handshake verified against the server's trust store (if it sent one), and its
 * address.
 */
public record TrinoCaller(boolean tls, Optional<X509Certificate> certificate, String address) {
  public TrinoCaller {
    requireNonNull(certificate, "certificate");
    requireNonNull(address, "address");
    if (certificate.isPresent() && !tls) {
      throw new IllegalArgumentException("a client certificate comes only with TLS");
    }
  }

  public static TrinoCaller of(HttpServerRequest request) {
    String address = request.remoteAddress() == null ? "" : request.remoteAddress().hostAddress();
    if (!request.isSSL()) {
      return new TrinoCaller(false, Optional.empty(), address);
    }
    return new TrinoCaller(true, verifiedCertificate(request.sslSession()), address);
  }

  /**
   * The peer's certificate. The handshake has already checked it against the trust store (an
   * untrusted one fails the handshake); a connection without one throws here.
   */
  private static Optional<X509Certificate> verifiedCertificate(SSLSession session) {
    if (session == null) {
      return Optional.empty();
    }
    try {
      Certificate[] chain = session.getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate leaf
          ? Optional.of(leaf)
          : Optional.empty();
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
  }

  /** How the audit trail names the caller: its certificate's subject, or anonymous. */
  public String auditName() {
    return certificate
        .map(c -> "certificate:" + c.getSubjectX500Principal().getName())
        .orElse("anonymous");
  }
}
