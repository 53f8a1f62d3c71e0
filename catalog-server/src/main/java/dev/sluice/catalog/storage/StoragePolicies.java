package dev.sluice.catalog.storage;

import dev.sluice.catalog.config.WarehouseConfig;
import dev.sluice.catalog.policy.ActivePolicy;
import dev.sluice.catalog.policy.PolicyService;
import dev.sluice.policy.model.Zone;
import dev.sluice.zones.StoragePolicy;
import dev.sluice.zones.StoragePolicy.ZoneStorage;
import dev.sluice.zones.StorageRoot;
import dev.sluice.zones.ZoneLayout;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The storage policy in force: the configured warehouse and allowed roots, and the storage roots of
 * the active policy's zones. Rebuilt when another policy version becomes active, so it is exactly
 * as fresh as the policy it comes from.
 */
@ApplicationScoped
public class StoragePolicies {
  private final PolicyService policies;
  private final StorageRoot warehouse;
  private final List<StorageRoot> allowed;
  private final AtomicReference<Built> current = new AtomicReference<>();

  private record Built(ActivePolicy source, StoragePolicy policy) {}

  @Inject
  public StoragePolicies(WarehouseConfig config, PolicyService policies) {
    this.policies = policies;
    this.warehouse = StorageRoot.of(absolute(config.location()));
    List<StorageRoot> roots = new ArrayList<>();
    config.allowedLocations().orElse(List.of()).stream()
        .map(StoragePolicies::absolute)
        .map(StorageRoot::of)
        .forEach(roots::add);
    this.allowed = List.copyOf(roots);
  }

  /** The storage policy of the active policy version. */
  public StoragePolicy current() {
    ActivePolicy active = policies.active().orElse(null);
    Built built = current.get();
    if (built != null && built.source() == active) {
      return built.policy();
    }
    StoragePolicy policy = build(active);
    current.set(new Built(active, policy));
    return policy;
  }

  public StorageRoot warehouse() {
    return warehouse;
  }

  private StoragePolicy build(ActivePolicy active) {
    ZoneLayout.Builder<ZoneStorage> zones = ZoneLayout.builder();
    if (active != null) {
      for (Zone zone : active.engine().bundle().zones().values()) {
        if (zone.storage() == null) {
          continue;
        }
        ZoneStorage storage =
            new ZoneStorage(zone.name(), StorageRoot.of(absolute(zone.storage())));
        zone.namespaceLevels().forEach(levels -> zones.put(levels, storage));
      }
    }
    return StoragePolicy.of(warehouse, allowed, zones.build());
  }

  /** Local roots may be configured relative to the working directory; pin them down. */
  public static String absolute(String location) {
    String path = null;
    if (location.startsWith("file:") && !location.startsWith("file:/")) {
      path = location.substring("file:".length());
    } else if (!location.contains(":")) {
      path = location;
    }
    if (path == null) {
      return location;
    }
    return "file:" + Path.of(path).toAbsolutePath().normalize();
  }
}
