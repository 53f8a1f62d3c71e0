package dev.sluice.catalog.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.iceberg.exceptions.RuntimeIOException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;

/**
 * Metadata files' presence, bytes and writing, done the cheapest way the storage allows: the
 * requests a table load and a commit make of the object store.
 */
public interface MetadataFiles {
  /** Whether the file at {@code location} is there. */
  boolean exists(String location);

  /** The file's bytes as stored; a missing file fails with the store's own not-found error. */
  byte[] readAll(String location);

  /**
   * Writes {@code bytes} as the whole file at {@code location}, replacing any; a file's name holds
   * a UUID, so it is never another writer's.
   */
  void writeAll(String location, byte[] bytes);

  /** Through {@code io}'s input and output files. */
  static MetadataFiles of(FileIO io) {
    return new MetadataFiles() {
      @Override
      public void writeAll(String location, byte[] bytes) {
        write(io.newOutputFile(location), bytes);
      }

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

  /** Writes {@code bytes} as the whole of {@code file}, replacing any. */
  static void write(OutputFile file, byte[] bytes) {
    try (OutputStream out = file.createOrOverwrite()) {
      out.write(bytes);
    } catch (IOException e) {
      throw new RuntimeIOException(e, "Failed to write file: %s", file.location());
    }
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
