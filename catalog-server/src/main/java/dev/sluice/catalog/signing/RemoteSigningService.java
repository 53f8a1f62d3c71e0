package dev.sluice.catalog.signing;

import dev.sluice.catalog.audit.AuditEntry;
import dev.sluice.catalog.audit.AuditTrail;
import dev.sluice.catalog.catalog.TableColumns;
import dev.sluice.catalog.catalog.TableColumns.Found;
import dev.sluice.catalog.config.S3Config;
import dev.sluice.catalog.persistence.CatalogStore;
import dev.sluice.catalog.persistence.UnlistedTableEntity;
import dev.sluice.catalog.security.AccessDecisions.Verdict;
import dev.sluice.catalog.security.CatalogAuthorizer;
import dev.sluice.catalog.security.Names;
import dev.sluice.catalog.storage.StoragePolicies;
import dev.sluice.policy.eval.Principal;
import dev.sluice.policy.model.Action;
import dev.sluice.zones.StorageLocation;
import dev.sluice.zones.s3.S3Operation;
import dev.sluice.zones.s3.S3Request;
import dev.sluice.zones.s3.S3RequestParser;
import dev.sluice.zones.s3.S3RequestRefusedException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.BadRequestException;
import org.apache.iceberg.exceptions.ForbiddenException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.rest.requests.RemoteSignRequest;
import org.apache.iceberg.rest.responses.ImmutableRemoteSignResponse;
import org.apache.iceberg.rest.responses.RemoteSignResponse;

/**
 * Signs the S3 requests of engines that hold no bucket keys. A request is signed only when every
 * object it reaches lies below the table's own location (the canonical path check every other
 * location goes through) and the caller may do that to the table: read it (GET, HEAD, listing), or
 * write it (PUT, multipart, DELETE). A caller that may write but not read a table reads only its
 * metadata tree, which a commit needs; a reader with masks or row filters gets no raw files, as a
 * load would not give it the table. Every decision is audited; refusals are 403 with the rule.
 */
@ApplicationScoped
public class RemoteSigningService {
  static final String OPERATION = "table.sign";
  private static final String METADATA_DIRECTORY = "metadata";

  private final CatalogAuthorizer authorizer;
  private final AuditTrail audit;
  private final TableColumns tables;
  private final CatalogStore store;
  private final SigningConfig config;
  private final Optional<String> disabledBecause;
  private final S3RequestParser parser;
  private final S3RequestSigner signer;

  @Inject
  public RemoteSigningService(
      CatalogAuthorizer authorizer,
      AuditTrail audit,
      TableColumns tables,
      CatalogStore store,
      SigningConfig config,
      S3Config s3,
      StoragePolicies storage) {
    this.authorizer = authorizer;
    this.audit = audit;
    this.tables = tables;
    this.store = store;
    this.config = config;
    this.disabledBecause = disabledBecause(config, s3, storage);
    if (disabledBecause.isPresent()) {
      this.parser = null;
      this.signer = null;
    } else {
      this.parser =
          s3.endpoint()
              .map(endpoint -> S3RequestParser.forEndpoint(URI.create(endpoint)))
              .orElseGet(S3RequestParser::forAws);
      this.signer =
          new S3RequestSigner(
              s3.accessKeyId().orElseThrow(), s3.secretAccessKey().orElseThrow(), s3.region());
    }
  }

  private static Optional<String> disabledBecause(
      SigningConfig config, S3Config s3, StoragePolicies storage) {
    if (!config.enabled()) {
      return Optional.of("sluice.signing.enabled is false");
    }
    if (!storage.warehouse().location().scheme().equals("s3")) {
      return Optional.of("the warehouse is not on S3 (" + storage.warehouse() + ")");
    }
    if (s3.accessKeyId().isEmpty() || s3.secretAccessKey().isEmpty()) {
      return Optional.of("the server has no S3 keys (sluice.s3.access-key-id, secret-access-key)");
    }
    return Optional.empty();
  }

  /** Whether sign requests are answered; loads offer remote signing only then. */
  public boolean enabled() {
    return disabledBecause.isEmpty();
  }

  /** Why signing is off, for the error a client that asks for it gets. */
  public String disabledBecause() {
    return disabledBecause.orElse("");
  }

