package dev.sluice.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A certificate authority for tests, made with the JDK's {@code keytool} in a folder of its own: it
 * issues server and client key stores (PKCS #12, EC P-256, valid two days) and a trust store
 * holding its certificate. Server certificates carry {@code IP:127.0.0.1} and {@code
 * DNS:localhost}, which is where every server of the harness listens.
 *
 * <pre>{@code
 * CertificateAuthority ca = CertificateAuthority.create(dir.resolve("ca"), "Test CA");
 * CertificateAuthority.Store server = ca.server("sluice");
 * CertificateAuthority.Store client = ca.client("trino", "CN=trino-coordinator");
 * HttpClient http = HttpClient.newBuilder().sslContext(client.sslContext(ca.trustStore())).build();
 * }</pre>
 */
public final class CertificateAuthority {
  /** The password of every store this class writes. */
  public static final String PASSWORD = "sluice-it-store";

  /** A PKCS #12 file and its password. */
  public record Store(Path path, String password) {
    /** The certificate of the store's first entry. */
    public X509Certificate certificate() {
      try {
        KeyStore store = load();
        return (X509Certificate) store.getCertificate(store.aliases().nextElement());
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    public KeyStore load() {
      try (InputStream in = Files.newInputStream(path)) {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(in, password.toCharArray());
        return store;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    /**
     * A TLS context that trusts the servers this trust store trusts and presents no certificate.
     */
    public SSLContext trustingContext() {
      return context(null, this);
    }

    /** A TLS context that presents this key store (as the JDK chooses) and trusts {@code trust}. */
    public SSLContext sslContext(Store trust) {
      try {
        KeyManagerFactory keys =
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(load(), password.toCharArray());
        return context(keys.getKeyManagers(), trust);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    /**
     * A TLS context that presents this key store to every server, even one whose certificate
     * request names other authorities (the JDK's key managers would then present nothing): what a
     * caller with a certificate from the wrong authority does when it insists.
     */
    public SSLContext presentingTo(Store trust) {
      try {
        KeyStore keys = load();
        String alias = keys.aliases().nextElement();
        PrivateKey key = (PrivateKey) keys.getKey(alias, password.toCharArray());
        X509Certificate[] chain =
            Arrays.stream(keys.getCertificateChain(alias))
                .map(X509Certificate.class::cast)
                .toArray(X509Certificate[]::new);
        return context(new KeyManager[] {new Insisting(alias, key, chain)}, trust);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    private static SSLContext context(KeyManager[] keys, Store trust) {
      try {
        TrustManagerFactory trusted =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trusted.init(trust.load());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys, trusted.getTrustManagers(), null);
        return context;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** Presents one key whatever the server asks for. */
  private static final class Insisting extends X509ExtendedKeyManager {
    private final String alias;
    private final PrivateKey key;
    private final X509Certificate[] chain;

    Insisting(String alias, PrivateKey key, X509Certificate[] chain) {
      this.alias = alias;
      this.key = key;
      this.chain = chain;
    }

    @Override
    public String chooseClientAlias(String[] types, Principal[] issuers, Socket socket) {
      return alias;
    }

    @Override
    public String chooseEngineClientAlias(String[] types, Principal[] issuers, SSLEngine engine) {
      return alias;
    }

    @Override
    public String[] getClientAliases(String type, Principal[] issuers) {
      return new String[] {alias};
    }

    @Override
    public String[] getServerAliases(String type, Principal[] issuers) {
      return new String[0];
    }

    @Override
    public String chooseServerAlias(String type, Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String name) {
      return chain.clone();
    }

    @Override
    public PrivateKey getPrivateKey(String name) {
      return key;
    }
  }

  private final Path dir;
  private final Path keys;

  private CertificateAuthority(Path dir) {
    this.dir = dir;
    this.keys = dir.resolve("ca.p12");
  }

  /** A new authority {@code CN=<name>} in {@code dir}, which is emptied first. */
  public static CertificateAuthority create(Path dir, String name) throws IOException {
    CertificateAuthority ca = new CertificateAuthority(WorkDirs.fresh(dir));
    ca.keytool(
        "-genkeypair",
        "-alias",
        "ca",
        "-dname",
        "CN=" + name,
        "-ext",
        "bc:c",
        "-keystore",
        ca.keys.toString());
    return ca;
  }

  /** A server key store for {@code CN=<name>} on 127.0.0.1 and localhost. */
  public Store server(String name) {
    return issue(name, "CN=" + name, List.of("san=ip:127.0.0.1,dns:localhost", "eku=serverAuth"));
  }

  /** A client key store for {@code subject} (an X.500 name), kept as {@code <alias>.p12}. */
  public Store client(String alias, String subject) {
    return issue(alias, subject, List.of("eku=clientAuth"));
  }

  /** A trust store holding this authority's certificate ({@code ca-truststore.p12}). */
  public Store trustStore() {
    Path store = dir.resolve("ca-truststore.p12");
    if (!Files.exists(store)) {
      Path pem = dir.resolve("ca.pem");
      keytool(
          "-exportcert",
          "-alias",
          "ca",
          "-rfc",
          "-file",
          pem.toString(),
          "-keystore",
          keys.toString());
      keytool(
          "-importcert",
          "-noprompt",
          "-alias",
          "ca",
          "-file",
          pem.toString(),
          "-keystore",
          store.toString());
    }
    return new Store(store, PASSWORD);
  }

  private Store issue(String alias, String subject, List<String> extensions) {
    List<String> generate =
        new ArrayList<>(
            List.of("-genkeypair", "-alias", alias, "-dname", subject, "-signer", "ca"));
    for (String extension : extensions) {
      generate.addAll(List.of("-ext", extension));
    }
    generate.addAll(List.of("-keystore", keys.toString()));
    keytool(generate.toArray(String[]::new));
    // the issued key and its chain (itself, the authority) in a store of its own
    Path store = dir.resolve(alias + ".p12");
    keytool(
        "-importkeystore",
        "-srckeystore",
        keys.toString(),
        "-srcstorepass",
        PASSWORD,
        "-srcalias",
        alias,
        "-destkeystore",
        store.toString(),
        "-deststoretype",
        "PKCS12",
        "-deststorepass",
        PASSWORD);
    return new Store(store, PASSWORD);
  }

  private void keytool(String... arguments) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(arguments));
    if (!command.contains("-importkeystore")) {
      command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
    }
    if (command.contains("-genkeypair")) {
      command.addAll(List.of("-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2"));
    }
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.waitFor() != 0) {
        throw new IllegalStateException("keytool failed: " + command + "\n" + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
