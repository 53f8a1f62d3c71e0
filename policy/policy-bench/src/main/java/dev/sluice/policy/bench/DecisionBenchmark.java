package dev.sluice.policy.bench;

import dev.sluice.policy.eval.Decision;
import dev.sluice.policy.eval.PolicyEngine;
import dev.sluice.policy.eval.Principal;
import dev.sluice.policy.model.Action;
import dev.sluice.policy.model.TableName;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decision latency on a generated bundle of 10,000 datasets and 200 groups. Sample-time mode, so
 * JMH prints the distribution: p0.50 is the median, p0.99 the 99th percentile.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class DecisionBenchmark {

  static final int DATASETS = 10_000;
  static final int GROUPS = 200;

  private PolicyEngine engine;
  private TableName[] tables;
  private TableName[] wideTables;
  private Principal[] wideReaders;
  private Principal[] readers;
  private List<String> wideColumns;
  private int next;

  @Setup(Level.Trial)
  public void compile() {
    engine = PolicyEngine.compile(GeneratedBundle.generate(DATASETS, GROUPS));
    tables = new TableName[1024];
    readers = new Principal[tables.length];
    for (int i = 0; i < tables.length; i++) {
      int table = (i * 7919) % DATASETS;
      tables[i] = TableName.of(GeneratedBundle.table(table));
      // Five groups, one of which is granted this table explicitly.
      Set<String> groups =
          Set.of(
              GeneratedBundle.group(table % GROUPS),
              GeneratedBundle.group((table + 17) % GROUPS),
              GeneratedBundle.group((table + 53) % GROUPS),
              GeneratedBundle.group((table + 101) % GROUPS),
              GeneratedBundle.group((table + 151) % GROUPS));
      readers[i] = new Principal("user" + i, Principal.Kind.USER, groups, Set.of("employee"));
    }
    wideTables = new TableName[DATASETS / GeneratedBundle.WIDE_EVERY];
    wideReaders = new Principal[wideTables.length];
    for (int i = 0; i < wideTables.length; i++) {
      int table = i * GeneratedBundle.WIDE_EVERY;
      wideTables[i] = TableName.of(GeneratedBundle.table(table));
      wideReaders[i] =
          new Principal(
              "analyst" + i,
              Principal.Kind.USER,
              Set.of(GeneratedBundle.group(table % GROUPS), "g7", "g8", "g9", "g10"),
              Set.of());
    }
    wideColumns = new ArrayList<>();
    for (int c = 0; c < GeneratedBundle.WIDE_COLUMNS; c++) {
      wideColumns.add("c" + c);
    }
    // Fail fast if the generated grants do not give the readers what the benchmark measures.
    if (!tableDecision().allowed() || maskDecision50Columns().masks().size() < 30) {
      throw new IllegalStateException("generated bundle does not grant the benchmark's reads");
    }
  }

  /** May this user read this table? (what the catalog asks on every table load) */
  @Benchmark
  public Decision tableDecision() {
    int i = next++ & (tables.length - 1);
    return engine.decide(readers[i], Action.READ, tables[i], List.of(), null);
  }

  /** Masks and row filters for a 50-column read (what Trino asks for a SELECT *). */
  @Benchmark
  public Decision maskDecision50Columns() {
    int i = next++ % wideTables.length;
    return engine.decide(wideReaders[i], Action.READ, wideTables[i], wideColumns, null);
  }
}