  /**
   * A signed request, and whether the client may reuse it for the same method and URI ({@code
   * sluice.signing.reusable-reads}): reads only, whose unsigned headers (the byte range) differ
   * between the reads of one file.
   */
  public record Signature(RemoteSignResponse response, boolean reusable) {}

  /** {@code POST /v1/namespaces/{ns}/tables/{table}/sign}. */
  public Signature sign(TableIdentifier table, RemoteSignRequest request) {
    S3Request s3 = parse(Names.text(table), request);
    return sign(authorizer.principal(), table, s3, request);
  }

  /**
   * {@code POST /v1/aws/s3/sign}, which clients before the per-table endpoint call: the table is
   * the one whose location holds the first object the request reaches.
   */
  public Signature signByLocation(RemoteSignRequest request) {
    S3Request s3 = parse("(by location)", request);
    Principal principal = authorizer.principal();
    Optional<TableIdentifier> holder = store.holderOf(s3.target());
    if (holder.isEmpty()) {
      throw refuse(
          principal,
          s3.target().canonical(),
          "no table's location holds " + s3.target().canonical(),
          null);
    }
    return sign(principal, holder.get(), s3, request);
  }

  private S3Request parse(String resource, RemoteSignRequest request) {
    if (!enabled()) {
      throw new BadRequestException("Remote signing is not enabled: %s", disabledBecause());
    }
    if (request.provider() != null && !request.provider().equals("s3")) {
      throw new BadRequestException(
          "Invalid sign request: provider '%s' is not signed (only 's3')", request.provider());
    }
    if (request.method() == null || request.uri() == null || request.region() == null) {
      throw new BadRequestException("Invalid sign request: method, uri and region are required");
    }
    request
        .headers()
        .forEach(
            (name, values) -> {
              if (name == null
                  || !name.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")
                  || values == null
                  || values.stream()
                      .anyMatch(v -> v == null || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0)) {
                throw new BadRequestException(
                    "Invalid sign request: header %s is not a valid HTTP header", name);
              }
            });
    // an InvalidLocationException (a key that walks up, or is malformed) is a 400 naming it
    try {
      return parser.parse(request.method(), request.uri(), request.headers(), request.body());
    } catch (S3RequestRefusedException e) {
      throw refuse(authorizer.principal(), resource, e.getMessage(), null);
    }
  }

  private Signature sign(
      Principal principal, TableIdentifier table, S3Request s3, RemoteSignRequest request) {
    String name = Names.text(table);
    String resource = name + " " + request.method() + " " + s3.target().canonical();
    // decided on the name first, as every catalog decision is: a refusal says nothing of existence
    Verdict verdict = decide(principal, table, s3);
    if (!verdict.allowed()) {
      throw refuse(principal, resource, verdict.rule(), verdict.policyVersion());
    }
    Optional<Found> current = tables.find(table).filter(f -> !f.view());
    if (current.isEmpty()) {
      return signForUnlisted(principal, table, s3, request, resource);
    }
    Found found = current.get();
    StorageLocation location = StorageLocation.parse(found.location());
    if (!s3.isWithin(location)) {
      throw refuse(
          principal,
          resource,
          describe(s3) + " is not below the location of " + name + " (" + location + ")",
          verdict.policyVersion());
    }
    boolean writeOnly = verdict.decision() != null && verdict.decision().action() == Action.WRITE;
    if (writeOnly && !s3.operation().writes()) {
      // a writer that may not read the table reads only what a commit needs
      StorageLocation metadata = location.resolve(METADATA_DIRECTORY);
      if (!s3.isWithin(metadata)) {
        throw refuse(
            principal,
            resource,
            principal
                + " may write "
                + name
                + " but not read it: only its metadata ("
                + metadata
                + "/) is readable",
            verdict.policyVersion());
      }
    }
    if (verdict.decision() != null && verdict.decision().action() == Action.READ) {
      Verdict restriction =
          authorizer.readRestriction(
              principal, table, verdict.decision(), found::currentColumns, found::columns);
      if (restriction != null) {
        throw refuse(principal, resource, restriction.rule(), restriction.policyVersion());
      }
    }
    recordAllowed(principal, resource, s3, verdict);
    return signed(s3, request);
  }

