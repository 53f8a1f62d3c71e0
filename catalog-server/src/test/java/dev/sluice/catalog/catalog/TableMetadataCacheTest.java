package dev.sluice.catalog.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.sluice.catalog.storage.MetadataFiles;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableMetadataParser;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.inmemory.InMemoryFileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.SeekableInputStream;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.JsonUtil;
import org.junit.jupiter.api.Test;

class TableMetadataCacheTest {
  private static final Schema SCHEMA =
      new Schema(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.required(2, "event_time", Types.TimestampType.withZone()),
          Types.NestedField.optional(3, "region", Types.StringType.get()),
          Types.NestedField.optional(4, "amount", Types.DecimalType.of(18, 2)),
          Types.NestedField.optional(5, "payload", Types.BinaryType.get()));

  /**
   * An in-memory store that counts the metadata files it is asked to read; like an object store's,
   * its input files are handles that fail only when read. Its files live in a static map, so each
   * instance writes under a root of its own.
   */
  private static final class CountingFileIO extends InMemoryFileIO {
    final AtomicInteger reads = new AtomicInteger();
    final String root = "s3://warehouse-" + UUID.randomUUID() + "/ns/";

    @Override
    public InputFile newInputFile(String location) {
      return new InputFile() {
        @Override
        public long getLength() {
          return CountingFileIO.super.newInputFile(location).getLength();
        }

        @Override
        public SeekableInputStream newStream() {
          reads.incrementAndGet();
          return CountingFileIO.super.newInputFile(location).newStream();
        }

        @Override
        public String location() {
          return location;
        }

        @Override
        public boolean exists() {
          return fileExists(location);
        }
      };
    }
  }

  private static String write(CountingFileIO io, int table) {
    TableMetadata metadata =
        TableMetadata.newTableMetadata(
            SCHEMA,
            PartitionSpec.unpartitioned(),
            SortOrder.unsorted(),
            io.root + "t_" + table,
            Map.of("owner", "team-" + table));
    String location = io.root + "t_" + table + "/metadata/00000-" + table + ".metadata.json";
    TableMetadataParser.overwrite(metadata, io.newOutputFile(location));
    return location;
  }

