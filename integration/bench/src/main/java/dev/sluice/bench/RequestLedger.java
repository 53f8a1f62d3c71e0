package dev.sluice.bench;

import java.util.BitSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Names every request a client sends ({@code X-Request-Id: <run>-<n>}) and remembers which were
 * answered, so that the audit trail can be checked afterwards for a row of each: a server records
 * the id with every decision it audits.
 */
final class RequestLedger {
  private final String run;
  private final AtomicLong sent = new AtomicLong();
  private final BitSet answered = new BitSet();

  RequestLedger() {
    this.run = "bench-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
  }

  /** The number of the next request; {@link #id} names it. */
  long next() {
    return sent.getAndIncrement();
  }

  /** Request {@code number} got an answer, whatever its status. */
  void answered(long number) {
    synchronized (answered) {
      answered.set(Math.toIntExact(number));
    }
  }

  long sent() {
    return sent.get();
  }

  /** A copy of the answered requests' numbers. */
  BitSet answered() {
    synchronized (answered) {
      return (BitSet) answered.clone();
    }
  }

  /** The number of a request this ledger named; -1 for any other id. */
  long number(String id) {
    if (id == null || !id.startsWith(run) || id.length() < run.length() + 2) {
      return -1;
    }
    if (id.charAt(run.length()) != '-') {
      return -1;
    }
    try {
      return Long.parseLong(id.substring(run.length() + 1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  String id(long number) {
    return run + "-" + number;
  }
}
