package dev.sluice.catalog.jobs;

import dev.sluice.catalog.audit.AuditEntry;
import dev.sluice.catalog.audit.AuditTrail;
import dev.sluice.catalog.json.ServerJson;
import dev.sluice.catalog.persistence.JobStore;
import dev.sluice.catalog.security.Names;
import dev.sluice.catalog.storage.GuardedFileIO;
import dev.sluice.zones.StorageLocation;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.ManifestContent;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.PartitionStatisticsFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.StatisticsFile;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableMetadataParser;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.SupportsBulkOperations;
import org.jboss.logging.Logger;

/**
 * Deletes a dropped table's files: every data, delete, manifest, manifest-list, statistics and
 * metadata file its last metadata reaches, but only those under the table's own location. A
 * metadata file can name any path; a table's purge must never delete another table's files. Data
 * files go first and metadata files last, so an interrupted purge can be run again from the start.
 */
@ApplicationScoped
public class TablePurge implements JobExecutor {
  public static final String KIND = "table.purge";
  private static final Logger LOG = Logger.getLogger(TablePurge.class);
  private static final int BATCH = 500;
  private static final int EXAMPLES = 10;

  private final FileIO io;
  private final AuditTrail audit;

  /** What a purge job is given. */
  public record Request(String table, String metadataLocation, String location) {}

  /** What a purge job reports: files deleted, left because they lie outside, examples of those. */
  public record Result(
      String table,
      String location,
      long deleted,
      long leftOutside,
      List<String> outsideExamples,
      boolean metadataMissing) {}

  /** Progress while it runs. */
  public record Progress(long deleted, long total) {}

  @Inject
  public TablePurge(GuardedFileIO io, AuditTrail audit) {
    this.io = io;
    this.audit = audit;
  }

  @Override
  public String kind() {
    return KIND;
  }

  /** The job that purges a dropped table, to be queued in the drop's transaction. */
  public static JobStore.NewJob request(
      TableIdentifier table,
      String metadataLocation,
      StorageLocation location,
      String requestedBy,
      int maxAttempts) {
    String name = Names.text(table);
    return new JobStore.NewJob(
        KIND,
        name,
        ServerJson.write(new Request(name, metadataLocation, location.canonical())),
        requestedBy,
        maxAttempts);
  }

  @Override
  public String run(JobContext context) {
    Request request = ServerJson.read(context.payload(), Request.class);
    StorageLocation root = StorageLocation.parse(request.location());
    TableMetadata metadata;
    try {
      metadata = TableMetadataParser.read(io, request.metadataLocation());
    } catch (NotFoundException e) {
      // an earlier attempt got to the end: the metadata file goes last
      Result result = new Result(request.table(), request.location(), 0, 0, List.of(), true);
      record(context, result);
      return ServerJson.write(result);
    }
    Set<String> files = reachable(metadata, request.metadataLocation());
    List<String> inside = new ArrayList<>();
    List<String> outside = new ArrayList<>();
    for (String file : files) {
      if (isWithin(file, root)) {
        inside.add(file);
      } else {
        outside.add(file);
      }
    }
    long deleted = 0;
    for (int from = 0; from < inside.size(); from += BATCH) {
      List<String> batch = inside.subList(from, Math.min(inside.size(), from + BATCH));
      delete(batch);
      deleted += batch.size();
      context.progress(ServerJson.write(new Progress(deleted, inside.size())));
    }
    Result result =
        new Result(
            request.table(),
            request.location(),
            deleted,
            outside.size(),
            outside.subList(0, Math.min(EXAMPLES, outside.size())),
            false);
    if (!outside.isEmpty()) {
      LOG.warnf(
          "Purge of %s left %d files outside its location %s, e.g. %s",
          request.table(), outside.size(), request.location(), result.outsideExamples());
    }
    record(context, result);
    return ServerJson.write(result);
  }

  /** The live files a manifest lists: data files, or delete files (merge-on-read). */
  private CloseableIterable<String> filesOf(ManifestFile manifest, TableMetadata metadata) {
    if (manifest.content() == ManifestContent.DATA) {
      return ManifestFiles.readPaths(manifest, io, metadata.specsById());
    }
    return CloseableIterable.transform(
        ManifestFiles.readDeleteManifest(manifest, io, metadata.specsById()), DeleteFile::location);
  }

  /** Every file the metadata reaches, data first and the metadata file itself last. */
  private Set<String> reachable(TableMetadata metadata, String metadataLocation) {
    Set<String> data = new LinkedHashSet<>();
    Set<String> manifests = new LinkedHashSet<>();
    Set<String> lists = new LinkedHashSet<>();
    for (Snapshot snapshot : metadata.snapshots()) {
      if (snapshot.manifestListLocation() != null) {
        lists.add(snapshot.manifestListLocation());
      }
      List<ManifestFile> all;
      try {
        all = snapshot.allManifests(io);
      } catch (NotFoundException e) {
        continue; // deleted by an earlier attempt
      }
      for (ManifestFile manifest : all) {
        if (!manifests.add(manifest.path())) {
          continue;
        }
        try (CloseableIterable<String> paths = filesOf(manifest, metadata)) {
          paths.forEach(data::add);
        } catch (NotFoundException e) {
          // deleted by an earlier attempt
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    Set<String> all = new LinkedHashSet<>(data);
    all.addAll(manifests);
    all.addAll(lists);
    metadata.statisticsFiles().stream().map(StatisticsFile::path).forEach(all::add);
    metadata.partitionStatisticsFiles().stream()
        .map(PartitionStatisticsFile::path)
        .forEach(all::add);
    metadata.previousFiles().stream().map(TableMetadata.MetadataLogEntry::file).forEach(all::add);
    all.remove(metadataLocation);
    all.add(metadataLocation);
    return all;
  }

  private static boolean isWithin(String file, StorageLocation root) {
    try {
      return StorageLocation.parse(file).isWithin(root);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private void delete(List<String> batch) {
    if (io instanceof SupportsBulkOperations bulk) {
      bulk.deleteFiles(batch);
    } else {
      batch.forEach(io::deleteFile);
    }
  }

  private void record(JobContext context, Result result) {
    audit.record(
        new AuditEntry(
            "system:jobs",
            KIND,
            result.table(),
            true,
            "job "
                + context.id()
                + ": deleted "
                + result.deleted()
                + " files under "
                + result.location()
                + (result.leftOutside() == 0
                    ? ""
                    : "; left " + result.leftOutside() + " files outside it untouched")
                + (result.metadataMissing() ? "; metadata already gone" : "")));
  }
}
