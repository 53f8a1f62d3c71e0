package dev.sluice.catalog.catalog;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.sluice.catalog.storage.GuardedFileIO;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableMetadataParser;
import org.apache.iceberg.exceptions.RuntimeIOException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.jboss.logging.Logger;

/**
 * Parsed table metadata by metadata file location. A metadata file is written once under a name
 * holding a UUID and never changes, so an entry can never be stale, on this replica or any other;
 * which file is current is still read from the database's pointer on every request, and a hit still
 * checks that the file exists. Bounded by an estimate of memory: twice the length of the file's
 * JSON.
 */
@ApplicationScoped
public class TableMetadataCache {
  /** Parsed objects take more room than their JSON text; a rough, deliberately high factor. */
  private static final int BYTES_PER_JSON_CHAR = 2;

  private static final Logger LOG = Logger.getLogger(TableMetadataCache.class);

  private final FileIO io;
  private final Cache<String, Parsed> cache;

  private record Parsed(TableMetadata metadata, int weight) {}

  @Inject
  public TableMetadataCache(GuardedFileIO io, MetadataCacheConfig config) {
    this(io, config.metadataCacheBytes());
  }

  TableMetadataCache(FileIO io, long maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException(
          "sluice.catalog.metadata-cache-bytes must be 0 (off) or more, not " + maxBytes);
    }
    this.io = io;
    this.cache =
        maxBytes == 0
            ? null
            : Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .<String, Parsed>weigher((location, parsed) -> parsed.weight())
                .build();
  }

  /**
   * The metadata in the file at {@code location} for a client's load: read only when not already
   * parsed, but a file removed behind the catalog's back fails the load as it would uncached, so a
   * hit still asks the store that the file is there (a HEAD, no body and no parsing).
   */
  public TableMetadata read(String location) {
    Parsed cached = cache == null ? null : cache.getIfPresent(location);
    if (cached == null) {
      return parse(location);
    }
    requirePresent(location);
    return cached.metadata();
  }

  /**
   * The metadata in the file at {@code location}, from memory when parsed before, without asking
   * the store again: for a commit's base (the pointer's compare-and-swap guards the commit, and the
   * file's bytes cannot have changed) and the server's own checks.
   */
  public TableMetadata parsed(String location) {
    Parsed cached = cache == null ? null : cache.getIfPresent(location);
    return cached != null ? cached.metadata() : parse(location);
  }

  private TableMetadata parse(String location) {
    if (cache == null) {
      return TableMetadataParser.read(io, location);
    }
    // read outside the cache's lock: a second reader of the same new file reads it too, harmlessly
    String json = json(io.newInputFile(location));
    return remember(location, TableMetadataParser.fromJson(location, json), json.length());
  }

  /**
   * Confirms that the file at {@code location} is still there without reading it: a HEAD. A file
   * removed behind the catalog's back fails as reading it would, with the store's own error.
   */
  public void requirePresent(String location) {
    boolean present =
        io instanceof GuardedFileIO guarded
            ? guarded.exists(location)
            : io.newInputFile(location).exists();
    if (!present) {
      if (cache != null) {
        cache.invalidate(location);
      }
      parse(location); // throws the store's not-found error, as an uncached load does
    }
  }

  /**
   * Remembers a file this server has just committed, so the next load needs no read. The entry is
   * what parsing the file gives: {@code metadata} as written, serialised and parsed again. Never
   * throws: the commit has happened, and a file not remembered is simply read on its next load.
   */
  public void written(String location, TableMetadata metadata) {
    if (cache == null) {
      return;
    }
    try {
      String json = TableMetadataParser.toJson(metadata);
      remember(location, TableMetadataParser.fromJson(location, json), json.length());
    } catch (RuntimeException e) {
      LOG.debugf(e, "Not caching %s", location);
    }
  }

  private TableMetadata remember(String location, TableMetadata metadata, int jsonLength) {
    int weight = (int) Math.min(Integer.MAX_VALUE, (long) jsonLength * BYTES_PER_JSON_CHAR);
    cache.put(location, new Parsed(metadata, weight));
    return metadata;
  }

  /** The file's JSON text, uncompressed as {@link TableMetadataParser#read} would. */
  private static String json(InputFile file) {
    boolean gzip =
        TableMetadataParser.Codec.fromFileName(file.location()) == TableMetadataParser.Codec.GZIP;
    try (InputStream raw = file.newStream();
        InputStream in = gzip ? new GZIPInputStream(raw) : raw) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new RuntimeIOException(e, "Failed to read file: %s", file.location());
    }
  }
}
