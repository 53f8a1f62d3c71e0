package dev.sluice.catalog.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

  @Test
  void aCommittedFileIsServedWithoutARead() {
    CountingFileIO io = new CountingFileIO();
    String location = write(io, 1);
    TableMetadataCache cache = new TableMetadataCache(MetadataFiles.of(io), 1024 * 1024);
    TableMetadata metadata = TableMetadataParser.read(io, location);
    int before = io.reads.get();

    cache.written(location, TableMetadataParser.toJson(metadata));

    assertThat(cache.read(location).uuid()).isEqualTo(metadata.uuid());
    assertThat(io.reads.get()).isEqualTo(before);
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
