package dev.sluice.catalog.retention;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;

/**
 * Removes rows from every ref of a table, not only from its current snapshot: the head of every
 * branch is rewritten, and every tag whose snapshot holds a matching row is moved to a rewritten
 * copy of that snapshot. The copy is made on a temporary branch at the tag, which is dropped once
 * the tag has moved; tags on one snapshot share one copy. A pin such as {@code training-2026-q3}
 * thus survives, minus the rows. Temporary branches left by a run that died part-way are dropped
 * first ({@link #dropTemporaryBranches}).
 */
public final class RefRewrites {

  /** A rewrite of one branch and who made it (an executor name). */
  public record Rewritten(ExpiredRowsRewrite.Outcome outcome, String executor) {}

  /** Rewrites the head of one branch (the caller picks the executor and audits). */
  public interface Rewriter {
    Rewritten rewrite(String branch);
  }

  /** Hears of the ref changes around the rewrites, to audit them before they are committed. */
  public interface Listener {
    void temporaryBranch(String branch, String tag, long snapshot);

    void tagMoved(String tag, long from, long to);

    void temporaryBranchDropped(String branch);
  }

  /** One ref moved to a snapshot without the rows. */
  public record RefMoved(String ref, String type, long from, long to, String executor) {}

  /** What the rewrites of every ref did together. */
  public record Result(
      long rowsRemoved,
      int filesRewritten,
      long bytesRewritten,
      int filesWritten,
      long bytesWritten,
      int deleteFilesRemoved,
      Set<String> replacedFiles,
      List<RefMoved> moved,
      ExpiredRowsRewrite.Outcome main) {
    /** Nothing rewritten: no expiry to apply. */
    public static final Result NOTHING =
        new Result(0, 0, 0, 0, 0, 0, Set.of(), List.of(), ExpiredRowsRewrite.Outcome.NOTHING);

    /** The executor that moved {@code ref}; null when it was not moved. */
    public String executorOf(String ref) {
      return moved.stream()
          .filter(m -> m.ref().equals(ref))
          .map(RefMoved::executor)
          .findFirst()
          .orElse(null);
    }
  }

  private RefRewrites() {}

  /**
   * Rewrites every branch head, then every tag's snapshot that holds matching rows.
   *
   * @param temporaryPrefix names the temporary branches; unique to the job, so that {@link
   *     #dropTemporaryBranches} finds only its own
   */
  public static Result run(
      Table table, String temporaryPrefix, Rewriter rewriter, Listener listener) {
    Totals totals = new Totals();
    ExpiredRowsRewrite.Outcome main = ExpiredRowsRewrite.Outcome.NOTHING;
    table.refresh();
    for (Map.Entry<String, SnapshotRef> ref : new TreeMap<>(table.refs()).entrySet()) {
      if (!ref.getValue().isBranch() || ref.getKey().startsWith(temporaryPrefix)) {
        continue;
      }
      Rewritten rewritten = rewriter.rewrite(ref.getKey());
      if (ref.getKey().equals(SnapshotRef.MAIN_BRANCH)) {
        main = rewritten.outcome();
      }
      if (rewritten.outcome().snapshotId() != null) {
        totals.add(rewritten.outcome());
        totals.moved.add(
            new RefMoved(
                ref.getKey(),
                "branch",
                ref.getValue().snapshotId(),
                rewritten.outcome().snapshotId(),
                rewritten.executor()));
      }
    }

    table.refresh();
    Map<Long, Rewritten> copies = new HashMap<>();
    for (Map.Entry<String, SnapshotRef> ref : new TreeMap<>(table.refs()).entrySet()) {
      if (!ref.getValue().isTag()) {
        continue;
      }
      long from = ref.getValue().snapshotId();
      Rewritten copy = copies.get(from);
      if (copy == null) {
        String temporary = temporaryPrefix + UUID.randomUUID().toString().substring(0, 8);
        listener.temporaryBranch(temporary, ref.getKey(), from);
        table.manageSnapshots().createBranch(temporary, from).commit();
        copy = rewriter.rewrite(temporary);
        copies.put(from, copy);
        if (copy.outcome().snapshotId() != null) {
          totals.add(copy.outcome());
          listener.tagMoved(ref.getKey(), from, copy.outcome().snapshotId());
        }
        listener.temporaryBranchDropped(temporary);
        var change = table.manageSnapshots();
        if (copy.outcome().snapshotId() != null) {
          change.replaceTag(ref.getKey(), copy.outcome().snapshotId());
        }
        change.removeBranch(temporary).commit();
        table.refresh();
      } else if (copy.outcome().snapshotId() != null) {
        listener.tagMoved(ref.getKey(), from, copy.outcome().snapshotId());
        table.manageSnapshots().replaceTag(ref.getKey(), copy.outcome().snapshotId()).commit();
      }
      if (copy.outcome().snapshotId() != null) {
        totals.moved.add(
            new RefMoved(ref.getKey(), "tag", from, copy.outcome().snapshotId(), copy.executor()));
      }
    }
    table.refresh();
    return new Result(
        totals.rowsRemoved,
        totals.filesRewritten,
        totals.bytesRewritten,
        totals.filesWritten,
        totals.bytesWritten,
        totals.deleteFilesRemoved,
        totals.replaced,
        totals.moved,
        main);
  }

  /** Drops the temporary branches a run with this prefix left behind when it died part-way. */
  public static void dropTemporaryBranches(Table table, String temporaryPrefix, Listener listener) {
    table.refresh();
    for (String ref : List.copyOf(table.refs().keySet())) {
      if (ref.startsWith(temporaryPrefix)) {
        listener.temporaryBranchDropped(ref);
        table.manageSnapshots().removeBranch(ref).commit();
        table.refresh();
      }
    }
  }

  private static final class Totals {
    long rowsRemoved;
    int filesRewritten;
    long bytesRewritten;
    int filesWritten;
    long bytesWritten;
    int deleteFilesRemoved;
    final Set<String> replaced = new LinkedHashSet<>();
    final List<RefMoved> moved = new ArrayList<>();

    void add(ExpiredRowsRewrite.Outcome outcome) {
      rowsRemoved += outcome.rowsRemoved();
      filesRewritten += outcome.filesRewritten();
      bytesRewritten += outcome.bytesRewritten();
      filesWritten += outcome.filesWritten();
      bytesWritten += outcome.bytesWritten();
      deleteFilesRemoved += outcome.deleteFilesRemoved();
      replaced.addAll(outcome.replacedFiles());
    }
  }
}
