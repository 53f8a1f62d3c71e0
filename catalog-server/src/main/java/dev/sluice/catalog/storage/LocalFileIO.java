package dev.sluice.catalog.storage;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.stream.Stream;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.PositionOutputStream;
import org.apache.iceberg.io.SupportsPrefixOperations;

/**
 * {@link FileIO} for {@code file:} warehouses without Hadoop. Locations keep the spelling they were
 * given, so metadata written here names files the way engines will look them up.
 */
public class LocalFileIO implements FileIO, SupportsPrefixOperations {

  static Path toPath(String location) {
    if (location.startsWith("file:")) {
      URI uri = URI.create(location.replace(" ", "%20"));
      return Path.of(uri.getPath());
    }
    return Path.of(location);
  }

  @Override
  public InputFile newInputFile(String path) {
    return new LocatedInputFile(org.apache.iceberg.Files.localInput(toPath(path).toFile()), path);
  }

  @Override
  public OutputFile newOutputFile(String path) {
    return new LocatedOutputFile(path);
  }

  @Override
  public void deleteFile(String path) {
    try {
      Files.deleteIfExists(toPath(path));
    } catch (IOException e) {
      throw new UncheckedIOException("Failed to delete " + path, e);
    }
  }

  @Override
  public Iterable<FileInfo> listPrefix(String prefix) {
    Path root = toPath(prefix);
    if (!Files.isDirectory(root)) {
      return java.util.List.of();
    }
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(Files::isRegularFile)
          .map(
              p -> {
                File file = p.toFile();
                return new FileInfo(
                    prefix.startsWith("file:") ? "file:" + p : p.toString(),
                    file.length(),
                    file.lastModified());
              })
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Failed to list " + prefix, e);
    }
  }

  @Override
  public void deletePrefix(String prefix) {
    Path root = toPath(prefix);
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> files = Files.walk(root)) {
      Iterator<Path> deepestFirst = files.sorted(java.util.Comparator.reverseOrder()).iterator();
      while (deepestFirst.hasNext()) {
        try {
          Files.deleteIfExists(deepestFirst.next());
        } catch (NoSuchFileException ignored) {
          // removed concurrently: the goal is reached
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Failed to delete " + prefix, e);
    }
  }

  private record LocatedInputFile(InputFile delegate, String location) implements InputFile {
    @Override
    public long getLength() {
      return delegate.getLength();
    }

    @Override
    public org.apache.iceberg.io.SeekableInputStream newStream() {
      if (!delegate.exists()) {
        throw new NotFoundException("Failed to open input stream for file: %s", location);
      }
      return delegate.newStream();
    }

    @Override
    public boolean exists() {
      return delegate.exists();
    }
  }

  private record LocatedOutputFile(String location) implements OutputFile {
    private OutputFile delegate() {
      return org.apache.iceberg.Files.localOutput(toPath(location).toFile());
    }

    @Override
    public PositionOutputStream create() {
      return delegate().create();
    }

    @Override
    public PositionOutputStream createOrOverwrite() {
      return delegate().createOrOverwrite();
    }

    @Override
    public InputFile toInputFile() {
      return new LocatedInputFile(
          org.apache.iceberg.Files.localInput(toPath(location).toFile()), location);
    }
  }
}
