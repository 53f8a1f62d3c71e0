package dev.sluice.bench;

/**
 * Where a table's rewrite runs: in Sluice's process, or through Trino. Each executor has its own
 * copy of the two measured tables.
 */
record ErasureExecutor(String name) {
  ErasureExecutor {
    if (!name.equals("in-process") && !name.equals("trino")) {
      throw new IllegalArgumentException(
          "bench.erasure.executors: in-process or trino, not " + name);
    }
  }

  boolean trino() {
    return name.equals("trino");
  }

  /** The orders table an erasure of one subject rewrites. */
  String orders() {
    return "orders_" + name.replace('-', '_');
  }

  /** The orders with an expiry, which a retention sweep rewrites. */
  String expiring() {
    return "expiring_" + name.replace('-', '_');
  }
}
