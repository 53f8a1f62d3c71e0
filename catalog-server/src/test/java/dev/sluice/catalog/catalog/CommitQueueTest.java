package dev.sluice.catalog.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CommitQueueTest {
  private static final TableIdentifier ORDERS = TableIdentifier.of("sales", "orders");
  private static final TableIdentifier LINES = TableIdentifier.of("sales", "lines");

  private final AtomicInteger timeouts = new AtomicInteger();
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  /** A queue whose commits wait long enough never to go ahead in these tests by the bound. */
  private CommitQueue patientQueue() {
    return new CommitQueue(Duration.ofSeconds(30), timeouts::incrementAndGet);
  }

  /** A commit that enters the queue for {@code tables} and leaves at once. */
  private Future<?> passThrough(CommitQueue queue, Collection<TableIdentifier> tables) {
    return pool.submit(
        () -> {
          try (CommitQueue.Turn turn = queue.enter(tables)) {
            return null;
          }
        });
  }

  @Test
  void aSecondCommitToTheSameTableWaitsForTheFirst() throws Exception {
    CommitQueue queue = patientQueue();
    CountDownLatch entered = new CountDownLatch(1);
    Future<?> second;
    try (CommitQueue.Turn first = queue.enter(List.of(ORDERS))) {
      second =
          pool.submit(
              () -> {
                try (CommitQueue.Turn turn = queue.enter(List.of(ORDERS))) {
                  entered.countDown();
                }
              });
      assertThat(entered.await(300, TimeUnit.MILLISECONDS)).isFalse();
    }
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
    second.get(10, TimeUnit.SECONDS);
    assertThat(timeouts).hasValue(0);
    assertThat(queue.size()).isZero();
  }

  @Test
  void commitsToOtherTablesDoNotWait() throws Exception {
    CommitQueue queue = patientQueue();
    try (CommitQueue.Turn first = queue.enter(List.of(ORDERS))) {
      Future<?> other =
          pool.submit(
              () -> {
                try (CommitQueue.Turn turn = queue.enter(List.of(LINES))) {
                  assertThat(queue.size()).isEqualTo(2);
                }
              });
      other.get(10, TimeUnit.SECONDS);
    }
    assertThat(queue.size()).isZero();
  }

  @Test
  void aCommitThatWaitedTheBoundGoesAheadAndIsCounted() throws Exception {
    CommitQueue queue = new CommitQueue(Duration.ofMillis(200), timeouts::incrementAndGet);
    try (CommitQueue.Turn stalled = queue.enter(List.of(ORDERS))) {
      long started = System.nanoTime();
      // takes "lines" first, then waits for "orders" until the bound
      passThrough(queue, List.of(ORDERS, LINES)).get(10, TimeUnit.SECONDS);
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .isGreaterThan(Duration.ofMillis(150));
      assertThat(timeouts).hasValue(1);
      // "lines", taken before the wait ended, was given back: another commit enters at once
      passThrough(queue, Set.of(LINES)).get(10, TimeUnit.SECONDS);
      assertThat(timeouts).hasValue(1);
    }
    assertThat(queue.size()).isZero();
  }

  @Test
  void transactionsOverTheSameTablesInEitherOrderNeverWaitOnEachOther() throws Exception {
    CommitQueue queue = patientQueue();
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger mostInside = new AtomicInteger();
    List<Future<?>> writers = new ArrayList<>();
    for (int w = 0; w < 8; w++) {
      List<TableIdentifier> tables = w % 2 == 0 ? List.of(ORDERS, LINES) : List.of(LINES, ORDERS);
      writers.add(
          pool.submit(
              () -> {
                for (int i = 0; i < 500; i++) {
                  try (CommitQueue.Turn turn = queue.enter(tables)) {
                    mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                    inside.decrementAndGet();
                  }
                }
              }));
    }
    for (Future<?> writer : writers) {
      writer.get(60, TimeUnit.SECONDS);
    }
    assertThat(timeouts).as("a deadlock would end in timeouts").hasValue(0);
    assertThat(mostInside).hasValue(1);
    assertThat(queue.size()).isZero();
  }

  @Test
  void aCommitFindingTooManyWaitingGoesAheadAtOnce() throws Exception {
    CommitQueue queue = patientQueue();
    List<Future<?>> waiting = new ArrayList<>();
    try (CommitQueue.Turn holder = queue.enter(List.of(ORDERS))) {
      for (int i = 0; i < CommitQueue.MAX_WAITING; i++) {
        waiting.add(passThrough(queue, List.of(ORDERS)));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (queue.users(ORDERS) < CommitQueue.MAX_WAITING + 1) {
        assertThat(System.nanoTime()).isLessThan(deadline);
        Thread.sleep(5);
      }
      long started = System.nanoTime();
      passThrough(queue, List.of(ORDERS)).get(10, TimeUnit.SECONDS);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
      assertThat(timeouts).hasValue(1);
    }
    for (Future<?> waiter : waiting) {
      waiter.get(30, TimeUnit.SECONDS);
    }
    assertThat(timeouts).hasValue(1);
    assertThat(queue.size()).isZero();
  }

  @Test
  void anInterruptedWaitWritesNothingAndIsNoBypass() throws Exception {
    CommitQueue queue = patientQueue();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    try (CommitQueue.Turn holder = queue.enter(List.of(ORDERS))) {
      // takes "lines", then waits for "orders" until it is interrupted
      Thread waiter =
          new Thread(
              () -> {
                try (CommitQueue.Turn turn = queue.enter(List.of(LINES, ORDERS))) {
                  failure.set(new AssertionError("entered while the table was held"));
                } catch (RuntimeException e) {
                  failure.set(e);
                }
              });
      waiter.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (queue.users(ORDERS) < 2) {
        assertThat(System.nanoTime()).isLessThan(deadline);
        Thread.sleep(5);
      }
      waiter.interrupt();
      waiter.join(10_000);
      assertThat(failure.get())
          .isInstanceOf(org.apache.iceberg.exceptions.ServiceUnavailableException.class)
          .hasMessageContaining("nothing was written");
      assertThat(timeouts).hasValue(0);
      assertThat(queue.users(LINES)).as("the table taken first was given back").isZero();
    }
    assertThat(queue.size()).isZero();
  }

  @Test
  void aNegativeWaitIsRefused() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new CommitQueue(Duration.ofSeconds(-1), () -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not be negative");
  }
}
