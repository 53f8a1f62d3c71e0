package dev.sluice.catalog.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.iceberg.io.BulkDeletionFailureException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.SupportsBulkOperations;
import org.apache.iceberg.io.SupportsPrefixOperations;

/**
 * Routes each location to the file IO of its scheme: {@code s3://}, {@code s3a://} to S3, {@code
 * file:} and bare paths to the local file system. An unknown scheme is an error, never a guess.
 */
public class StorageFileIO
    implements FileIO, SupportsPrefixOperations, SupportsBulkOperations, MetadataFiles {
  private final FileIO s3;
  private final LocalFileIO local;
  private final S3PresignedRequests presigned;

  public StorageFileIO(FileIO s3, LocalFileIO local) {
    this(s3, local, null);
  }

  StorageFileIO(FileIO s3, LocalFileIO local, S3PresignedRequests presigned) {
    this.s3 = s3;
    this.local = local;
    this.presigned = presigned;
  }

  /** Whether a file is there: on S3 by a presigned HEAD when possible, else as a HEAD. */
  @Override
  public boolean exists(String path) {
    FileIO io = forLocation(path);
    if (io == s3 && presigned != null) {
      return presigned.exists(path, () -> s3.newInputFile(path).exists());
    }
    return io.newInputFile(path).exists();
  }

  /** All of a file's bytes: on S3 by a presigned GET when possible, else through its stream. */
  @Override
  public byte[] readAll(String path) {
    FileIO io = forLocation(path);
    if (io == s3 && presigned != null) {
      return presigned.read(path, () -> MetadataFiles.bytes(s3.newInputFile(path)));
    }
    return MetadataFiles.bytes(io.newInputFile(path));
  }

  /** Writes a whole file: on S3 by a presigned PUT when possible, else through its stream. */
  @Override
  public void writeAll(String path, byte[] bytes) {
    FileIO io = forLocation(path);
    if (io == s3 && presigned != null) {
      presigned.write(path, bytes, () -> MetadataFiles.write(s3.newOutputFile(path), bytes));
    } else {
      MetadataFiles.write(io.newOutputFile(path), bytes);
    }
  }

  FileIO forLocation(String location) {
    String lower = location.toLowerCase(Locale.ROOT);
    if (lower.startsWith("s3://") || lower.startsWith("s3a://") || lower.startsWith("s3n://")) {
      if (s3 == null) {
        throw new IllegalArgumentException("No S3 endpoint is configured for " + location);
      }
      return s3;
    }
    if (lower.startsWith("file:") || lower.startsWith("/")) {
      return local;
    }
    throw new IllegalArgumentException("Unsupported storage scheme: " + location);
  }

  @Override
  public InputFile newInputFile(String path) {
    return forLocation(path).newInputFile(path);
  }

  @Override
  public InputFile newInputFile(String path, long length) {
    return forLocation(path).newInputFile(path, length);
  }

  @Override
  public OutputFile newOutputFile(String path) {
    return forLocation(path).newOutputFile(path);
  }

  @Override
  public void deleteFile(String path) {
    forLocation(path).deleteFile(path);
  }

  @Override
  public Iterable<FileInfo> listPrefix(String prefix) {
    return ((SupportsPrefixOperations) forLocation(prefix)).listPrefix(prefix);
  }

  @Override
  public void deletePrefix(String prefix) {
    ((SupportsPrefixOperations) forLocation(prefix)).deletePrefix(prefix);
  }

  @Override
  public void deleteFiles(Iterable<String> paths) throws BulkDeletionFailureException {
    List<String> remote = new ArrayList<>();
    for (String path : paths) {
      FileIO io = forLocation(path);
      if (io == local) {
        local.deleteFile(path);
      } else {
        remote.add(path);
      }
    }
    if (!remote.isEmpty()) {
      ((SupportsBulkOperations) s3).deleteFiles(remote);
    }
  }

  @Override
  public Map<String, String> properties() {
    return s3 == null ? Map.of() : s3.properties();
  }

  @Override
  public void close() {
    if (presigned != null) {
      presigned.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }
}
