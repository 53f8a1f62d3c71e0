package dev.sluice.catalog.signing;

import dev.sluice.catalog.config.S3Config;
import dev.sluice.catalog.security.CatalogAuthorizer;
import dev.sluice.catalog.security.Names;
import dev.sluice.catalog.storage.StorageProducer;
import dev.sluice.catalog.storage.StsCredentialVendor;
import dev.sluice.policy.eval.Principal;
import dev.sluice.policy.model.Action;
import dev.sluice.zones.StorageLocation;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.BadRequestException;
import org.apache.iceberg.rest.RESTCatalogProperties;
import org.apache.iceberg.rest.ResourcePaths;
import org.apache.iceberg.rest.responses.LoadTableResponse;

/**
 * How an engine that holds no storage keys reaches a table's files, as it asks with the {@code
 * X-Iceberg-Access-Delegation} header on load, create and register: {@code remote-signing} adds the
 * table config that sends each S3 request to Sluice's per-table sign endpoint. A header that asks
 * only for modes this server cannot give is a 400 that says what it can, never a response that
 * silently leaves the engine without access.
 */
@ApplicationScoped
public class AccessDelegation {
  public static final String HEADER = "X-Iceberg-Access-Delegation";
  static final String REMOTE_SIGNING = "remote-signing";
  static final String VENDED_CREDENTIALS = "vended-credentials";

  private static final ResourcePaths PATHS = ResourcePaths.forCatalogProperties(Map.of());

  private final RemoteSigningService signing;
  private final StsCredentialVendor vendor;
  private final CatalogAuthorizer authorizer;
  private final S3Config s3;

  @Inject
  public AccessDelegation(
      RemoteSigningService signing,
      StsCredentialVendor vendor,
      CatalogAuthorizer authorizer,
      S3Config s3) {
    this.signing = signing;
    this.vendor = vendor;
    this.authorizer = authorizer;
    this.s3 = s3;
  }

  /** Whether loads offer remote signing (and the sign endpoint is advertised). */
  public boolean remoteSigning() {
    return signing.enabled();
  }

  /** What the engine asked for and this server can give; empty when it asked for nothing. */
  public enum Mode {
    REMOTE_SIGNING,
    VENDED_CREDENTIALS
  }

  /**
   * The first mode of the header's comma-separated list that this server gives, checked for the
   * caller before anything is created: vended credentials read every file below the table's prefix,
   * so a write-only caller gets none (remote signing lets it read just the metadata a commit
   * needs). Recorded either way.
   */
  public Optional<Mode> choose(String header, TableIdentifier identifier) {
    Optional<Mode> mode = choose(header);
    if (mode.isPresent() && mode.get() == Mode.VENDED_CREDENTIALS) {
      authorizer.requireTable("table.credentials", identifier, Action.READ);
    }
    return mode;
  }

  private Optional<Mode> choose(String header) {
    if (header == null || header.isBlank()) {
      return Optional.empty();
    }
    List<String> asked = new ArrayList<>();
    for (String value : header.split(",")) {
      String mode = value.trim().toLowerCase(Locale.ROOT);
      if (mode.isEmpty()) {
        continue;
      }
      asked.add(mode);
      if (mode.equals(REMOTE_SIGNING) && signing.enabled()) {
        return Optional.of(Mode.REMOTE_SIGNING);
      }
      if (mode.equals(VENDED_CREDENTIALS) && vendor.isEnabled()) {
        return Optional.of(Mode.VENDED_CREDENTIALS);
      }
    }
    List<String> offers = new ArrayList<>();
    offers.add(
        signing.enabled()
            ? "'" + REMOTE_SIGNING + "'"
            : "remote signing is not enabled (" + signing.disabledBecause() + ")");
    offers.add(
        vendor.isEnabled()
            ? "'" + VENDED_CREDENTIALS + "'"
            : "vended credentials are not enabled (sluice.s3.sts.enabled)");
    String offered = "this server offers " + String.join("; ", offers);
    throw new BadRequestException(
        "Cannot delegate access as asked by %s %s: %s", HEADER, asked, offered);
  }

  /** The response with what the mode needs added to its table config. */
  public LoadTableResponse apply(
      LoadTableResponse response, TableIdentifier identifier, Optional<Mode> mode) {
    if (mode.isEmpty()) {
      return response;
    }
    LoadTableResponse.Builder builder =
        LoadTableResponse.builder()
            .withTableMetadata(response.tableMetadata())
            .addAllConfig(response.config())
            .addAllCredentials(response.credentials());
    builder.addAllConfig(StorageProducer.s3ClientProperties(s3));
    if (mode.get() == Mode.REMOTE_SIGNING) {
      builder.addConfig("s3.remote-signing-enabled", "true");
      builder.addConfig(RESTCatalogProperties.SIGNER_ENDPOINT, PATHS.remoteSign(identifier));
    } else {
      builder.addAllCredentials(vend(identifier, response.tableMetadata().location()));
    }
    return builder.build();
  }

  /** Credentials for the table's prefix, writing too when the caller may write the table. */
  private List<org.apache.iceberg.rest.credentials.Credential> vend(
      TableIdentifier identifier, String location) {
    Principal principal = authorizer.principal();
    boolean writes =
        authorizer.isAdmin(principal)
            || authorizer
                .decisions()
                .table(principal, Action.WRITE, Names.table(identifier))
                .allowed();
    return vendor.vend(principal.self().toString(), StorageLocation.parse(location), writes);
  }
}