  /**
   * Files of a table the catalog does not list: staged for creation, or dropped without purge a
   * moment ago. Whoever may write the name may write below a staged table's location, or delete
   * below a dropped one's, and read its metadata (a purge reads it to find the files); nothing
   * else. Otherwise, the table does not exist.
   */
  private Signature signForUnlisted(
      Principal principal,
      TableIdentifier table,
      S3Request s3,
      RemoteSignRequest request,
      String resource) {
    String name = Names.text(table);
    OffsetDateTime since = OffsetDateTime.now(ZoneOffset.UTC).minus(config.unlistedTableWindow());
    Optional<CatalogStore.Unlisted> unlisted = store.recentlyUnlisted(table, since);
    if (unlisted.isEmpty()) {
      throw new NoSuchTableException("Table does not exist: %s", name);
    }
    Verdict write =
        authorizer.isAdmin(principal)
            ? Verdict.allow("administrators may use every table's files")
            : authorizer.decisions().table(principal, Action.WRITE, Names.table(table));
    if (!write.allowed()) {
      throw refuse(principal, resource, write.rule(), write.policyVersion());
    }
    boolean staged = unlisted.get().reason() == UnlistedTableEntity.Reason.STAGED;
    StorageLocation location = StorageLocation.parse(unlisted.get().location());
    StorageLocation reachable =
        s3.operation().writes() ? location : location.resolve(METADATA_DIRECTORY);
    boolean allowed =
        s3.isWithin(reachable) && (staged || s3.operation() != S3Operation.WRITE_OBJECT);
    String state =
        staged
            ? name + " is being created: its files below " + location + " may be written"
            : name + " was dropped: its files below " + location + " may only be deleted";
    if (!allowed) {
      throw refuse(
          principal,
          resource,
          state
              + " (and its metadata read), for "
              + config.unlistedTableWindow()
              + "; "
              + describe(s3)
              + " is not that",
          write.policyVersion());
    }
    recordAllowed(
        principal,
        resource,
        s3,
        new Verdict(true, write.rule() + "; " + state, write.policyVersion(), write.decision()));
    return signed(s3, request);
  }

  private Signature signed(S3Request s3, RemoteSignRequest request) {
    S3RequestSigner.Signed signed =
        signer.sign(
            request.method(),
            request.uri(),
            request.headers(),
            s3.operation() == S3Operation.DELETE_OBJECTS ? request.body() : null);
    return new Signature(
        ImmutableRemoteSignResponse.builder().uri(signed.uri()).headers(signed.headers()).build(),
        config.reusableReads() && s3.operation() == S3Operation.READ_OBJECT);
  }

  /** Reads need read access (or, for the metadata tree, write access); writes need write. */
  private Verdict decide(Principal principal, TableIdentifier table, S3Request s3) {
    if (authorizer.isAdmin(principal)) {
      return Verdict.allow("administrators may use every table's files");
    }
    List<Action> actions =
        s3.operation().writes() ? List.of(Action.WRITE) : List.of(Action.READ, Action.WRITE);
    return authorizer.decisions().firstAllowed(principal, Names.table(table), actions);
  }

  private void recordAllowed(Principal principal, String resource, S3Request s3, Verdict verdict) {
    boolean record =
        config.audit() == SigningConfig.AuditMode.ALL
            || s3.operation().writes()
            || ThreadLocalRandom.current().nextDouble() < config.auditSampleRate();
    if (record) {
      audit.record(
          new AuditEntry(
              principal.self().toString(),
              OPERATION,
              resource,
              true,
              verdict.rule(),
              verdict.policyVersion()));
    }
  }

  private ForbiddenException refuse(
      Principal principal, String resource, String rule, Integer policyVersion) {
    audit.record(
        new AuditEntry(
            principal.self().toString(), OPERATION, resource, false, rule, policyVersion));
    return new ForbiddenException(
        "%s may not have %s signed: %s", principal.self(), resource, rule);
  }

  private static String describe(S3Request s3) {
    return s3.targets().size() == 1
        ? s3.target().canonical()
        : s3.targets().size() + " objects (first " + s3.target().canonical() + ")";
  }
}
