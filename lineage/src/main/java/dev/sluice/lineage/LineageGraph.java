package dev.sluice.lineage;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The lineage graph: datasets and jobs joined by read and write edges, column edges, and runs with
 * the dataset versions they used, read from a {@link LineageSource}. Answers are sorted by name.
 * Every question may be asked through a {@link Visibility}, which the answer then neither shows nor
 * passes through. Walks read one level at a time, so a database source costs one query per level.
 * Safe for concurrent use when the source is.
 */
public final class LineageGraph {
  private final LineageSource source;

  /** A graph held in memory; {@link #apply} projects events into it. */
  public LineageGraph() {
    this(new MemoryLineageSource());
  }

  /** A graph over a projection kept elsewhere (a database). */
  public LineageGraph(LineageSource source) {
    this.source = source;
  }

  /**
   * Projects one event into a graph held in memory.
   *
   * @throws UnsupportedOperationException when the graph reads a projection kept elsewhere
   */
  public void apply(LineageEvent event) {
    if (!(source instanceof MemoryLineageSource memory)) {
      throw new UnsupportedOperationException("this graph is projected elsewhere");
    }
    memory.apply(event);
  }

  public boolean contains(NodeId node) {
    return contains(node, Visibility.ALL);
  }

  /** Whether the node is known and {@code visibility} shows it. */
  public boolean contains(NodeId node, Visibility visibility) {
    return source.contains(node) && new Judge(visibility).sees(node);
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
   * A breadth-first walk that never enters a node the judge hides. Each level's neighbours are read
   * in one look-up and judged after it: judging may be slow (a catalog look-up) and holds up no
   * writer. The graph only grows, so the levels see a consistent picture.
   */
  private Subgraph walk(NodeId start, int depth, boolean forward, Judge judge) {
    if (!judge.sees(start)) {
      return new Subgraph(List.of(), List.of());
    }
    Set<NodeId> seen = new LinkedHashSet<>();
    Set<Edge> edges = new HashSet<>();
    List<NodeId> frontier = new ArrayList<>();
    seen.add(start);
    frontier.add(start);
    for (int level = 0; level < depth && !frontier.isEmpty(); level++) {
      Map<NodeId, Set<NodeId>> neighbours = neighbours(frontier, forward, judge);
      Set<NodeId> reached = new HashSet<>();
      neighbours.values().forEach(reached::addAll);
      judge.prepare(reached);
      List<NodeId> next = new ArrayList<>();
      for (NodeId node : frontier) {
        for (NodeId neighbour : neighbours.getOrDefault(node, Set.of())) {
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

  /**
   * The neighbours of each node: a dataset's jobs are read, a job's datasets come from what the
   * judge read to judge it (or are read now).
   */
  private Map<NodeId, Set<NodeId>> neighbours(List<NodeId> nodes, boolean forward, Judge judge) {
    List<DatasetId> datasets = new ArrayList<>();
    List<JobId> jobs = new ArrayList<>();
    for (NodeId node : nodes) {
      if (node instanceof DatasetId d) {
        datasets.add(d);
      } else {
        jobs.add((JobId) node);
      }
    }
    Map<NodeId, Set<NodeId>> found = new HashMap<>();
    if (!datasets.isEmpty()) {
      source
          .jobsOf(datasets, forward)
          .forEach((dataset, jobsOf) -> found.put(dataset, Set.copyOf(jobsOf)));
    }
    if (!jobs.isEmpty()) {
      Map<JobId, JobDatasets> its = judge.datasetsOf(jobs);
      for (JobId job : jobs) {
        JobDatasets datasetsOfJob = its.get(job);
        Set<DatasetId> next = forward ? datasetsOfJob.outputs() : datasetsOfJob.inputs();
        if (!next.isEmpty()) {
          found.put(job, Set.copyOf(next));
        }
      }
    }
    return found;
  }

  /**
   * Everything affected by a problem in {@code source}: every dataset and job downstream at any
   * depth, and every run that read {@code source} or one of those datasets.
   */
  public Impact impact(DatasetId source) {
    return impact(source, Visibility.ALL);
  }

  /** As {@link #impact(DatasetId)}, through visible nodes only, runs showing visible versions. */
  public Impact impact(DatasetId start, Visibility visibility) {
    Judge judge = new Judge(visibility);
    Subgraph down = walk(start, Integer.MAX_VALUE, true, judge);
    List<DatasetId> affected = new ArrayList<>();
    List<JobId> affectedJobs = new ArrayList<>();
    for (NodeId node : down.nodes()) {
      if (node instanceof DatasetId d && !d.equals(start)) {
        affected.add(d);
      } else if (node instanceof JobId j) {
        affectedJobs.add(j);
      }
    }
    Set<DatasetId> tainted = new HashSet<>(affected);
    tainted.add(start);
    List<RunView> affectedRuns = new ArrayList<>();
    Map<JobId, List<RunView>> runs = source.runsOf(affectedJobs);
    for (JobId job : affectedJobs) {
      for (RunView run : runs.getOrDefault(job, List.of())) {
        RunView shown = judge.filter(run);
        if (shown.inputs().stream().anyMatch(v -> tainted.contains(v.dataset()))) {
          affectedRuns.add(shown);
        }
      }
    }
    return new Impact(start, affected, affectedJobs, affectedRuns);
  }

  /** The column edges that {@code column} was derived through, up to {@code depth} hops. */
  public List<ColumnEdge> columnLineage(ColumnRef column, int depth) {
    return columnLineage(column, depth, Visibility.ALL);
  }

  /** As {@link #columnLineage(ColumnRef, int)}, through columns of visible datasets only. */
  public List<ColumnEdge> columnLineage(ColumnRef column, int depth, Visibility visibility) {
    return columnWalk(column, depth, true, new Judge(visibility));
  }

  /** The columns derived from {@code column}, up to {@code depth} hops. */
  public List<ColumnEdge> columnDescendants(ColumnRef column, int depth) {
    return columnDescendants(column, depth, Visibility.ALL);
  }

  /** As {@link #columnDescendants(ColumnRef, int)}, through columns of visible datasets only. */
  public List<ColumnEdge> columnDescendants(ColumnRef column, int depth, Visibility visibility) {
    return columnWalk(column, depth, false, new Judge(visibility));
  }

  private List<ColumnEdge> columnWalk(
      ColumnRef start, int depth, boolean towardsSources, Judge judge) {
    if (!judge.sees(start.dataset())) {
      return List.of();
    }
    Set<ColumnEdge> found = new HashSet<>();
    Set<ColumnRef> seen = new HashSet<>(List.of(start));
    List<ColumnRef> frontier = List.of(start);
    for (int level = 0; level < depth && !frontier.isEmpty(); level++) {
      Map<ColumnRef, Set<ColumnEdge>> edgesOf = source.columnEdges(frontier, towardsSources);
      List<ColumnRef> next = new ArrayList<>();
      for (ColumnRef column : frontier) {
        for (ColumnEdge edge : edgesOf.getOrDefault(column, Set.of())) {
          ColumnRef other = towardsSources ? edge.source() : edge.target();
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
    Optional<RunView> run = source.run(runId);
    Judge judge = new Judge(visibility);
    return run.filter(r -> judge.sees(r.job())).map(judge::filter);
  }

  public List<RunView> runsOf(JobId job) {
    return runsOf(job, Visibility.ALL);
  }

  /**
   * Each job's latest completed run, unfiltered: for the server's own judgements (who consumes a
   * table, what a table was made from), not for answers to a caller.
   */
  public Map<JobId, RunView> latestCompletedRuns(Collection<JobId> jobs) {
    return source.latestCompletedRuns(jobs);
  }

  /** The runs of the job when it is visible, each with its visible dataset versions. */
  public List<RunView> runsOf(JobId job, Visibility visibility) {
    Judge judge = new Judge(visibility);
    if (!judge.sees(job)) {
      return List.of();
    }
    return source.runsOf(List.of(job)).getOrDefault(job, List.of()).stream()
        .map(judge::filter)
        .sorted(RunView.ORDER)
        .toList();
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
    List<NodeId> hits = source.search(text.toLowerCase(Locale.ROOT));
    Judge judge = new Judge(visibility);
    return hits.stream().sorted(NodeId.ORDER).filter(judge::sees).limit(limit).toList();
  }

  public long datasetCount() {
    return source.datasetCount();
  }

  public long jobCount() {
    return source.jobCount();
  }

  /** One answer's view of a {@link Visibility}: each node is judged once per answer. */
  private final class Judge {
    private final Visibility visibility;
    private final Map<DatasetId, Boolean> datasetAnswers = new HashMap<>();
    private final Map<JobId, Boolean> jobAnswers = new HashMap<>();
    private final Map<JobId, Optional<Boolean>> jobRules = new HashMap<>();
    private final Map<JobId, JobDatasets> jobDatasets = new HashMap<>();

    Judge(Visibility visibility) {
      this.visibility = visibility;
    }

    /**
     * Reads, in one look-up, the datasets of the jobs among {@code nodes} that will be judged by
     * them; the answers are the same as judging each alone.
     */
    void prepare(Collection<NodeId> nodes) {
      if (visibility == Visibility.ALL) {
        return;
      }
      List<JobId> judgedByDatasets = new ArrayList<>();
      for (NodeId node : nodes) {
        if (node instanceof JobId job && !jobAnswers.containsKey(job) && rule(job).isEmpty()) {
          judgedByDatasets.add(job);
        }
      }
      datasetsOf(judgedByDatasets);
    }

    /** The datasets of each job, read once per answer. */
    Map<JobId, JobDatasets> datasetsOf(Collection<JobId> jobs) {
      List<JobId> unread = jobs.stream().filter(j -> !jobDatasets.containsKey(j)).toList();
      if (!unread.isEmpty()) {
        Map<JobId, JobDatasets> read = source.datasetsOf(unread);
        for (JobId job : unread) {
          jobDatasets.put(job, read.getOrDefault(job, JobDatasets.NONE));
        }
      }
      return jobDatasets;
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
            rule(job)
                .orElseGet(
                    () -> {
                      Set<DatasetId> its = datasetsOf(List.of(job)).get(job).all();
                      return its.isEmpty() || its.stream().anyMatch(this::sees);
                    });
        jobAnswers.put(job, known);
      }
      return known;
    }

    private Optional<Boolean> rule(JobId job) {
      return jobRules.computeIfAbsent(job, visibility::jobRule);
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
}
