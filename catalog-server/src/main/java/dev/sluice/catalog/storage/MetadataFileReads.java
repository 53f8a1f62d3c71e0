package dev.sluice.catalog.storage;

import java.io.IOException;
import java.io.InputStream;
import org.apache.iceberg.exceptions.RuntimeIOException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;

/**
 * A metadata file's presence and bytes, asked the cheapest way the storage allows: the two requests
 * a table load makes of the object store.
 */
public interface MetadataFileReads {
  /** Whether the file at {@code location} is there. */
  boolean exists(String location);

  /** The file's bytes as stored; a missing file fails with the store's own not-found error. */
  byte[] readAll(String location);

  /** Through {@code io}'s input files. */
  static MetadataFileReads of(FileIO io) {
    return new MetadataFileReads() {
      @Override
      public boolean exists(String location) {
        return io.newInputFile(location).exists();
      }

      @Override
      public byte[] readAll(String location) {
        return bytes(io.newInputFile(location));
      }
    };
  }

  /** All of {@code file}'s bytes. */
  static byte[] bytes(InputFile file) {
    try (InputStream in = file.newStream()) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new RuntimeIOException(e, "Failed to read file: %s", file.location());
    }
  }
}
