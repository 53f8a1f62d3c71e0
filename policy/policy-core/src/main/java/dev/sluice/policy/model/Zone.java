package dev.sluice.policy.model;

import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A group of namespaces with one storage root, default grants and classifications it may not hold
 * unmasked, and the contract every table in it keeps unless its dataset says otherwise (null for
 * none). Nested namespaces belong to the zone of their nearest listed ancestor.
 */
public record Zone(
    String name,
    List<String> namespaces,
    String storage,
    List<Subject> read,
    List<Subject> write,
    List<Subject> admin,
    Set<String> forbid,
    Contract contract,
    Origin origin) {

  public Zone {
    Objects.requireNonNull(name, "name");
    namespaces = List.copyOf(namespaces);
    read = List.copyOf(read);
    write = List.copyOf(write);
    admin = List.copyOf(admin);
    forbid = Collections.unmodifiableSortedSet(new TreeSet<>(forbid));
    Objects.requireNonNull(origin, "origin");
  }

  /** The namespaces as levels ({@code silver.eu} is {@code [silver, eu]}). */
  public List<List<String>> namespaceLevels() {
    return namespaces.stream()
        .map(ns -> dev.sluice.zones.NamespaceLevels.parseDotted(ns).orElseThrow())
        .toList();
  }

  public List<Subject> grantees(Action action) {
    return switch (action) {
      case READ -> read;
      case WRITE -> write;
      case ADMIN -> admin;
    };
  }

  /**
   * True when this zone forbids the classification, or a parent of it ({@code pii} covers {@code
   * pii.direct}).
   */
  public boolean forbids(String classification) {
    if (classification == null) {
      return false;
    }
    for (String forbidden : forbid) {
      if (classification.equals(forbidden) || classification.startsWith(forbidden + ".")) {
        return true;
      }
    }
    return false;
  }
}
