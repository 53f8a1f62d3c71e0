package dev.sluice.catalog.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/** Where table and view files live. */
@ConfigMapping(prefix = "sluice.warehouse")
public interface WarehouseConfig {

  /** The warehouse name clients may pass as {@code warehouse}; its location is accepted too. */
  @WithDefault("sluice")
  String name();

  /** Root of all default table locations, e.g. {@code s3://lake/warehouse/} or {@code file:/…}. */
  String location();

  /**
   * Further roots a client may request table locations under. Locations outside the warehouse and
   * these roots are refused.
   */
  Optional<List<String>> allowedLocations();
}
