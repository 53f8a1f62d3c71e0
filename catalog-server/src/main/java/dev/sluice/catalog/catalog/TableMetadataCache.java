package dev.sluice.catalog.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.sluice.catalog.storage.GuardedFileIO;
import dev.sluice.catalog.storage.MetadataFiles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableMetadataParser;
import org.apache.iceberg.exceptions.RuntimeIOException;
import org.apache.iceberg.util.JsonUtil;
import org.jboss.logging.Logger;

/**
 * Table metadata by metadata file location. A metadata file is written once under a name holding a
 * UUID and never changes, so an entry can never be stale, on this replica or any other; which file
 * is current is still read from the database's pointer on every request, and a hit still checks
 * that the file exists.
 *
 * <p>Two tiers share the memory bound: a quarter holds parsed metadata for the tables loaded most,
 * with the file's JSON text as read or written (estimated at three times the text's length), the
 * rest the JSON of files that left the parsed tier, packed ({@link PackedMetadata}, about a fifth
 * of its size), so a catalog of a hundred thousand tables is served from memory, at the price of a
 * parse, rather than from the object store. A file a commit replaced leaves both: this replica's
 * loads reach files through the table's pointer.
 */
@ApplicationScoped
public class TableMetadataCache {
  /**
   * Parsed objects take more room than their JSON text (a rough, deliberately high factor of two),
   * and the text itself is kept (a byte a character, as compact strings hold most metadata files).
   */
  private static final int BYTES_PER_JSON_CHAR = 3;

  /** The parsed tier's share of the bound: a divisor. */
  private static final int PARSED_SHARE = 4;

  private static final Logger LOG = Logger.getLogger(TableMetadataCache.class);

  /** Iceberg's own mapper, refusing content after the JSON value where Iceberg ignores it. */
  private static final ObjectMapper STRICT_JSON =
      JsonUtil.mapper().copy().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final MetadataFiles files;
  private final Cache<String, Parsed> cache;
  private final Cache<String, PackedMetadata> packed;

  /**
   * Metadata with the JSON text it was parsed from or written as: a table leaving the parsed tier
   * is packed from that text, which is at hand, rather than from its metadata serialised again.
   */
  private record Parsed(TableMetadata metadata, String json) {
    int weight() {
      return (int) Math.min(Integer.MAX_VALUE, (long) json.length() * BYTES_PER_JSON_CHAR);
    }
  }

  @Inject
  public TableMetadataCache(GuardedFileIO io, MetadataCacheConfig config) {
    this(io, config.metadataCacheBytes());
  }

