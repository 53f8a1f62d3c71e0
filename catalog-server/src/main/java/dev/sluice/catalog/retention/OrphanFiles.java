package dev.sluice.catalog.retention;

import dev.sluice.zones.StorageLocation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.ManifestContent;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.PartitionStatisticsFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.StatisticsFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.SupportsPrefixOperations;

/**
 * Finds and deletes the files under a table's location that no retained metadata reaches: data and
 * manifests of failed or abandoned commits, files of expired snapshots left behind. Only files
 * older than a cut-off go, so a writer's files that are not committed yet are safe; only files
 * under the table's own location are ever listed or deleted.
 */
public final class OrphanFiles {
  static final int EXAMPLES = 10;

  /** Files removed, how many were listed, a few paths removed. */
  record Outcome(int listed, int removed, long bytesRemoved, List<String> examples) {}

  private OrphanFiles() {}

  static Outcome remove(Table table, Instant olderThan) {
    FileIO io = table.io();
    if (!(io instanceof SupportsPrefixOperations listing)) {
      throw new IllegalStateException("the table's storage cannot list files");
    }
    StorageLocation root = StorageLocation.parse(table.location());
    Set<String> reachable = reachable(table);
    int listed = 0;
    int removed = 0;
    long bytes = 0;
    List<String> examples = new ArrayList<>();
    for (FileInfo file : listing.listPrefix(root.canonical() + "/")) {
      listed++;
      Optional<StorageLocation> location = parse(file.location());
      if (location.isEmpty()
          || !location.get().isStrictlyWithin(root)
          || reachable.contains(location.get().key())
          || file.createdAtMillis() >= olderThan.toEpochMilli()) {
        continue;
      }
      io.deleteFile(file.location());
      removed++;
      bytes += file.size();
      if (examples.size() < EXAMPLES) {
        examples.add(file.location());
      }
    }
    return new Outcome(listed, removed, bytes, examples);
  }

  /** Every file the table's current metadata reaches, by {@link StorageLocation#key()}. */
  public static Set<String> reachable(Table table) {
    FileIO io = table.io();
    TableMetadata metadata = ((HasTableOperations) table).operations().current();
    Map<Integer, PartitionSpec> specs = table.specs();
    Set<String> files = new HashSet<>();
    add(files, metadata.metadataFileLocation());
    metadata.previousFiles().forEach(entry -> add(files, entry.file()));
    metadata.statisticsFiles().stream().map(StatisticsFile::path).forEach(p -> add(files, p));
    metadata.partitionStatisticsFiles().stream()
        .map(PartitionStatisticsFile::path)
        .forEach(p -> add(files, p));
    Set<String> manifests = new HashSet<>();
    for (Snapshot snapshot : metadata.snapshots()) {
      add(files, snapshot.manifestListLocation());
      // a snapshot's live entries: a file one manifest marks deleted is live in the parent's,
      // and needed only if that snapshot is retained too
      for (ManifestFile manifest : snapshot.allManifests(io)) {
        if (!manifests.add(manifest.path())) {
          continue;
        }
        add(files, manifest.path());
        try {
          if (manifest.content() == ManifestContent.DATA) {
            try (CloseableIterable<String> paths = ManifestFiles.readPaths(manifest, io, specs)) {
              paths.forEach(p -> add(files, p));
            }
          } else {
            try (ManifestReader<DeleteFile> deletes =
                ManifestFiles.readDeleteManifest(manifest, io, specs)) {
              deletes.forEach(delete -> add(files, delete.location()));
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return files;
  }

  private static void add(Set<String> files, String path) {
    if (path != null) {
      parse(path).ifPresent(location -> files.add(location.key()));
    }
  }

  private static Optional<StorageLocation> parse(String path) {
    try {
      return Optional.of(StorageLocation.parse(path));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
