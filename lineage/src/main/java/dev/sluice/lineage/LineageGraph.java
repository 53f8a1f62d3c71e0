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
 * with the same result. Answers are sorted by name. Every question may be asked through a {@link
 * Visibility}, which the answer then neither shows nor passes through. Safe for concurrent use.
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
    return contains(node, Visibility.ALL);
  }

  /** Whether the node is known and {@code visibility} shows it. */
  public boolean contains(NodeId node, Visibility visibility) {
    boolean known =
        read(
            () -> node instanceof DatasetId d ? datasets.contains(d) : jobs.contains((JobId) node));
    return known && new Judge(visibility).sees(node);
  }

  /** Nodes and edges reached from {@code start} along the data flow, up to {@code depth} edges. */
  public Subgraph downstream(NodeId start, int depth) {
    return downstream(start, depth, Visibility.ALL);
  }

  /** As {@link #downstream(NodeId, int)}, through visible nodes only. */
  public Subgraph downstream(NodeId start, int depth, Visibility visibility) {
    return walk(start, depth, true, new Judge(visibility));
  }

  /** Nodes and edges that {@code start} was derived from, up to {@code depth} edges. */
  public Subgraph upstream(NodeId start, int depth) {
    return upstream(start, depth, Visibility.ALL);
  }

  /** As {@link #upstream(NodeId, int)}, through visible nodes only. */
  public Subgraph upstream(NodeId start, int depth, Visibility visibility) {
    return walk(start, depth, false, new Judge(visibility));
  }

  /**
   * A breadth-first walk that never enters a node the judge hides. Each step reads its neighbours
   * under the lock and judges them outside it: judging may be slow (a catalog look-up) and must not
   * hold up ingest. The graph only grows, so the steps see a consistent picture.
   */
  private Subgraph walk(NodeId start, int depth, boolean forward, Judge judge) {
    if (!judge.sees(start)) {
      return new Subgraph(List.of(), List.of());
    }
    Set<NodeId> seen = new LinkedHashSet<>();
    Set<Edge> edges = new HashSet<>();
    Deque<NodeId> frontier = new ArrayDeque<>();
    seen.add(start);
    frontier.add(start);
    for (int level = 0; level < depth && !frontier.isEmpty(); level++) {
      Deque<NodeId> next = new ArrayDeque<>();
      for (NodeId node : frontier) {
        for (NodeId neighbour : neighbours(node, forward)) {
          if (!judge.sees(neighbour)) {
            continue;
          }
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

  private Set<NodeId> neighbours(NodeId node, boolean forward) {
    return read(
        () -> {
          Set<? extends NodeId> found =
              node instanceof DatasetId dataset
                  ? (forward ? readers : writers).getOrDefault(dataset, Set.of())
                  : (forward ? jobOutputs : jobInputs).getOrDefault((JobId) node, Set.of());
          return Set.copyOf(found);
        });
  }

  /** The datasets a job reads or writes. */
  private Set<DatasetId> datasetsOf(JobId job) {
    return read(
        () -> {
          Set<DatasetId> all = new HashSet<>(jobInputs.getOrDefault(job, Set.of()));
          all.addAll(jobOutputs.getOrDefault(job, Set.of()));
          return all;
        });
  }

  /**
   * Everything affected by a problem in {@code source}: every dataset and job downstream at any
   * depth, and every run that read {@code source} or one of those datasets.
   */
  public Impact impact(DatasetId source) {
    return impact(source, Visibility.ALL);
  }

  /** As {@link #impact(DatasetId)}, through visible nodes only, runs showing visible versions. */
  public Impact impact(DatasetId source, Visibility visibility) {
    Judge judge = new Judge(visibility);
    Subgraph down = walk(source, Integer.MAX_VALUE, true, judge);
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
      for (RunView run : runViews(job)) {
        RunView shown = judge.filter(run);
        if (shown.inputs().stream().anyMatch(v -> tainted.contains(v.dataset()))) {
          affectedRuns.add(shown);
        }
      }
    }
    return new Impact(source, affected, affectedJobs, affectedRuns);
  }

  /** The column edges that {@code column} was derived through, up to {@code depth} hops. */
  public List<ColumnEdge> columnLineage(ColumnRef column, int depth) {
    return columnLineage(column, depth, Visibility.ALL);
  }

  /** As {@link #columnLineage(ColumnRef, int)}, through columns of visible datasets only. */
  public List<ColumnEdge> columnLineage(ColumnRef column, int depth, Visibility visibility) {
    return columnWalk(column, depth, columnSources, ColumnEdge::source, new Judge(visibility));
  }

  /** The columns derived from {@code column}, up to {@code depth} hops. */
  public List<ColumnEdge> columnDescendants(ColumnRef column, int depth) {
    return columnDescendants(column, depth, Visibility.ALL);
  }

  /** As {@link #columnDescendants(ColumnRef, int)}, through columns of visible datasets only. */
  public List<ColumnEdge> columnDescendants(ColumnRef column, int depth, Visibility visibility) {
    return columnWalk(column, depth, columnTargets, ColumnEdge::target, new Judge(visibility));
  }

  private List<ColumnEdge> columnWalk(
      ColumnRef start,
      int depth,
      Map<ColumnRef, Set<ColumnEdge>> index,
      Function<ColumnEdge, ColumnRef> step,
      Judge judge) {
    if (!judge.sees(start.dataset())) {
      return List.of();
    }
    Set<ColumnEdge> found = new HashSet<>();
    Set<ColumnRef> seen = new HashSet<>(List.of(start));
    List<ColumnRef> frontier = List.of(start);
    for (int level = 0; level < depth && !frontier.isEmpty(); level++) {
      List<ColumnRef> next = new ArrayList<>();
      for (ColumnRef column : frontier) {
        Set<ColumnEdge> edges = read(() -> Set.copyOf(index.getOrDefault(column, Set.of())));
        for (ColumnEdge edge : edges) {
          ColumnRef other = step.apply(edge);
          if (!judge.sees(other.dataset())) {
            continue;
          }
          found.add(edge);
          if (seen.add(other)) {
            next.add(other);
          }
        }
      }
      frontier = next;
    }
    return found.stream().sorted(ColumnEdge.ORDER).toList();
  }

  public Optional<RunView> run(UUID runId) {
    return run(runId, Visibility.ALL);
  }

  /** The run, when its job is visible, with its visible dataset versions. */
  public Optional<RunView> run(UUID runId, Visibility visibility) {
    Optional<RunView> run = read(() -> Optional.ofNullable(runs.get(runId)).map(MutableRun::view));
    Judge judge = new Judge(visibility);
    return run.filter(r -> judge.sees(r.job())).map(judge::filter);
  }

  public List<RunView> runsOf(JobId job) {
    return runsOf(job, Visibility.ALL);
  }

  /** The runs of the job when it is visible, each with its visible dataset versions. */
  public List<RunView> runsOf(JobId job, Visibility visibility) {
    Judge judge = new Judge(visibility);
    if (!judge.sees(job)) {
      return List.of();
    }
    return runViews(job).stream().map(judge::filter).sorted(RunView.ORDER).toList();
  }

  private List<RunView> runViews(JobId job) {
    return read(
        () ->
            runsByJob.getOrDefault(job, Set.of()).stream().map(id -> runs.get(id).view()).toList());
  }

  /** Datasets and jobs whose name or namespace contains {@code text}, ignoring case. */
  public List<NodeId> search(String text, int limit) {
    return search(text, limit, Visibility.ALL);
  }

  /**
   * As {@link #search(String, int)}, visible nodes only; the limit counts visible hits, and hidden
   * ones are judged no further than needed to fill it.
   */
  public List<NodeId> search(String text, int limit, Visibility visibility) {
    String needle = text.toLowerCase(Locale.ROOT);
    List<NodeId> hits =
        read(
            () -> {
              List<NodeId> found = new ArrayList<>();
              for (DatasetId d : datasets) {
                if (matches(d, needle)) {
                  found.add(d);
                }
              }
              for (JobId j : jobs) {
                if (matches(j, needle)) {
                  found.add(j);
                }
              }
              return found;
            });
    Judge judge = new Judge(visibility);
    return hits.stream().sorted(NodeId.ORDER).filter(judge::sees).limit(limit).toList();
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

  /** One answer's view of a {@link Visibility}: each node is judged once per answer. */
  private final class Judge {
    private final Visibility visibility;
    private final Map<DatasetId, Boolean> datasetAnswers = new HashMap<>();
    private final Map<JobId, Boolean> jobAnswers = new HashMap<>();

    Judge(Visibility visibility) {
      this.visibility = visibility;
    }

    boolean sees(NodeId node) {
      return node instanceof DatasetId d ? sees(d) : sees((JobId) node);
    }

    boolean sees(DatasetId dataset) {
      if (visibility == Visibility.ALL) {
        return true;
      }
      Boolean known = datasetAnswers.get(dataset);
      if (known == null) {
        known = visibility.dataset(dataset);
        datasetAnswers.put(dataset, known);
      }
      return known;
    }

    boolean sees(JobId job) {
      if (visibility == Visibility.ALL) {
        return true;
      }
      Boolean known = jobAnswers.get(job);
      if (known == null) {
        known =
            visibility
                .jobRule(job)
                .orElseGet(
                    () -> {
                      Set<DatasetId> its = datasetsOf(job);
                      return its.isEmpty() || its.stream().anyMatch(this::sees);
                    });
        jobAnswers.put(job, known);
      }
      return known;
    }

    /** The run with only the dataset versions this reader may see. */
    RunView filter(RunView run) {
      if (visibility == Visibility.ALL) {
        return run;
      }
      return new RunView(
          run.runId(),
          run.job(),
          run.state(),
          run.startedAt(),
          run.endedAt(),
          run.inputs().stream().filter(v -> sees(v.dataset())).toList(),
          run.outputs().stream().filter(v -> sees(v.dataset())).toList());
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
