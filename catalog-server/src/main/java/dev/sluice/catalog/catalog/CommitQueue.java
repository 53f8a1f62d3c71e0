package dev.sluice.catalog.catalog;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.ServiceUnavailableException;

/**
 * Lets one commit at a time prepare and move a table's pointer on this replica.
 *
 * <p>Without it, concurrent commits to one table each write a metadata file, all but one lose at
 * the pointer's compare-and-swap, and the losers delete their files again: object-store work that
 * slows the winner too. Queued, a commit reads the pointer its predecessor moved, so a requirement
 * that no longer holds fails before anything is written.
 *
 * <p>Correctness never rests on this queue. Replicas do not share it, and the database's
 * compare-and-swap still decides every commit. A commit that has waited {@code maxWait} goes ahead
 * without its turn, so a stalled commit delays the others on its tables by at most that bound; so
 * does one that finds {@link #MAX_WAITING} commits already waiting, so a hot table cannot tie up
 * the request threads.
 */
final class CommitQueue {
  private static final Comparator<TableIdentifier> ORDER =
      Comparator.<TableIdentifier, String[]>comparing(
              identifier -> identifier.namespace().levels(), Arrays::compare)
          .thenComparing(TableIdentifier::name);

  /** Commits that may wait for one table at once; more go ahead without a turn. */
  static final int MAX_WAITING = 32;

  private final ConcurrentHashMap<TableIdentifier, Slot> slots = new ConcurrentHashMap<>();
  private final long maxWaitNanos;
  private final Runnable onBypass;

  /**
   * @param maxWait how long a commit waits for the commits ahead of it on the same tables
   * @param onBypass called when a commit goes ahead without its turn
   */
  CommitQueue(Duration maxWait, Runnable onBypass) {
    if (maxWait.isNegative()) {
      throw new IllegalArgumentException(
          "The commit queue's wait must not be negative: " + maxWait);
    }
    this.maxWaitNanos = maxWait.toNanos();
    this.onBypass = requireNonNull(onBypass, "onBypass");
  }

  /**
   * Waits until no other commit on this replica holds any of {@code tables}, and holds them until
   * the returned turn is closed. Tables are taken in one global order, so two transactions over the
   * same tables cannot wait on each other.
   */
  Turn enter(Collection<TableIdentifier> tables) {
    List<TableIdentifier> ordered = tables.stream().distinct().sorted(ORDER).toList();
    Deque<Held> held = new ArrayDeque<>(ordered.size());
    long deadline = System.nanoTime() + maxWaitNanos;
    for (TableIdentifier table : ordered) {
      int[] users = new int[1];
      Slot slot =
          slots.compute(
              table,
              (key, existing) -> {
                Slot joined = (existing == null ? new Slot() : existing).join();
                users[0] = joined.users;
                return joined;
              });
      boolean locked;
      try {
        // with many commits already waiting for the table, waiting too would only hold a thread
        locked =
            users[0] <= MAX_WAITING + 1
                && slot.lock.tryLock(
                    Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        leave(table, slot, false);
        release(held);
        throw new ServiceUnavailableException(
            "Interrupted while waiting for earlier commits to %s; nothing was written", table);
      }
      if (!locked) {
        leave(table, slot, false);
        release(held);
        onBypass.run();
        return () -> {};
      }
      held.push(new Held(table, slot));
    }
    return () -> release(held);
  }

  /** Commits holding or waiting for {@code table}. */
  int users(TableIdentifier table) {
    Slot slot = slots.get(table);
    return slot == null ? 0 : slot.lock.getQueueLength() + (slot.lock.isLocked() ? 1 : 0);
  }

  /** Tables with a commit queued or running: zero when the replica is idle. */
  int size() {
    return slots.size();
  }

  private void release(Deque<Held> held) {
    while (!held.isEmpty()) {
      Held entry = held.pop();
      leave(entry.table(), entry.slot(), true);
    }
  }

  private void leave(TableIdentifier table, Slot slot, boolean locked) {
    if (locked) {
      slot.lock.unlock();
    }
    slots.computeIfPresent(table, (key, existing) -> existing.part() ? null : existing);
  }

  /** A commit's hold on its tables; closing it lets the next commit in. */
  interface Turn extends AutoCloseable {
    @Override
    void close();
  }

  private record Held(TableIdentifier table, Slot slot) {}

  /** One table's lock and the number of commits holding or waiting for it. */
  private static final class Slot {
    // fair: commits to a busy table are served in arrival order, none starves
    final ReentrantLock lock = new ReentrantLock(true);
    // changed only inside the map's compute functions, which run one at a time per key
    private int users;

    Slot join() {
      users++;
      return this;
    }

    /** True when the last user left, and the slot can go. */
    boolean part() {
      return --users == 0;
    }
  }
}
