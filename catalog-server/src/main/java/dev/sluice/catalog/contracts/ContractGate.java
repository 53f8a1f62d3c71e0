package dev.sluice.catalog.contracts;

import dev.sluice.catalog.alerts.AlertWebhook;
import dev.sluice.catalog.catalog.SluiceCatalog;
import dev.sluice.catalog.lineage.DatasetNaming;
import dev.sluice.catalog.lineage.LineageAccess;
import dev.sluice.catalog.lineage.LineageService;
import dev.sluice.catalog.persistence.JobStore;
import dev.sluice.catalog.policy.ActivePolicy;
import dev.sluice.catalog.policy.PolicyService;
import dev.sluice.catalog.rest.RequestIdFilter;
import dev.sluice.catalog.security.CatalogAuthorizer;
import dev.sluice.catalog.security.Names;
import dev.sluice.contracts.ContractViolation;
import dev.sluice.contracts.FileMetricsCheck;
import dev.sluice.contracts.MetricsCheckResult;
import dev.sluice.contracts.SchemaChangeCheck;
import dev.sluice.policy.model.Compatibility;
import dev.sluice.policy.model.Contract;
import dev.sluice.zones.InvalidLocationException;
import dev.sluice.zones.StorageLocation;
import io.quarkus.arc.Arc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataOperations;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotChanges;
import org.apache.iceberg.StaticTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.BadRequestException;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.types.TypeUtil;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Holds each commit to its table's contract before the new metadata file is written: the schema and
 * partition change against the declared compatibility, and the metrics of the data files the commit
 * adds against the declared fields. With severity {@code error} a violation refuses the commit;
 * with {@code warning} the commit goes ahead and the violation is recorded once the commit is known
 * to have landed.
 */
@ApplicationScoped
public class ContractGate {
  private static final Logger LOG = Logger.getLogger(ContractGate.class);

  private final PolicyService policies;
  private final LineageService lineage;
  private final ContractsConfig config;
  private final ContractFindingStore findings;
  private final CatalogAuthorizer authorizer;
  private final PendingContractFindings pending;
  private final AlertWebhook webhook;
  private final JobStore jobs;
  private final LineageAccess access;

  @Inject
  ContractGate(
      PolicyService policies,
      LineageService lineage,
      ContractsConfig config,
      ContractFindingStore findings,
      CatalogAuthorizer authorizer,
      PendingContractFindings pending,
      AlertWebhook webhook,
      JobStore jobs,
      LineageAccess access) {
    this.access = access;
    this.webhook = webhook;
    this.jobs = jobs;
    this.policies = policies;
    this.lineage = lineage;
    this.config = config;
    this.findings = findings;
    this.authorizer = authorizer;
    this.pending = pending;
  }

  /**
   * Judges the change from {@code base} (null for a new table) to {@code metadata}; {@code io}
   * reads the manifests of the snapshots it adds. Throws {@link ContractViolationException} when
   * the contract refuses it.
   */
  public void check(
      TableIdentifier identifier, TableMetadata base, TableMetadata metadata, FileIO io) {
    Optional<Contract> contract = contractOf(identifier);
    if (contract.isPresent()) {
      judge(identifier, contract.get(), base, metadata, io, true);
    }
  }

  /** This gate as the catalog's check of commits and registrations. */
  public SluiceCatalog.CommitCheck commitCheck() {
    return new SluiceCatalog.CommitCheck() {
      @Override
      public void check(
          TableIdentifier identifier, TableMetadata base, TableMetadata metadata, FileIO io) {
        ContractGate.this.check(identifier, base, metadata, io);
      }

      @Override
      public void registered(
          TableIdentifier identifier, Supplier<TableMetadata> current, TableMetadata metadata) {
        checkRegistered(identifier, current, metadata);
      }
    };
  }

  /**
   * Judges a registration: the file's schema and partitioning against what the pointer names now
   * ({@code current}, read only when a contract applies; a table whose current file is gone is
   * judged as new). Files already written are not judged: their rules are recorded as unchecked.
   */
  public void checkRegistered(
      TableIdentifier identifier, Supplier<TableMetadata> current, TableMetadata metadata) {
    Optional<Contract> contract = contractOf(identifier);
    if (contract.isEmpty()) {
      return;
    }
    TableMetadata base;
    try {
      base = current.get();
    } catch (NotFoundException e) {
      base = null;
    }
    judge(identifier, contract.get(), base, metadata, null, false);
  }

  /** The contract that applies to a table in a request; empty outside one or without a policy. */
  private Optional<Contract> contractOf(TableIdentifier identifier) {
    Optional<ActivePolicy> active = policies.active();
    // findings belong to a request; the server's own jobs run in one of their own
    if (active.isEmpty() || !Arc.container().requestContext().isActive()) {
      return Optional.empty();
    }
    return active.get().engine().bundle().contract(Names.table(identifier));
  }

