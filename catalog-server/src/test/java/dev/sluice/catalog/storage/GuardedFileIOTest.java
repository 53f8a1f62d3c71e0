package dev.sluice.catalog.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.zones.StoragePolicy;
import dev.sluice.zones.StorageRoot;
import dev.sluice.zones.ZoneLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.iceberg.exceptions.BadRequestException;
import org.apache.iceberg.io.PositionOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The last fence: no write, delete or listing outside the managed roots, no ambiguous read. */
class GuardedFileIOTest {
  @TempDir Path dir;

  private GuardedFileIO io() {
    StoragePolicy policy =
        StoragePolicy.of(
            StorageRoot.of("file:" + dir.resolve("lake")), List.of(), ZoneLayout.empty());
    return new GuardedFileIO(new StorageFileIO(null, new LocalFileIO()), () -> policy);
  }

  @Test
  void writesAndDeletesStayUnderTheManagedRoots() throws IOException {
    GuardedFileIO io = io();
    String inside = "file:" + dir.resolve("lake/t/data/f.parquet");
    try (PositionOutputStream out = io.newOutputFile(inside).create()) {
      out.write(1);
    }
    assertThat(dir.resolve("lake/t/data/f.parquet")).exists();

    for (String outside :
        List.of(
            "file:" + dir.resolve("elsewhere/f"),
            "file:" + dir.resolve("lake") + "/%2e%2e/elsewhere/f",
            "file:" + dir.resolve("lake") + "-x/f",
            "FILE:" + dir.resolve("lake/t/f"))) {
      assertThatThrownBy(() -> io.newOutputFile(outside))
          .isInstanceOf(BadRequestException.class)
          .hasMessageContaining("not under a storage root this catalog manages");
      assertThatThrownBy(() -> io.deleteFile(outside)).isInstanceOf(BadRequestException.class);
      assertThatThrownBy(() -> io.writeAll(outside, new byte[] {1}))
          .isInstanceOf(BadRequestException.class)
          .hasMessageContaining("not under a storage root this catalog manages");
      assertThatThrownBy(() -> io.deleteFiles(List.of(inside, outside)))
          .isInstanceOf(BadRequestException.class);
    }
    io.writeAll(inside, new byte[] {7, 8});
    assertThat(io.readAll(inside)).containsExactly(7, 8);
    // a batch with one foreign path deletes nothing
    assertThat(dir.resolve("lake/t/data/f.parquet")).exists();
    assertThat(Files.exists(dir.resolve("elsewhere"))).isFalse();

    io.deleteFile(inside);
    assertThat(dir.resolve("lake/t/data/f.parquet")).doesNotExist();
  }

  @Test
  void readsMustBeUnambiguous() {
    GuardedFileIO io = io();
    assertThatThrownBy(() -> io.newInputFile("file:" + dir + "/lake/%2e%2e/secret"))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("'..' segment");
    assertThatThrownBy(() -> io.newInputFile("File:" + dir + "/lake/t"))
        .isInstanceOf(BadRequestException.class);
    assertThatThrownBy(() -> io.readAll("file:" + dir + "/lake/%2e%2e/secret"))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("'..' segment");
    assertThatThrownBy(() -> io.exists("file:" + dir + "/lake/%2e%2e/secret"))
        .isInstanceOf(BadRequestException.class);
  }
}
