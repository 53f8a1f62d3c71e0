package dev.sluice.lineage;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

/**
 * The lineage graph in memory: datasets and jobs joined by read and write edges, column edges, and
 * runs with the dataset versions they used. Events are applied in any order and any number of times
 * with the same result. Answers are sorted by name. Safe for concurrent use.
 */
public final class LineageGraph {
  private final ReadWriteLock lock = new ReentrantReadWriteLock();

  private final Set<DatasetId> datasets = new HashSet<>();
  private final Set<JobId> jobs = new HashSet<>();
  private final Map<JobId, Set<DatasetId>> jobInputs = new HashMap<>();
  private final Map<JobId, Set<DatasetId>> jobOutputs = new HashMap<>();
  private final Map<DatasetId, Set<JobId>> readers = new HashMap<>();
  private final Map<DatasetId, Set<JobId>> writers = new HashMap<>();
  private final Map<ColumnRef, Set<ColumnEdge>> columnSources = new HashMap<>();
  private final Map<ColumnRef, Set<ColumnEdge>> columnTargets = new HashMap<>();
  private final Map<UUID, MutableRun> runs = new HashMap<>();
  private final Map<JobId, Set<UUID>> runsByJob = new HashMap<>();

  /** Projects one event into the graph. */
  public void apply(LineageEvent event) {
    lock.writeLock().lock();
    try {
      event.inputs().forEach(v -> datasets.add(v.dataset()));
      event.outputs().forEach(v -> datasets.add(v.dataset()));
      event.job().ifPresent(job -> link(job, event));
      for (ColumnEdge edge : event.columnEdges()) {
        datasets.add(edge.source().dataset());
        datasets.add(edge.target().dataset());
        columnSources.computeIfAbsent(edge.target(), k -> new HashSet<>()).add(edge);
        columnTargets.computeIfAbsent(edge.source(), k -> new HashSet<>()).add(edge);
      }
      if (event.kind() == LineageEvent.Kind.RUN) {
        UUID runId = event.runId().orElseThrow();
        JobId job = event.job().orElseThrow();
        MutableRun run = runs.computeIfAbsent(runId, id -> new MutableRun(id, job));
        run.apply(event);
        runsByJob.computeIfAbsent(job, k -> new HashSet<>()).add(runId);
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  private void link(JobId job, LineageEvent event) {
    jobs.add(job);
    for (DatasetVersion input : event.inputs()) {
      jobInputs.computeIfAbsent(job, k -> new HashSet<>()).add(input.dataset());
      readers.computeIfAbsent(input.dataset(), k -> new HashSet<>()).add(job);
    }
    for (DatasetVersion output : event.outputs()) {
      jobOutputs.computeIfAbsent(job, k -> new HashSet<>()).add(output.dataset());
      writers.computeIfAbsent(output.dataset(), k -> new HashSet<>()).add(job);
    }
  }

  public boolean contains(NodeId node) {
    return read(
        () -> node instanceof DatasetId d ? datasets.contains(d) : jobs.contains((JobId) node));
  }

  /** Nodes and edges reached from {@code start} along the data flow, up to {@code depth} edges. */
  public Subgraph downstream(NodeId start, int depth) {
    return read(() -> walk(start, depth, true));
  }

  /** Nodes and edges that {@code start} was derived from, up to {@code depth} edges. */
  public Subgraph upstream(NodeId start, int depth) {
    return read(() -> walk(start, depth, false));
  }

  private Subgraph walk(NodeId start, int depth, boolean forward) {
    Set<NodeId> seen = new LinkedHashSet<>();
    Set<Edge> edges = new HashSet<>();
    Deque<NodeId> frontier = new ArrayDeque<>();
    seen.add(start);
    frontier.add(start);
    for (int level = 0; level < depth && !frontier.isEmpty(); level++) {
      Deque<NodeId> next = new ArrayDeque<>();
      for (NodeId node : frontier) {
        for (NodeId neighbour : neighbours(node, forward)) {
          edges.add(forward ? new Edge(node, neighbour) : new Edge(neighbour, node));
          if (seen.add(neighbour)) {
            next.add(neighbour);
          }
        }
      }
      frontier = next;
    }
    return new Subgraph(new ArrayList<>(seen), new ArrayList<>(edges));
  }

  private Set<? extends NodeId> neighbours(NodeId node, boolean forward) {
    if (node instanceof DatasetId dataset) {
      return (forward ? readers : writers).getOrDefault(dataset, Set.of());
    }
    return (forward ? jobOutputs : jobInputs).getOrDefault((JobId) node, Set.of());
  }

  /**
   * Everything affected by a problem in {@code source}: every dataset and job downstream at any
   * depth, and every run that read {@code source} or one of those datasets.
   */
  public Impact impact(DatasetId source) {
    return read(
        () -> {
          Subgraph down = walk(source, Integer.MAX_VALUE, true);
          List<DatasetId> affected = new ArrayList<>();
          List<JobId> affectedJobs = new ArrayList<>();
          for (NodeId node : down.nodes()) {
            if (node instanceof DatasetId d && !d.equals(source)) {
              affected.add(d);
            } else if (node instanceof JobId j) {
              affectedJobs.add(j);
            }
          }
          Set<DatasetId> tainted = new HashSet<>(affected);
          tainted.add(source);
          List<RunView> affectedRuns = new ArrayList<>();
          for (JobId job : affectedJobs) {
            for (UUID runId : runsByJob.getOrDefault(job, Set.of())) {
              MutableRun run = runs.get(runId);
              if (run.inputs.stream().anyMatch(v -> tainted.contains(v.dataset()))) {
                affectedRuns.add(run.view());
              }
            }
          }
          return new Impact(source, affected, affectedJobs, affectedRuns);
        });
  }

  /** The column edges that {@code column} was derived through, up to {@code depth} hops. */
  public List<ColumnEdge> columnLineage(ColumnRef column, int depth) {
    return read(() -> columnWalk(column, depth, columnSources, ColumnEdge::source));
  }

  /** The columns derived from {@code column}, up to {@code depth} hops. */
  public List<ColumnEdge> columnDescendants(ColumnRef column, int depth) {
    return read(() -> columnWalk(column, depth, columnTargets, ColumnEdge::target));
  }

  private static List<ColumnEdge> columnWalk(
      ColumnRef start,
      int depth,
      Map<ColumnRef, Set<ColumnEdge>> index,
      Function<ColumnEdge, ColumnRef> step) {
    Set<ColumnEdge> found = new HashSet<>();
    Set<ColumnRef> seen = new HashSet<>(List.of(start));
    List<ColumnRef> frontier = List.of(start);
    for (int level = 0; level < depth && !frontier.isEmpty(); level++) {
      List<ColumnRef> next = new ArrayList<>();
      for (ColumnRef column : frontier) {
        for (ColumnEdge edge : index.getOrDefault(column, Set.of())) {
          found.add(edge);
          if (seen.add(step.apply(edge))) {
            next.add(step.apply(edge));
          }
        }
      }
      frontier = next;
    }
    return found.stream().sorted(ColumnEdge.ORDER).toList();
  }

  public Optional<RunView> run(UUID runId) {
    return read(() -> Optional.ofNullable(runs.get(runId)).map(MutableRun::view));
  }

  public List<RunView> runsOf(JobId job) {
    return read(
        () ->
            runsByJob.getOrDefault(job, Set.of()).stream()
                .map(id -> runs.get(id).view())
                .sorted(RunView.ORDER)
                .toList());
  }

  /** Datasets and jobs whose name or namespace contains {@code text}, ignoring case. */
  public List<NodeId> search(String text, int limit) {
    String needle = text.toLowerCase(Locale.ROOT);
    return read(
        () -> {
          List<NodeId> hits = new ArrayList<>();
          for (DatasetId d : datasets) {
            if (matches(d, needle)) {
              hits.add(d);
            }
          }
          for (JobId j : jobs) {
            if (matches(j, needle)) {
              hits.add(j);
            }
          }
          return hits.stream().sorted(NodeId.ORDER).limit(limit).toList();
        });
  }

  private static boolean matches(NodeId node, String needle) {
    return node.name().toLowerCase(Locale.ROOT).contains(needle)
        || node.namespace().toLowerCase(Locale.ROOT).contains(needle);
  }

  public int datasetCount() {
    return read(datasets::size);
  }

  public int jobCount() {
    return read(jobs::size);
  }

  private <T> T read(java.util.function.Supplier<T> query) {
    lock.readLock().lock();
    try {
      return query.get();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** A run's projection; guarded by the graph's lock. */
  private static final class MutableRun {
    final UUID id;
    final JobId job;
    RunState state = RunState.NEW;
    Instant stateTime = Instant.MIN;
    Instant startedAt;
    Instant endedAt;
    final Set<DatasetVersion> inputs = new HashSet<>();
    final Set<DatasetVersion> outputs = new HashSet<>();

    MutableRun(UUID id, JobId job) {
      this.id = id;
      this.job = job;
    }

    void apply(LineageEvent event) {
      inputs.addAll(event.inputs());
      outputs.addAll(event.outputs());
      Instant time = event.eventTime();
      event
          .state()
          .ifPresent(
              next -> {
                if (next == RunState.START && (startedAt == null || time.isBefore(startedAt))) {
                  startedAt = time;
                }
                if (next.isTerminal()) {
                  endedAt = endedAt == null || time.isAfter(endedAt) ? time : endedAt;
                }
                boolean advances =
                    next.rank() > state.rank()
                        || (next.rank() == state.rank() && time.isAfter(stateTime));
                if (advances) {
                  state = next;
                  stateTime = time;
                }
              });
    }

    RunView view() {
      return new RunView(
          id,
          job,
          state,
          Optional.ofNullable(startedAt),
          Optional.ofNullable(endedAt),
          known(inputs),
          known(outputs));
    }

    /** An unversioned mention (e.g. from START) gives way to the versioned one (from COMPLETE). */
    private static List<DatasetVersion> known(Set<DatasetVersion> versions) {
      Set<DatasetId> versioned = new HashSet<>();
      versions.stream()
          .filter(v -> !v.version().isEmpty())
          .forEach(v -> versioned.add(v.dataset()));
      return versions.stream()
          .filter(v -> !v.version().isEmpty() || !versioned.contains(v.dataset()))
          .toList();
    }
  }
}
