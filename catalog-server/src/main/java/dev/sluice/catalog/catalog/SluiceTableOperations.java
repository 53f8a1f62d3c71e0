package dev.sluice.catalog.catalog;

import dev.sluice.catalog.persistence.CatalogEntity.Kind;
import dev.sluice.catalog.storage.MetadataFiles;
import dev.sluice.zones.StorageLocation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.apache.iceberg.BaseMetastoreTableOperations;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableMetadataParser;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.io.FileIO;

/** Table pointer operations: refresh reads the pointer, commit writes a file then swaps. */
public class SluiceTableOperations extends BaseMetastoreTableOperations {
  private final FileIO io;
  private final StorageLocations locations;
  private final TableIdentifier identifier;
  private final String fullName;
  private final PointerCommit pointers;
  private final SluiceCatalog.CommitCheck check;
  private final SluiceCatalog.CommitObserver commits;
  private final TableMetadataCache metadataCache;
  private final MetadataFiles files;

  /**
   * The last metadata file this instance wrote, with its JSON and its metadata as reading it gives
   * it, for the commit's answer and the cache: neither serialised twice nor parsed back.
   */
  private WrittenFile lastWritten;

  private record WrittenFile(String location, String json, TableMetadata metadata) {}

  SluiceTableOperations(
      PointerCommit pointers,
      FileIO io,
      TableMetadataCache metadataCache,
      StorageLocations locations,
      TableIdentifier identifier,
      String catalogName,
      SluiceCatalog.CommitCheck check,
      SluiceCatalog.CommitObserver commits) {
    this.pointers = pointers;
    this.check = check;
    this.commits = commits;
    this.io = io;
    this.files = io instanceof MetadataFiles direct ? direct : MetadataFiles.of(io);
    this.metadataCache = metadataCache;
    this.locations = locations;
    this.identifier = identifier;
    this.fullName = catalogName + "." + identifier;
  }

  @Override
  protected String tableName() {
    return fullName;
  }

  @Override
  public FileIO io() {
    return io;
  }

  /**
   * Checks {@code metadata} against {@code base} (locations, then the commit check) and writes it
   * as the next metadata file; returns the file and the table's location.
   */
  public Written writeNextMetadata(TableMetadata base, TableMetadata metadata) {
    StorageLocation location = checkLocations(base, metadata);
    check.check(identifier, base, metadata, io);
    String file = writeNewMetadataIfRequired(false, metadata);
    WrittenFile written = lastWritten;
    if (written == null || !written.location().equals(file)) {
      throw new IllegalStateException("The metadata file just written is not " + file);
    }
    commits.written(identifier, file, metadata);
    return new Written(file, location, written.metadata());
  }

  /**
   * A metadata file written for a commit, the table's location after it, and its metadata as
   * reading the file gives it.
   */
  public record Written(String metadataFile, StorageLocation location, TableMetadata metadata) {}

  /**
   * {@code metadata} as reading the file at {@code location} it was written to gives it: bound to
   * the file as Iceberg binds a commit's result, with no changes.
   */
  static TableMetadata asWritten(TableMetadata metadata, String location) {
    return TableMetadata.buildFrom(metadata)
        .discardChanges()
        .withMetadataLocation(location)
        .build();
  }

  private StorageLocation checkLocations(TableMetadata base, TableMetadata metadata) {
    StorageLocation location = locations.checkTable(identifier, base, metadata);
    if (base == null || !base.location().equals(metadata.location())) {
      pointers.requireOwnLocation(identifier, location);
    }
    return location;
  }

  @Override
  protected void doRefresh() {
    Optional<String> location = pointers.current(identifier, Kind.TABLE);
    if (location.isEmpty()) {
      if (currentMetadataLocation() != null) {
        throw new NoSuchTableException("Table does not exist: %s", identifier);
      }
      disableRefresh();
      return;
    }
    // a commit's base or the server's own look: parsed once, never asked for again
    refreshFromMetadataLocation(location.get(), null, 20, metadataCache::parsed);
  }

  /**
   * The table's metadata for a client's load, as the file at {@code metadataLocation} holds it, a
   * location its pointer named a moment ago; read as a refresh reads it (retried on transient
   * failures), through the cache, with the file's presence confirmed.
   */
  public TableMetadata readFrom(String metadataLocation) {
    refreshFromMetadataLocation(metadataLocation, null, 20, metadataCache::read);
    return current();
  }

  /**
   * Writes the next metadata file as Iceberg's own operations name and write it (the version, a
   * UUID, the compression codec's extension; the same JSON), in one request to the store: on S3 a
   * presigned PUT instead of the SDK's upload staged in a local file.
   */
  @Override
  protected String writeNewMetadata(TableMetadata metadata, int newVersion) {
    String codec =
        metadata.property(
            TableProperties.METADATA_COMPRESSION, TableProperties.METADATA_COMPRESSION_DEFAULT);
    String location =
        metadataFileLocation(
            metadata,
            String.format(
                Locale.ROOT,
                "%05d-%s%s",
                newVersion,
                UUID.randomUUID(),
                TableMetadataParser.getFileExtension(codec)));
    String json = TableMetadataParser.toJson(metadata);
    files.writeAll(location, encoded(location, json));
    lastWritten = new WrittenFile(location, json, asWritten(metadata, location));
    return location;
  }

  /** The file's bytes: its JSON in UTF-8, gzipped when its name says so. */
  private static byte[] encoded(String location, String json) {
    byte[] utf8 = json.getBytes(StandardCharsets.UTF_8);
    if (TableMetadataParser.Codec.fromFileName(location) != TableMetadataParser.Codec.GZIP) {
      return utf8;
    }
    ByteArrayOutputStream gzipped = new ByteArrayOutputStream(utf8.length / 4 + 64);
    try (GZIPOutputStream out = new GZIPOutputStream(gzipped)) {
      out.write(utf8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return gzipped.toByteArray();
  }

  /**
   * Tells the cache of the metadata file this instance wrote, which a pointer now names in place of
   * {@code replaced} (null for a new table).
   */
  void committed(String metadataLocation, String replaced) {
    WrittenFile written = lastWritten;
    if (written != null && written.location().equals(metadataLocation)) {
      metadataCache.written(metadataLocation, written.json(), written.metadata(), replaced);
    }
  }

  @Override
  protected void doCommit(TableMetadata base, TableMetadata metadata) {
    boolean newTable = base == null;
    if (newTable) {
      pointers.requireNamespace(identifier.namespace());
    }
    StorageLocation location = checkLocations(base, metadata);
    check.check(identifier, base, metadata, io);
    String newLocation = writeNewMetadataIfRequired(newTable, metadata);
    boolean wroteFile = !newLocation.equals(metadata.metadataFileLocation());
    commits.written(identifier, newLocation, metadata);
    pointers.move(
        identifier,
        Kind.TABLE,
        newTable ? null : base.metadataFileLocation(),
        newLocation,
        wroteFile,
        location);
    if (wroteFile) {
      committed(newLocation, newTable ? null : base.metadataFileLocation());
    }
  }
}
