package dev.sluice.catalog.trino;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.catalog.trino.TrinoTlsTestProfile.Certificates;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which callers the channel accepts, with certificates made by the test authority. */
class TrinoDecisionChannelTest {
  private static final List<String> LOOPBACK = List.of("127.0.0.1");
  private static final X509Certificate COORDINATOR = Certificates.COORDINATOR_CLIENT.certificate();
  private static final X509Certificate OTHER = Certificates.OTHER_CLIENT.certificate();

  private static TrinoCaller tls(X509Certificate certificate, String address) {
    return new TrinoCaller(true, Optional.ofNullable(certificate), address);
  }

  private static TrinoCaller plain(String address) {
    return new TrinoCaller(false, Optional.empty(), address);
  }

  private static TrinoDecisionChannel mutualTls(List<String> subjects) {
    return new TrinoDecisionChannel(
        LOOPBACK, subjects, false, Optional.empty(), "quarkus.tls.https");
  }

  @Test
  void aVerifiedCertificateFromAnAllowedAddressIsAnswered() {
    TrinoDecisionChannel any = mutualTls(List.of());
    assertThat(any.refusal(tls(COORDINATOR, "127.0.0.1"))).isEmpty();
    assertThat(any.refusal(tls(OTHER, "127.0.0.1"))).isEmpty();
  }

  @Test
  void plainHttpAndTlsWithoutACertificateAreRefused() {
    TrinoDecisionChannel channel = mutualTls(List.of());
    assertThat(channel.refusal(plain("127.0.0.1")))
        .hasValueSatisfying(r -> assertThat(r).contains("plain HTTP"));
    assertThat(channel.refusal(tls(null, "127.0.0.1")))
        .hasValueSatisfying(
            r -> assertThat(r).contains("quarkus.tls.https.trust-store", "presented none"));
  }

  @Test
  void pinnedSubjectsKeepOtherCertificatesOut() {
    // the same name written differently is the same subject
    TrinoDecisionChannel pinned = mutualTls(List.of("cn=trino-coordinator, o=Sluice tests"));
    assertThat(pinned.refusal(tls(COORDINATOR, "127.0.0.1"))).isEmpty();
    assertThat(pinned.refusal(tls(OTHER, "127.0.0.1")))
        .hasValueSatisfying(
            r ->
                assertThat(r)
                    .contains("CN=other-service,O=Sluice tests", "allowed-client-subjects"));
    assertThatThrownBy(() -> mutualTls(List.of("not a name")))
        .hasMessageContaining("sluice.trino.allowed-client-subjects");
  }

  @Test
  void theAddressFenceStandsBehindTheCertificate() {
    TrinoDecisionChannel channel = mutualTls(List.of());
    assertThat(channel.refusal(tls(COORDINATOR, "192.0.2.10")))
        .hasValueSatisfying(
            r -> assertThat(r).contains("192.0.2.10", "sluice.trino.allowed-clients"));
  }

  @Test
  void withoutMutualTlsNothingIsAnswered() {
    TrinoDecisionChannel unconfigured =
        new TrinoDecisionChannel(
            LOOPBACK, List.of(), false, Optional.of(TrinoDecisionChannel.NOT_CONFIGURED), "x");
    assertThat(unconfigured.refusal(plain("127.0.0.1")))
        .contains(TrinoDecisionChannel.NOT_CONFIGURED);
    assertThat(unconfigured.refusal(tls(COORDINATOR, "127.0.0.1")))
        .contains(TrinoDecisionChannel.NOT_CONFIGURED);
  }

  @Test
  void theDevelopmentHatchLiftsOnlyTheCertificate() {
    TrinoDecisionChannel development =
        new TrinoDecisionChannel(
            LOOPBACK, List.of(), true, Optional.of(TrinoDecisionChannel.NOT_CONFIGURED), "x");
    assertThat(development.refusal(plain("127.0.0.1"))).isEmpty();
    assertThat(development.refusal(plain("192.0.2.10")))
        .hasValueSatisfying(r -> assertThat(r).contains("sluice.trino.allowed-clients"));
  }

  @Test
  void auditNamesTheCertificateOrNoOne() {
    assertThat(tls(COORDINATOR, "127.0.0.1").auditName())
        .isEqualTo("certificate:" + TrinoTlsTestProfile.COORDINATOR);
    assertThat(plain("127.0.0.1").auditName()).isEqualTo("anonymous");
  }
}
