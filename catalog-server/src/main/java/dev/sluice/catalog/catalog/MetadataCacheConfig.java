package dev.sluice.catalog.catalog;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How much table metadata the server keeps in memory. */
@ConfigMapping(prefix = "sluice.catalog")
public interface MetadataCacheConfig {

  /**
   * Upper bound, in bytes, of the table metadata cache: a quarter for parsed metadata (estimated
   * from the files' JSON size), the rest for the files' JSON packed; 0 turns the cache off and
   * every load reads its metadata file.
   */
  @WithDefault("67108864")
  long metadataCacheBytes();
}
