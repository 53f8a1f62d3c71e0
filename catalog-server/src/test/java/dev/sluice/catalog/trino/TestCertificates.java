package dev.sluice.catalog.trino;

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
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A certificate authority made with the JDK's {@code keytool} for tests: it issues server and
 * client key stores (PKCS #12) and a trust store holding its own certificate. Servers get the
 * subject alternative names {@code IP:127.0.0.1} and {@code DNS:localhost}.
 */
final class TestCertificates {
  static final String PASSWORD = "sluice-test-store";

  /** A PKCS #12 file and its password. */
  record Store(Path path, String password) {
    /** The certificate of the store's only key entry. */
    X509Certificate certificate() {
      try {
        KeyStore store = load();
        return (X509Certificate) store.getCertificate(store.aliases().nextElement());
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    KeyStore load() {
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
     * A TLS context that trusts {@code trusted} and presents this store's key to every server, even
     * one whose certificate request names other authorities (the JDK's own key managers would then
     * send none).
     */
    SSLContext presentingTo(Store trusted) {
      try {
        KeyStore keys = load();
        String alias = keys.aliases().nextElement();
        PrivateKey key = (PrivateKey) keys.getKey(alias, password.toCharArray());
        X509Certificate[] chain =
            Arrays.stream(keys.getCertificateChain(alias))
                .map(X509Certificate.class::cast)
                .toArray(X509Certificate[]::new);
        X509ExtendedKeyManager always =
            new X509ExtendedKeyManager() {
              @Override
              public String chooseClientAlias(String[] types, Principal[] issuers, Socket s) {
                return alias;
              }

              @Override
              public String chooseEngineClientAlias(
                  String[] types, Principal[] issuers, SSLEngine engine) {
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
              public String chooseServerAlias(String type, Principal[] issuers, Socket s) {
                return null;
              }

              @Override
              public X509Certificate[] getCertificateChain(String name) {
                return chain;
              }

              @Override
              public PrivateKey getPrivateKey(String name) {
                return key;
              }
            };
        TrustManagerFactory trust =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted.load());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(new KeyManager[] {always}, trust.getTrustManagers(), null);
        return context;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private final Path dir;
  private final Path authority;

  private TestCertificates(Path dir) {
    this.dir = dir;
    this.authority = dir.resolve("ca.p12");
  }

  /** A new authority named {@code CN=<name>} in a fresh folder. */
  static TestCertificates authority(Path dir, String name) {
    try {
      if (Files.exists(dir)) {
        try (var files = Files.walk(dir)) {
          for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.delete(file);
          }
        }
      }
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    TestCertificates ca = new TestCertificates(dir);
    ca.keytool(
        "-genkeypair",
        "-alias",
        "ca",
        "-dname",
        "CN=" + name,
        "-ext",
        "bc:c",
        "-keystore",
        ca.authority.toString());
    return ca;
  }

  /** A server key store for {@code CN=<name>} on 127.0.0.1 and localhost. */
  Store server(String name) {
    return issue(name, "CN=" + name, "san=ip:127.0.0.1,dns:localhost", "eku=serverAuth");
  }

  /** A client key store for the given subject. */
  Store client(String alias, String subject) {
    return issue(alias, subject, null, "eku=clientAuth");
  }

  /** A trust store holding this authority's certificate. */
  Store trustStore() {
    Path pem = dir.resolve("ca.pem");
    Path store = dir.resolve("ca-truststore.p12");
    if (!Files.exists(store)) {
      keytool(
          "-exportcert",
          "-alias",
          "ca",
          "-rfc",
          "-file",
          pem.toString(),
          "-keystore",
          authority.toString());
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

  private Store issue(String alias, String subject, String san, String eku) {
    List<String> generate =
        new ArrayList<>(
            List.of(
                "-genkeypair",
                "-alias",
                alias,
                "-dname",
                subject,
                "-signer",
                "ca",
                "-ext",
                eku,
                "-keystore",
                authority.toString()));
    if (san != null) {
      generate.addAll(List.of("-ext", san));
    }
    keytool(generate.toArray(String[]::new));
    Path store = dir.resolve(alias + ".p12");
    keytool(
        "-importkeystore",
        "-srckeystore",
        authority.toString(),
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