  TableMetadataCache(MetadataFiles files, long maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException(
          "sluice.catalog.metadata-cache-bytes must be 0 (off) or more, not " + maxBytes);
    }
    this.files = files;
    if (maxBytes == 0) {
      this.cache = null;
      this.packed = null;
      return;
    }
    long parsedBytes = maxBytes / PARSED_SHARE;
    this.packed =
        Caffeine.newBuilder()
            .maximumWeight(maxBytes - parsedBytes)
            .<String, PackedMetadata>weigher((location, file) -> file.weight(location))
            .build();
    this.cache =
        Caffeine.newBuilder()
            .maximumWeight(parsedBytes)
            .<String, Parsed>weigher((location, parsed) -> parsed.weight())
            // evictions happen on the thread that made room, so that a table leaves the parsed
            // tier straight into the packed one, never into neither
            .executor(Runnable::run)
            .evictionListener(
                (String location, Parsed parsed, RemovalCause cause) -> pack(location, parsed))
            .build();
  }

  /**
   * A table leaving the parsed tier stays in memory packed. Packing waits until then, so a catalog
   * whose tables fit parsed never packs, and a commit does not pay for it.
   */
  private void pack(String location, Parsed parsed) {
    try {
      packed.asMap().computeIfAbsent(location, l -> PackedMetadata.pack(parsed.json()));
    } catch (RuntimeException e) {
      LOG.debugf(e, "Not packing %s", location);
    }
  }

  /**
   * The metadata in the file at {@code location} for a client's load: read only when not already
   * parsed, but a file removed behind the catalog's back fails the load as it would uncached, so a
   * hit still asks the store that the file is there (a HEAD, no body and no parsing).
   */
  public TableMetadata read(String location) {
    TableMetadata cached = cached(location);
    if (cached == null) {
      return parse(location);
    }
    requirePresent(location);
    return cached;
  }

  /**
   * The metadata in the file at {@code location}, from memory when parsed before, without asking
   * the store again: for a commit's base (the pointer's compare-and-swap guards the commit, and the
   * file's bytes cannot have changed) and the server's own checks.
   */
  public TableMetadata parsed(String location) {
    TableMetadata cached = cached(location);
    return cached != null ? cached : parse(location);
  }

  /** From the parsed tier, else unpacked and parsed from the packed one; null when in neither. */
  private TableMetadata cached(String location) {
    if (cache == null) {
      return null;
    }
    Parsed parsed = cache.getIfPresent(location);
    if (parsed != null) {
      return parsed.metadata();
    }
    PackedMetadata file = packed.getIfPresent(location);
    if (file == null) {
      return null;
    }
    String json = file.json();
    TableMetadata metadata = TableMetadataParser.fromJson(location, json);
    cache.put(location, new Parsed(metadata, json));
    return metadata;
  }

  private TableMetadata parse(String location) {
    // read outside the cache's lock: a second reader of the same new file reads it too, harmlessly
    Parsed parsed = parseText(location, json(location));
    return cache == null ? parsed.metadata() : remember(location, parsed.metadata(), parsed.json());
  }

  /**
   * Parses a file's text as Iceberg does. Iceberg's parser ignores whatever follows the file's JSON
   * object; such a file keeps the text its metadata serialises to instead, so that every kept text
   * is one JSON object that an answer can carry as it is.
   */
  private static Parsed parseText(String location, String json) {
    JsonNode node;
    try {
      node = STRICT_JSON.readTree(json);
    } catch (JsonProcessingException e) {
      node = null;
    }
    if (node == null || !node.isObject()) {
      // trailing content, or not metadata at all: parsed (and refused) exactly as Iceberg would
      TableMetadata metadata = TableMetadataParser.fromJson(location, json);
      return new Parsed(metadata, TableMetadataParser.toJson(metadata));
    }
    return new Parsed(TableMetadataParser.fromJson(location, node), json);
  }

  /**
   * The JSON text of the file at {@code location} when it is parsed in memory: the text it was read
   * or written as, one JSON object holding exactly the metadata {@link #read} gives.
   */
  public Optional<String> text(String location) {
    if (cache == null) {
      return Optional.empty();
    }
    Parsed parsed = cache.getIfPresent(location);
    return parsed == null ? Optional.empty() : Optional.of(parsed.json());
  }

  /**
   * Confirms that the file at {@code location} is still there without reading it: a HEAD. A file
   * removed behind the catalog's back fails as reading it would, with the store's own error.
   */
  public void requirePresent(String location) {
    if (!files.exists(location)) {
      if (cache != null) {
        cache.invalidate(location);
        packed.invalidate(location);
      }
      parse(location); // throws the store's not-found error, as an uncached load does
    }
  }

  /**
   * Remembers a file this server has just committed, so the next load needs no read: {@code
   * metadata}, as reading the file gives it (bound to {@code location}, no changes), instead of
   * parsing {@code json}, the file's JSON as written, again. Forgets {@code replaced}, the file the
   * pointer named before (null for a new table): this replica's loads go through the pointer, so it
   * would only take room from current files. Never throws: the commit has happened, and a file not
   * remembered is simply read on its next load.
   */
  public void written(String location, String json, TableMetadata metadata, String replaced) {
    if (cache == null) {
      return;
    }
    if (replaced != null && !replaced.equals(location)) {
      cache.invalidate(replaced);
      packed.invalidate(replaced);
    }
    remember(location, metadata, json);
  }

  private TableMetadata remember(String location, TableMetadata metadata, String json) {
    cache.put(location, new Parsed(metadata, json));
    return metadata;
  }

  /** The file's JSON text, uncompressed as {@link TableMetadataParser#read} would. */
  private String json(String location) {
    byte[] bytes = files.readAll(location);
    if (TableMetadataParser.Codec.fromFileName(location) != TableMetadataParser.Codec.GZIP) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new RuntimeIOException(e, "Failed to read file: %s", location);
    }
  }
}
