package dev.sluice.bench;

import dev.sluice.bench.RestCatalogClient.TableRef;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The catalog benchmark's tree dataset (sizes from {@link Settings}): top-level namespaces, child
 * namespaces under each, tables in each child, and one table of its own for contended commits.
 */
final class TreeDataset {
  final List<List<String>> parents = new ArrayList<>();
  final List<List<String>> leaves = new ArrayList<>();
  final List<TableRef> tables = new ArrayList<>();
  final TableRef hot = new TableRef(List.of("bench_contended"), "hot");

  TreeDataset() {
    for (int p = 0; p < Settings.namespaces(); p++) {
      List<String> parent = List.of("bench_ns" + p);
      parents.add(parent);
      for (int c = 0; c < Settings.childNamespaces(); c++) {
        List<String> leaf = List.of(parent.get(0), "sub" + c);
        leaves.add(leaf);
        for (int t = 0; t < Settings.tablesPerNamespace(); t++) {
          tables.add(new TableRef(leaf, "table_" + t));
        }
      }
    }
  }

  /** Namespaces in creation order: parents before their children, then the contended one's. */
  List<List<String>> namespaces() {
    List<List<String>> namespaces = new ArrayList<>(parents);
    namespaces.addAll(leaves);
    namespaces.add(hot.namespace());
    return namespaces;
  }

  TableRef randomTable() {
    return tables.get(ThreadLocalRandom.current().nextInt(tables.size()));
  }

  List<String> randomLeaf() {
    return leaves.get(ThreadLocalRandom.current().nextInt(leaves.size()));
  }

  String describe() {
    return String.format(
        "%d namespaces with %d child namespaces each, %d tables per child namespace = %d"
            + " tables, 10-column schema, format v2",
        Settings.namespaces(),
        Settings.childNamespaces(),
        Settings.tablesPerNamespace(),
        tables.size());
  }
}