  /** Tables {@code t_0} to {@code t_<count - 1>}; their metadata files' locations, in order. */
  private static List<String> writeTables(CountingFileIO io, int count) {
    List<String> locations = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      locations.add(write(io, i));
    }
    return locations;
  }

  @Test
  void packedJsonComesBackByteForByte() {
    Random random = new Random(7);
    StringBuilder large = new StringBuilder();
    for (int i = 0; i < 200_000; i++) {
      large.append((char) (' ' + random.nextInt(0x2000)));
    }
    for (String json :
        List.of(
            "",
            "{}",
            "{\"name\":\"é😀\\u0000\",\"doc\":\"\\\"quoted\\\"\"}",
            TableMetadataParser.toJson(
                TableMetadata.newTableMetadata(
                    SCHEMA,
                    PartitionSpec.unpartitioned(),
                    SortOrder.unsorted(),
                    "s3://w/t",
                    Map.of())),
            large.toString())) {
      PackedMetadata packed = PackedMetadata.pack(json);
      assertThat(packed.json()).isEqualTo(json);
    }
  }

  @Test
  void aNewTablesMetadataPacksToLessThanAThirdOfItsText() {
    String json =
        TableMetadataParser.toJson(
            TableMetadata.newTableMetadata(
                SCHEMA,
                PartitionSpec.builderFor(SCHEMA).day("event_time").build(),
                SortOrder.unsorted(),
                "s3://warehouse/sales/orders",
                Map.of("write.format.default", "parquet")));
    assertThat(PackedMetadata.pack(json).deflated().length).isLessThan(json.length() / 3);
  }

  @Test
  void tablesBeyondTheParsedTierAreServedPackedWithoutReadingTheirFilesAgain() {
    CountingFileIO io = new CountingFileIO();
    List<String> locations = writeTables(io, 200);
    // a quarter (64 KiB) holds about 20 parsed tables; the packed tier holds all 200
    TableMetadataCache cache = new TableMetadataCache(MetadataFiles.of(io), 256 * 1024);
    for (String location : locations) {
      cache.read(location);
    }
    assertThat(io.reads).hasValue(200);

    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < locations.size(); i++) {
        TableMetadata metadata = cache.read(locations.get(i));
        assertThat(metadata.metadataFileLocation()).isEqualTo(locations.get(i));
        assertThat(metadata.location()).isEqualTo(io.root + "t_" + i);
        assertThat(metadata.properties()).containsEntry("owner", "team-" + i);
        assertThat(metadata.schema().asStruct()).isEqualTo(SCHEMA.asStruct());
      }
    }
    assertThat(io.reads).as("no file read twice").hasValue(200);
  }

  @Test
  void aPackedFileRemovedBehindTheCatalogFailsItsLoad() {
    CountingFileIO io = new CountingFileIO();
    List<String> locations = writeTables(io, 3);
    // a parsed tier (1 KiB) too small for any table: every hit is served packed
    TableMetadataCache cache = new TableMetadataCache(MetadataFiles.of(io), 4 * 1024);
    locations.forEach(cache::read);
    locations.forEach(cache::read);
    assertThat(io.reads).as("all three served packed").hasValue(3);
    io.deleteFile(locations.get(0));

    assertThatThrownBy(() -> cache.read(locations.get(0))).isInstanceOf(NotFoundException.class);
    // forgotten, so a file put back is read again rather than served from memory
    int before = io.reads.get();
    write(io, 0);
    cache.read(locations.get(0));
    assertThat(io.reads.get()).isEqualTo(before + 1);
  }

  @Test
  void gzippedFilesAreReadAsIcebergReadsThem() {
    CountingFileIO io = new CountingFileIO();
    TableMetadata metadata =
        TableMetadata.newTableMetadata(
            SCHEMA,
            PartitionSpec.unpartitioned(),
            SortOrder.unsorted(),
            io.root + "t_gz",
            Map.of("write.metadata.compression-codec", "gzip"));
    String location = io.root + "t_gz/metadata/00000-gz.gz.metadata.json";
    TableMetadataParser.overwrite(metadata, io.newOutputFile(location));
    TableMetadataCache cache = new TableMetadataCache(MetadataFiles.of(io), 1024 * 1024);

    TableMetadata read = cache.read(location);

    assertThat(read.uuid()).isEqualTo(metadata.uuid());
    assertThat(read.metadataFileLocation()).isEqualTo(location);
    assertThat(read.properties()).containsEntry("write.metadata.compression-codec", "gzip");
  }

  /**
   * Commits {@code update} to the table whose current file is {@code base}, as the catalog does:
   * the file gets the updated metadata's JSON, and the cache is told of it and of the file it
   * replaces. Returns the new file's location.
   */
  private static String commit(
      CountingFileIO io,
      TableMetadataCache cache,
      String base,
      java.util.function.Consumer<TableMetadata.Builder> update) {
    TableMetadata current = TableMetadataParser.read(io, base);
    TableMetadata.Builder builder = TableMetadata.buildFrom(current);
    update.accept(builder);
    TableMetadata updated = builder.build();
    String json = TableMetadataParser.toJson(updated);
    String location =
        base.replaceFirst(
            "/metadata/.*", "/metadata/00001-" + UUID.randomUUID() + ".metadata.json");
    io.addFile(location, json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    cache.written(location, json, SluiceTableOperations.asWritten(updated, location), base);
    return location;
  }

  private static org.apache.iceberg.Snapshot snapshot(long id, Long parent, long sequence) {
    return org.apache.iceberg.SnapshotParser.fromJson(
        "{\"snapshot-id\":"
            + id
            + (parent == null ? "" : ",\"parent-snapshot-id\":" + parent)
            + ",\"sequence-number\":"
            + sequence
            + ",\"timestamp-ms\":"
            + (1_700_000_000_000L + id)
            + ",\"manifest-list\":\"s3://w/snap-"
            + id
            + ".avro\",\"summary\":{\"operation\":\"append\"},\"schema-id\":0}");
  }

  @Test
  void aCommittedFileIsServedWithoutAReadAsReadingItWouldGiveIt() {
    CountingFileIO io = new CountingFileIO();
    TableMetadataCache cache = new TableMetadataCache(MetadataFiles.of(io), 1024 * 1024);
    String location = write(io, 1);
    List<java.util.function.Consumer<TableMetadata.Builder>> commits =
        List.of(
            b -> b.addSnapshot(snapshot(11, null, 1)).setBranchSnapshot(11, "main"),
            b -> b.addSnapshot(snapshot(12, 11L, 2)).setBranchSnapshot(12, "main"),
            b -> b.setProperties(Map.of("write.metadata.previous-versions-max", "2")),
            b ->
                b.setCurrentSchema(
                    new Schema(
                        Types.NestedField.required(1, "id", Types.LongType.get()),
                        Types.NestedField.optional(6, "note", Types.StringType.get())),
                    6),
            b -> b.setRef("audit", org.apache.iceberg.SnapshotRef.tagBuilder(11).build()),
            b -> b.removeSnapshots(List.of(snapshot(11, null, 1))).removeRef("audit"),
            b -> b.addSnapshot(snapshot(13, 12L, 3)).setBranchSnapshot(13, "main"));
    for (java.util.function.Consumer<TableMetadata.Builder> update : commits) {
      location = commit(io, cache, location, update);
      int before = io.reads.get();

      TableMetadata cached = cache.parsed(location);

      assertThat(io.reads.get()).as("served from memory").isEqualTo(before);
      TableMetadata read = TableMetadataParser.fromJson(location, readString(io, location));
      assertThat(cached.metadataFileLocation()).isEqualTo(location);
      assertThat(cached.changes()).isEmpty();
      assertThat(TableMetadataParser.toJson(cached)).isEqualTo(TableMetadataParser.toJson(read));
      assertThat(cached.snapshotLog()).isEqualTo(read.snapshotLog());
      assertThat(cached.previousFiles()).isEqualTo(read.previousFiles());
    }
  }

  @Test
  void aCommittedFileThatLeftTheParsedTierIsServedPackedAsWritten() {
    CountingFileIO io = new CountingFileIO();
    List<String> others = writeTables(io, 100);
    // a quarter (64 KiB) holds about 14 parsed tables; the packed tier holds all of them
    TableMetadataCache cache = new TableMetadataCache(MetadataFiles.of(io), 256 * 1024);
    String base = write(io, 1000);
    cache.read(base);
    String committed =
        commit(
            io,
            cache,
            base,
            b -> b.addSnapshot(snapshot(21, null, 1)).setBranchSnapshot(21, "main"));
    others.forEach(cache::read);
    int before = io.reads.get();

    TableMetadata served = cache.read(committed);

    assertThat(io.reads.get()).as("served packed, not read").isEqualTo(before);
    assertThat(TableMetadataParser.toJson(served)).isEqualTo(readString(io, committed));
    assertThat(served.metadataFileLocation()).isEqualTo(committed);
    assertThat(served.currentSnapshot().snapshotId()).isEqualTo(21);
  }

  @Test
  void theFileACommitReplacesIsForgotten() {
    CountingFileIO io = new CountingFileIO();
    TableMetadataCache cache = new TableMetadataCache(MetadataFiles.of(io), 1024 * 1024);
    String first = write(io, 1);
    cache.read(first);
    String second = commit(io, cache, first, b -> b.setProperties(Map.of("k", "v")));
    int before = io.reads.get();

    cache.parsed(second);
    assertThat(io.reads.get()).isEqualTo(before);
    cache.parsed(first);
    assertThat(io.reads.get()).as("the replaced file is read again").isEqualTo(before + 1);
  }

  private static String readString(CountingFileIO io, String location) {
    try (var in = io.newInputFile(location).newStream()) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String pretty(String json) {
    try {
      return JsonUtil.mapper()
          .writerWithDefaultPrettyPrinter()
          .writeValueAsString(JsonUtil.mapper().readTree(json));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Writes {@code text} as the file at {@code location}, byte for byte. */
  private static void writeText(CountingFileIO io, String location, String text) {
    try (var out = io.newOutputFile(location).createOrOverwrite()) {
      out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aFileReadIsKeptAsTheTextItHoldsForAnswersToCarry() {
    CountingFileIO io = new CountingFileIO();
    String location = write(io, 1);
    String pretty = pretty(readString(io, location)).replace("\"owner\"", "\"owner\"   ");
    writeText(io, location, pretty);
    TableMetadataCache cache = new TableMetadataCache(MetadataFiles.of(io), 1 << 20);
    assertThat(cache.text(location)).as("nothing in memory yet").isEmpty();

    TableMetadata metadata = cache.read(location);

    assertThat(cache.text(location)).contains(pretty);
    assertThat(TableMetadataParser.toJson(TableMetadataParser.fromJson(location, pretty)))
        .isEqualTo(TableMetadataParser.toJson(metadata));
  }

  @Test
  void aFileWithContentAfterItsJsonIsServedAsIcebergReadsItAndKeptAsItsMetadatasJson() {
    CountingFileIO io = new CountingFileIO();
    String location = write(io, 1);
    String json = readString(io, location);
    for (String trailing : List.of(" {\"format-version\": 1}", "]", " garbage")) {
      writeText(io, location, json + trailing);
      TableMetadataCache cache = new TableMetadataCache(MetadataFiles.of(io), 1 << 20);

      TableMetadata metadata = cache.read(location);

      assertThat(metadata.properties()).as(trailing).containsEntry("owner", "team-1");
      assertThat(cache.text(location)).as(trailing).contains(TableMetadataParser.toJson(metadata));
    }
  }

  @Test
  void aFileThatIsNotMetadataFailsAsIcebergFailsIt() {
    CountingFileIO io = new CountingFileIO();
    String location = io.root + "t/metadata/00000-x.metadata.json";
    for (String text : List.of("", "[1]", "{\"format-version\": 2", "null")) {
      writeText(io, location, text);
      TableMetadataCache cache = new TableMetadataCache(MetadataFiles.of(io), 1 << 20);
      Class<? extends Throwable> icebergError =
          catchThrowable(() -> TableMetadataParser.fromJson(location, text)).getClass();

      assertThatThrownBy(() -> cache.read(location)).as(text).isInstanceOf(icebergError);
      assertThat(cache.text(location)).as(text).isEmpty();
    }
  }

  @Test
  void aCacheOfZeroBytesReadsEveryTime() {
    CountingFileIO io = new CountingFileIO();
    String location = write(io, 1);
    TableMetadataCache cache = new TableMetadataCache(MetadataFiles.of(io), 0);
    cache.read(location);
    cache.read(location);
    assertThat(io.reads).hasValue(2);
  }
}