  private void judge(
      TableIdentifier identifier,
      Contract contract,
      TableMetadata base,
      TableMetadata metadata,
      FileIO io,
      boolean judgeValues) {
    String dataset = Names.text(identifier);
    int version = policies.active().map(ActivePolicy::version).orElse(0);
    boolean schemaChange = base == null || schemaOrSpecChanged(base, metadata);
    ContractJudgement judgement =
        new ContractJudgement(
            dataset, contract, version, schemaChange && base != null ? readers(base) : Map.of());
    if (schemaChange) {
      judgement.add(
          SchemaChangeCheck.check(
              contract,
              base == null ? null : base.schema(),
              base == null ? null : base.spec(),
              metadata.schema(),
              metadata.spec(),
              judgement.readers()));
    }
    if (!judgeValues) {
      // one unchecked finding per value rule; none when the contract has no value rules
      judgement.uncheckedValues(
          "the files of a registered or renamed table were written before; only new commits are"
              + " judged on values");
    } else if (checksValues(contract)) {
      Set<Long> known = new HashSet<>();
      if (base != null) {
        base.snapshots().forEach(snapshot -> known.add(snapshot.snapshotId()));
      }
      for (Snapshot snapshot : metadata.snapshots()) {
        // a replace (compaction) rewrites rows already in the table; it adds no new data
        if (!known.contains(snapshot.snapshotId())
            && !DataOperations.REPLACE.equals(snapshot.operation())) {
          judgement.add(addedFiles(dataset, contract, metadata, snapshot, io));
        }
      }
    }
    pending.put(identifier, judgement.findings(this.findingsOf(judgement)));
    if (judgement.refuses()) {
      throw new ContractViolationException(identifier, judgement.refusal());
    }
  }

  /**
   * The metrics of the data files a new snapshot adds, judged; only its manifest list and the
   * manifests it adds are read, and only from under the table's own location.
   */
  private static MetricsCheckResult addedFiles(
      String dataset, Contract contract, TableMetadata metadata, Snapshot snapshot, FileIO io) {
    try {
      for (ManifestFile manifest : snapshot.allManifests(io)) {
        if (manifest.snapshotId() != null
            && manifest.snapshotId() == snapshot.snapshotId()
            && !within(manifest.path(), metadata.location())
            && !within(
                manifest.path(),
                metadata.properties().get(TableProperties.WRITE_METADATA_LOCATION))) {
          throw new BadRequestException(
              "Cannot check the commit to %s against its contract: manifest %s is outside the"
                  + " table's location %s (and its write.metadata.path)",
              dataset, manifest.path(), metadata.location());
        }
      }
      // the table as it will be, read-only
      Table next = new BaseTable(new StaticTableOperations(metadata, io), dataset);
      Iterable<DataFile> files =
          SnapshotChanges.builderFor(next).snapshot(snapshot).build().addedDataFiles();
      return FileMetricsCheck.check(contract, metadata.schema(), metadata.properties(), files);
    } catch (NotFoundException e) {
      // an engine writes the manifests before it commits; a snapshot without them is broken
      throw new BadRequestException(
          "Cannot check the commit to %s against its contract: %s", dataset, e.getMessage());
    } catch (BadRequestException | ContractViolationException e) {
      throw e;
    } catch (RuntimeException e) {
      // the store failed to answer (an I/O error, an S3 5xx): nothing was written, and the engine
      // may safely try again, so this is no "state unknown"
      throw new CommitFailedException(
          e,
          "Cannot read the new manifests of %s to check its contract; retry: %s",
          dataset,
          e.getMessage());
    }
  }

  /**
   * A rename moves a table's name: a contracted table may not be renamed away (its consumers read
   * it by name), and a table renamed into a contracted name must keep that contract as a new table
   * would. {@code metadata} gives the table's current metadata.
   */
  public void checkRename(
      TableIdentifier from, TableIdentifier to, Supplier<TableMetadata> metadata) {
    Optional<Contract> leaving = contractOf(from);
    Optional<Contract> arriving = contractOf(to);
    if (leaving.isEmpty() && arriving.isEmpty()) {
      return;
    }
    TableMetadata current = metadata.get();
    if (current == null) {
      throw new NoSuchTableException("Table does not exist: %s", from);
    }
    // the same contract under both names (a zone default, say) promises consumers the same
    if (leaving.isPresent()
        && !leaving.equals(arriving)
        && leaving.get().effectiveCompatibility() != Compatibility.NONE) {
      ContractJudgement judgement =
          new ContractJudgement(
              Names.text(from),
              leaving.get(),
              policies.active().map(ActivePolicy::version).orElse(0),
              Map.of());
      judgement.add(
          List.of(
              new ContractViolation(
                  "rename-table",
                  null,
                  null,
                  "Table "
                      + Names.text(from)
                      + " is renamed to "
                      + Names.text(to)
                      + ", which compatibility "
                      + leaving.get().effectiveCompatibility().spelling()
                      + " refuses: its consumers read it by name.",
                  leaving.get().origin())));
      pending.put(from, judgement.findings(findingsOf(judgement)));
      if (judgement.refuses()) {
        throw new ContractViolationException(from, judgement.refusal());
      }
    }
    if (arriving.isPresent()) {
      judge(to, arriving.get(), null, current, null, false);
    }
  }

