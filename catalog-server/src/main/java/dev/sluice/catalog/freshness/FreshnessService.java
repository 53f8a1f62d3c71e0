package dev.sluice.catalog.freshness;

import dev.sluice.catalog.lineage.CatalogLineageEmitter;
import dev.sluice.catalog.lineage.DatasetNaming;
import dev.sluice.catalog.lineage.LineageConfig;
import dev.sluice.catalog.persistence.FreshnessStore;
import dev.sluice.catalog.persistence.LineageTableSource;
import dev.sluice.catalog.policy.ActivePolicy;
import dev.sluice.catalog.policy.PolicyService;
import dev.sluice.lineage.DatasetId;
import dev.sluice.lineage.DatasetVersion;
import dev.sluice.lineage.JobDatasets;
import dev.sluice.lineage.JobId;
import dev.sluice.lineage.RunView;
import dev.sluice.lineage.freshness.FreshnessEvaluation;
import dev.sluice.lineage.freshness.FreshnessEvaluation.Dataset;
import dev.sluice.lineage.freshness.FreshnessEvaluation.Verdict;
import dev.sluice.policy.model.Contract;
import dev.sluice.policy.model.PolicyBundle;
import dev.sluice.policy.model.TableName;
import dev.sluice.zones.InvalidLocationException;
import dev.sluice.zones.StorageLocation;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Judges every table under a freshness contract (its dataset's or its zone's) with the active
 * policy. A table's age counts from its last data commit, read from the catalog's own commit runs
 * in the lineage tables (one query for all tables; see {@link FreshnessStore#lastDataCommits}); a
 * table with none counts from its creation. Its upstream is read from the lineage projection, one
 * query per level for all contracted tables at once; a lineage dataset is a table when its location
 * is the table's location.
 */
@ApplicationScoped
public class FreshnessService {
  /** The farthest upstream a walk goes, in datasets. */
  static final int MAX_DEPTH = 64;

  private final FreshnessStore store;
  private final PolicyService policies;
  private final LineageTableSource lineage;
  private final LineageConfig lineageConfig;

  @Inject
  public FreshnessService(
      FreshnessStore store,
      PolicyService policies,
      LineageTableSource lineage,
      LineageConfig lineageConfig) {
    this.store = store;
    this.policies = policies;
    this.lineage = lineage;
    this.lineageConfig = lineageConfig;
  }

  /**
   * One judgement of every contracted table. {@code policyActive} is false when no policy was
   * applied yet: then nothing is judged, and nothing may be taken as fresh either.
   */
  public record Evaluation(Instant at, boolean policyActive, List<Verdict> verdicts) {
    public Evaluation {
      verdicts = List.copyOf(verdicts);
    }

    public long staleCount() {
      return verdicts.stream().filter(Verdict::stale).count();
    }
  }

  public Evaluation evaluate(Instant now) {
    Optional<ActivePolicy> active = policies.active();
    if (active.isEmpty()) {
      return new Evaluation(now, false, List.of());
    }
    PolicyBundle bundle = active.get().engine().bundle();
    if (!promisesFreshness(bundle)) {
      // no contract anywhere bounds staleness: not even the table list is read
      return new Evaluation(now, true, List.of());
    }
    List<Table> tables = new ArrayList<>();
    boolean anyContracted = false;
    for (FreshnessStore.TableRow row : store.tables()) {
      TableName name =
          TableName.of(
              Arrays.asList(row.identifier().namespace().levels()), row.identifier().name());
      Optional<Duration> bound = bundle.contract(name).flatMap(Contract::freshness);
      anyContracted |= bound.isPresent();
      tables.add(new Table(row, name.toString(), bound, dataset(row.location())));
    }
    if (!anyContracted) {
      return new Evaluation(now, true, List.of());
    }

    Map<String, Instant> commits = store.lastDataCommits(lineageConfig.jobNamespace());
    Map<String, Dataset> datasets = new HashMap<>();
    Map<String, Table> byLocation = new HashMap<>();
    for (Table table : tables) {
      Instant committed =
          commits.get(CatalogLineageEmitter.commitJobName(table.row().identifier()));
      datasets.put(
          table.name(),
          new Dataset(
              table.name(),
              committed != null ? committed : table.row().createdAt(),
              committed != null,
              table.bound()));
      if (table.row().location() != null) {
        byLocation.put(table.row().location(), table);
      }
    }

    List<DatasetId> starts = new ArrayList<>();
    for (Table table : tables) {
      if (table.bound().isPresent() && table.dataset() != null) {
        starts.add(table.dataset());
      }
    }
    Map<String, Set<String>> upstream = new HashMap<>();
    upstream(starts)
        .forEach(
            (dataset, parents) -> {
              Set<String> names = new LinkedHashSet<>();
              parents.forEach(parent -> names.add(nameOf(parent, byLocation)));
              upstream.put(nameOf(dataset, byLocation), names);
            });
    return new Evaluation(now, true, FreshnessEvaluation.evaluate(datasets, upstream, now));
  }

  /** Whether any zone default or dataset contract of the bundle has a max staleness. */
  private static boolean promisesFreshness(PolicyBundle bundle) {
    return bundle.zones().values().stream()
            .anyMatch(zone -> zone.contract() != null && zone.contract().freshness().isPresent())
        || bundle.datasets().values().stream()
            .anyMatch(
                dataset ->
                    dataset.contract() != null && dataset.contract().freshness().isPresent());
  }

  /**
   * The datasets each dataset reached from {@code starts} was derived from: the inputs of the jobs
   * writing it (the catalog's own commit jobs read nothing), walked upstream level by level.
   */
  private Map<DatasetId, Set<DatasetId>> upstream(List<DatasetId> starts) {
    Map<DatasetId, Set<DatasetId>> parents = new HashMap<>();
    Set<DatasetId> seen = new HashSet<>(starts);
    List<DatasetId> frontier = new ArrayList<>(seen);
    for (int level = 0; level < MAX_DEPTH && !frontier.isEmpty(); level++) {
      Map<DatasetId, Set<JobId>> writers = lineage.jobsOf(frontier, false);
      Set<JobId> jobs = new HashSet<>();
      writers.values().forEach(jobs::addAll);
      // what each job's latest completed run read made the data it last wrote; a job that never
      // completed a run is judged by every input it ever reported
      Map<JobId, RunView> latest = jobs.isEmpty() ? Map.of() : lineage.latestCompletedRuns(jobs);
      Set<JobId> withoutRun = new HashSet<>(jobs);
      withoutRun.removeAll(latest.keySet());
      Map<JobId, JobDatasets> io =
          withoutRun.isEmpty() ? new HashMap<>() : new HashMap<>(lineage.datasetsOf(withoutRun));
      latest.forEach(
          (job, run) ->
              io.put(
                  job,
                  new JobDatasets(
                      run.inputs().stream()
                          .map(DatasetVersion::dataset)
                          .collect(Collectors.toSet()),
                      Set.of())));
      List<DatasetId> next = new ArrayList<>();
      for (DatasetId dataset : frontier) {
        for (JobId job : writers.getOrDefault(dataset, Set.of())) {
          JobDatasets read = io.get(job);
          if (read == null) {
            continue;
          }
          for (DatasetId input : read.inputs()) {
            if (input.equals(dataset)) {
              continue;
            }
            parents.computeIfAbsent(dataset, d -> new LinkedHashSet<>()).add(input);
            if (seen.add(input)) {
              next.add(input);
            }
          }
        }
      }
      frontier = next;
    }
    return parents;
  }

  /** The table's name when the dataset is a table of the catalog, else its lineage name. */
  private static String nameOf(DatasetId dataset, Map<String, Table> byLocation) {
    Optional<String> location = DatasetNaming.locationOf(dataset);
    if (location.isPresent()) {
      try {
        Table table = byLocation.get(StorageLocation.parse(location.get()).key());
        if (table != null) {
          return table.name();
        }
      } catch (InvalidLocationException e) {
        // not a place a table can be
      }
    }
    return dataset.namespace() + "/" + dataset.name();
  }

  private static DatasetId dataset(String location) {
    if (location == null) {
      return null;
    }
    try {
      return DatasetNaming.forLocation(location);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private record Table(
      FreshnessStore.TableRow row, String name, Optional<Duration> bound, DatasetId dataset) {}
}
