package dev.sluice.lineage;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The projection in memory, for tools and tests: datasets and jobs joined by read and write edges,
 * column edges, and runs with the dataset versions they used. Events are applied in any order and
 * any number of times with the same result. Safe for concurrent use.
 */
public final class MemoryLineageSource implements LineageSource {
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

  /** Projects one event. */
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

  @Override
  public boolean contains(NodeId node) {
    return read(
        () -> node instanceof DatasetId d ? datasets.contains(d) : jobs.contains((JobId) node));
  }

  @Override
  public Map<DatasetId, Set<JobId>> jobsOf(Collection<DatasetId> datasetList, boolean downstream) {
    return read(
        () -> {
          Map<DatasetId, Set<JobId>> found = new HashMap<>();
          for (DatasetId dataset : datasetList) {
            Set<JobId> its = (downstream ? readers : writers).get(dataset);
            if (its != null) {
              found.put(dataset, Set.copyOf(its));
            }
          }
          return found;
        });
  }

  @Override
  public Map<JobId, JobDatasets> datasetsOf(Collection<JobId> jobList) {
    return read(
        () -> {
          Map<JobId, JobDatasets> found = new HashMap<>();
          for (JobId job : jobList) {
            Set<DatasetId> inputs = jobInputs.get(job);
            Set<DatasetId> outputs = jobOutputs.get(job);
            if (inputs != null || outputs != null) {
              found.put(
                  job,
                  new JobDatasets(
                      inputs == null ? Set.of() : inputs, outputs == null ? Set.of() : outputs));
            }
          }
          return found;
        });
  }

  @Override
  public Map<ColumnRef, Set<ColumnEdge>> columnEdges(
      Collection<ColumnRef> columns, boolean towardsSources) {
    return read(
        () -> {
          Map<ColumnRef, Set<ColumnEdge>> index = towardsSources ? columnSources : columnTargets;
          Map<ColumnRef, Set<ColumnEdge>> found = new HashMap<>();
          for (ColumnRef column : columns) {
            Set<ColumnEdge> edges = index.get(column);
            if (edges != null) {
              found.put(column, Set.copyOf(edges));
            }
          }
          return found;
        });
  }

  @Override
  public Optional<RunView> run(UUID runId) {
    return read(() -> Optional.ofNullable(runs.get(runId)).map(MutableRun::view));
  }

  @Override
  public Map<JobId, List<RunView>> runsOf(Collection<JobId> jobList) {
    return read(
        () -> {
          Map<JobId, List<RunView>> found = new HashMap<>();
          for (JobId job : jobList) {
            Set<UUID> ids = runsByJob.get(job);
            if (ids != null) {
              found.put(job, ids.stream().map(id -> runs.get(id).view()).toList());
            }
          }
          return found;
        });
  }

  @Override
  public List<NodeId> search(String needle) {
    return read(
        () -> {
          List<NodeId> found = new java.util.ArrayList<>();
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
  }

  private static boolean matches(NodeId node, String needle) {
    return node.name().toLowerCase(Locale.ROOT).contains(needle)
        || node.namespace().toLowerCase(Locale.ROOT).contains(needle);
  }

  @Override
  public long datasetCount() {
    return read(datasets::size);
  }

  @Override
  public long jobCount() {
    return read(jobs::size);
  }

  private <T> T read(Supplier<T> query) {
    lock.readLock().lock();
    try {
      return query.get();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** A run's projection; guarded by the source's lock. */
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
          RunView.known(inputs),
          RunView.known(outputs));
    }
  }
}
