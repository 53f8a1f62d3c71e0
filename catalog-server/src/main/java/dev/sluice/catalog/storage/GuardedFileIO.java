package dev.sluice.catalog.storage;

import dev.sluice.zones.StorageLocation;
import dev.sluice.zones.StoragePolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.iceberg.exceptions.BadRequestException;
import org.apache.iceberg.io.BulkDeletionFailureException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.SupportsBulkOperations;
import org.apache.iceberg.io.SupportsPrefixOperations;

/**
 * The last fence before storage: the server writes, deletes and lists only under a root the storage
 * policy manages (the warehouse, an allowed root, a zone's root), and reads only valid canonical
 * locations. Every check above it should already have refused anything else; this makes a missed
 * check fail closed instead of touching a foreign file.
 */
public class GuardedFileIO
    implements FileIO, SupportsPrefixOperations, SupportsBulkOperations, MetadataFiles {
  private final FileIO delegate;
  private final Supplier<StoragePolicy> policy;
  private final MetadataFiles files;

  public GuardedFileIO(FileIO delegate, Supplier<StoragePolicy> policy) {
    this.delegate = delegate;
    this.policy = policy;
    this.files = delegate instanceof MetadataFiles direct ? direct : MetadataFiles.of(delegate);
  }

  @Override
  public InputFile newInputFile(String path) {
    return delegate.newInputFile(readable(path));
  }

  @Override
  public InputFile newInputFile(String path, long length) {
    return delegate.newInputFile(readable(path), length);
  }

  /**
   * Whether the file at {@code path} is there, asked the cheapest way the storage allows; for the
   * per-load check that a table's metadata file was not removed behind the catalog's back.
   */
  @Override
  public boolean exists(String path) {
    return files.exists(readable(path));
  }

  /** All of the file's bytes, read the cheapest way the storage allows. */
  @Override
  public byte[] readAll(String path) {
    return files.readAll(readable(path));
  }

  /** Writes the whole file, the cheapest way the storage allows. */
  @Override
  public void writeAll(String path, byte[] bytes) {
    files.writeAll(managed("write", path), bytes);
  }

  @Override
  public OutputFile newOutputFile(String path) {
    return delegate.newOutputFile(managed("write", path));
  }

  @Override
  public void deleteFile(String path) {
    delegate.deleteFile(managed("delete", path));
  }

  @Override
  public void deleteFiles(Iterable<String> paths) throws BulkDeletionFailureException {
    List<String> checked = new ArrayList<>();
    paths.forEach(path -> checked.add(managed("delete", path)));
    ((SupportsBulkOperations) delegate).deleteFiles(checked);
  }

  @Override
  public Iterable<FileInfo> listPrefix(String prefix) {
    return ((SupportsPrefixOperations) delegate).listPrefix(managed("list", prefix));
  }

  @Override
  public void deletePrefix(String prefix) {
    ((SupportsPrefixOperations) delegate).deletePrefix(managed("delete", prefix));
  }

  @Override
  public Map<String, String> properties() {
    return delegate.properties();
  }

  @Override
  public void close() {
    delegate.close();
  }

  private String managed(String operation, String path) {
    if (!policy.get().isManaged(path)) {
      throw new BadRequestException(
          "Refused to %s %s: it is not under a storage root this catalog manages", operation, path);
    }
    return path;
  }

  private static String readable(String path) {
    try {
      StorageLocation.parse(path);
      return path;
    } catch (IllegalArgumentException e) {
      throw new BadRequestException(e, "Refused to read: %s", e.getMessage());
    }
  }
}