  /**
   * Runs a commit and records what its contract checks found once the outcome is known: refusals
   * and accepted warnings are stored; after an unknown outcome they are only logged, since the
   * commit may or may not have landed.
   */
  public <T> T recording(Supplier<T> commit) {
    if (!Arc.container().requestContext().isActive()) {
      return commit.get();
    }
    T result;
    try {
      result = commit.get();
    } catch (ContractViolationException e) {
      // in a transaction the other tables' changes did not land either: only the refusal counts
      store(pending.take(e.table()));
      throw e;
    } catch (CommitStateUnknownException e) {
      pending.take().forEach(f -> LOG.warnf("Commit outcome unknown; not recorded: %s", f));
      throw e;
    } catch (RuntimeException e) {
      pending.take();
      throw e;
    }
    store(pending.take());
    return result;
  }

  private void store(List<ContractFinding> found) {
    try {
      findings.append(found);
    } catch (RuntimeException e) {
      found.forEach(f -> LOG.errorf(e, "Contract finding not stored: %s", f));
    }
    alert(found);
  }

  /** One contract-warning event per table whose commit landed with violations. */
  private void alert(List<ContractFinding> found) {
    Map<String, List<ContractFinding>> warned = new LinkedHashMap<>();
    for (ContractFinding finding : found) {
      if (finding.outcome() == ContractFinding.Outcome.WARNED) {
        warned.computeIfAbsent(finding.dataset(), d -> new ArrayList<>()).add(finding);
      }
    }
    for (var entry : warned.entrySet()) {
      ContractWarningEvent event = ContractWarningEvent.of(entry.getKey(), entry.getValue());
      LOG.warn(event.summary());
      JobStore.NewJob delivery =
          webhook.delivery("contract-warning " + entry.getKey(), event, "sluice:contracts");
      if (delivery == null) {
        continue;
      }
      try {
        jobs.enqueue(delivery);
      } catch (RuntimeException e) {
        LOG.errorf(e, "Contract warning alert not queued: %s", event.summary());
      }
    }
  }

  /** True when {@code path} is a well-formed location at or below the table's {@code root}. */
  private static boolean within(String path, String root) {
    if (root == null) {
      return false;
    }
    try {
      return StorageLocation.parse(path).isWithin(StorageLocation.parse(root));
    } catch (InvalidLocationException e) {
      return false;
    }
  }

  private static boolean schemaOrSpecChanged(TableMetadata base, TableMetadata metadata) {
    return !base.schema().sameSchema(metadata.schema())
        || base.schema().schemaId() != metadata.schema().schemaId()
        || !base.spec().equals(metadata.spec());
  }

  private static boolean checksValues(Contract contract) {
    return !ContractJudgement.valueRules(contract).isEmpty();
  }

  private Map<String, List<String>> readers(TableMetadata base) {
    try {
      Instant since = Instant.now().minus(config.lineageWindow());
      return new LineageReaders(lineage.graph(), since, access.forCaller())
          .of(
              DatasetNaming.forLocation(base.location()),
              TypeUtil.indexByName(base.schema().asStruct()).keySet());
    } catch (RuntimeException e) {
      // the declared consumers still protect the contract; lineage only adds to them
      LOG.warnf(e, "Lineage readers of %s could not be read", base.location());
      return Map.of();
    }
  }

  /** Findings of this request, as this principal, under the judgement's policy version. */
  private ContractJudgement.FindingFactory findingsOf(ContractJudgement judgement) {
    Object requestId = MDC.get(RequestIdFilter.MDC_KEY);
    String principal = principal();
    return (outcome, rule, field, file, message, origin) ->
        new ContractFinding(
            0,
            judgement.dataset,
            outcome,
            rule,
            field,
            file,
            message,
            origin,
            judgement.policyVersion,
            principal,
            requestId == null ? null : requestId.toString(),
            null);
  }

  private String principal() {
    try {
      return authorizer.principal().self().toString();
    } catch (RuntimeException e) {
      return "unknown";
    }
  }
}
