package dev.sluice.policy.load;

import dev.sluice.policy.load.YamlFile.Field;
import dev.sluice.policy.load.YamlFile.Located;
import dev.sluice.policy.mask.BuiltInMask;
import dev.sluice.policy.mask.MaskCatalog;
import dev.sluice.policy.model.Action;
import dev.sluice.policy.model.Classification;
import dev.sluice.policy.model.ColumnPolicy;
import dev.sluice.policy.model.ColumnType;
import dev.sluice.policy.model.Consent;
import dev.sluice.policy.model.Dataset;
import dev.sluice.policy.model.Durations;
import dev.sluice.policy.model.GovernanceColumns;
import dev.sluice.policy.model.Grant;
import dev.sluice.policy.model.MaskDefinition;
import dev.sluice.policy.model.Origin;
import dev.sluice.policy.model.PolicyBundle;
import dev.sluice.policy.model.Purpose;
import dev.sluice.policy.model.PurposeBinding;
import dev.sluice.policy.model.ResourcePattern;
import dev.sluice.policy.model.Retention;
import dev.sluice.policy.model.RowFilter;
import dev.sluice.policy.model.Subject;
import dev.sluice.policy.model.Zone;
import dev.sluice.zones.ZoneLayout;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Turns the files of a bundle into a {@link PolicyBundle}. Global files are read first so domain
 * files can be checked against them; references are checked once every file is read, so a bundle
 * may spread its definitions over files in any order.
 */
final class BundleParser {

  private static final Set<String> GLOBAL_KEYS =
      Set.of(
          "apiVersion",
          "zones",
          "classifications",
          "masks",
          "purposes",
          "principals",
          "datasets",
          "grants");
  private static final Set<String> DOMAIN_KEYS =
      Set.of("apiVersion", "domain", "zones", "datasets", "grants");
  private static final Set<String> ZONE_KEYS =
      Set.of(
          "namespaces", "storage", "read", "write", "admin", "forbid", "contract", "description");
  private static final Set<String> CLASSIFICATION_KEYS =
      Set.of("default-mask", "unmasked-for", "column-names", "description");
  private static final Set<String> MASK_KEYS = Set.of("expression", "types", "description");
  private static final Set<String> PURPOSE_KEYS = Set.of("requires-consent", "description");
  private static final Set<String> PRINCIPAL_KEYS = Set.of("purposes", "description");
  private static final Set<String> DATASET_KEYS =
      Set.of(
          "owner",
          "description",
          "columns",
          "consent",
          "retention",
          "row-filters",
          "tags",
          "contract");
  private static final Set<String> COLUMN_KEYS =
      Set.of("type", "classification", "mask", "unmasked-for", "description");
  private static final Set<String> CONSENT_KEYS =
      Set.of(
          "subject-column", "subject-columns", "purposes-column", "status-column", "granted-value");
  private static final Set<String> RETENTION_KEYS =
      Set.of("expires-column", "event-time-column", "max-age", "time-travel");
  private static final Set<String> ROW_FILTER_KEYS =
      Set.of("name", "expression", "applies-to", "exempt");
  private static final Set<String> GRANT_KEYS =
      Set.of("principal", "read", "write", "admin", "description");

  private final List<PolicyError> errors = new ArrayList<>();

  /** Reference checks that need every file read first. */
  private final List<Runnable> deferred = new ArrayList<>();

  private final Map<String, Zone> zones = new TreeMap<>();
  private final Map<String, Located> namespaceZones = new TreeMap<>();
  private final Map<String, Classification> classifications = new TreeMap<>();
  private final Map<String, MaskDefinition> masks = new TreeMap<>();
  private final Map<String, Purpose> purposes = new TreeMap<>();
  private final Map<Subject, PurposeBinding> bindings = new TreeMap<>();
  private final Map<String, Dataset> datasets = new TreeMap<>();
  private final List<Grant> grants = new ArrayList<>();
  private ZoneLayout<Zone> layout;

  LoadResult parse(List<SourceFile> files) {
    if (files.isEmpty()) {
      return LoadResult.failed(
          List.of(new PolicyError(new Origin("<bundle>", 1, 1), "the bundle has no files")));
    }
    // Global files first: domain files are judged against the global rules.
    files.stream()
        .sorted(Comparator.comparing(SourceFile::isDomainFile).thenComparing(SourceFile::path))
        .forEach(this::parseFile);
    deferred.forEach(Runnable::run);
    datasets.values().forEach(this::checkDataset);
    if (!errors.isEmpty()) {
      return LoadResult.failed(errors);
    }
    PolicyBundle bundle =
        new PolicyBundle(
            PolicyBundle.API_VERSION,
            zones,
            classifications,
            masks,
            purposes,
            List.copyOf(bindings.values()),
            datasets,
            grants);
    return LoadResult.of(bundle, BundleLints.warnings(bundle));
  }

  private void parseFile(SourceFile source) {
    YamlFile yaml = new YamlFile(source.path(), errors);
    Node root;
    try {
      root = new Yaml(new LoaderOptions()).compose(new StringReader(source.content()));
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      Origin origin =
          mark == null
              ? yaml.start()
              : new Origin(source.path(), mark.getLine() + 1, mark.getColumn() + 1);
      yaml.error(origin, "YAML syntax error: " + Objects.toString(e.getProblem(), e.getMessage()));
      return;
    } catch (YAMLException e) {
      yaml.error(yaml.start(), "YAML error: " + e.getMessage());
      return;
    }
    if (YamlFile.isNull(root)) {
      yaml.error(yaml.start(), "empty policy file");
      return;
    }
    boolean domainFile = source.isDomainFile();
    Set<String> allowed = new HashSet<>(GLOBAL_KEYS);
    allowed.addAll(DOMAIN_KEYS);
    Map<String, Field> top = yaml.fields(root, "a policy file", allowed);
    if (domainFile) {
      for (Field field : top.values()) {
        if (!DOMAIN_KEYS.contains(field.key())) {
          yaml.error(
              field.origin(),
              "'"
                  + field.key()
                  + "' may only be declared in a global file; a domain file may tighten, never"
                  + " loosen, global rules");
        }
      }
    } else if (top.containsKey("domain")) {
      yaml.error(top.get("domain").origin(), "'domain' belongs in a file under domains/");
    }
    checkApiVersion(yaml, root, top);
    String domain = domainFile ? domainName(yaml, source, top) : null;

    section(top, "zones", f -> zones(yaml, f, domainFile));
    if (!domainFile) {
      section(top, "classifications", f -> classifications(yaml, f));
      section(top, "masks", f -> masks(yaml, f));
      section(top, "purposes", f -> purposes(yaml, f));
      section(top, "principals", f -> principals(yaml, f));
    }
    section(top, "datasets", f -> datasets(yaml, f, domain));
    section(top, "grants", f -> grants(yaml, f, domain));
  }

  private static void section(Map<String, Field> top, String key, Consumer<Field> reader) {
    Field field = top.get(key);
    if (field != null) {
      reader.accept(field);
    }
  }

  private void checkApiVersion(YamlFile yaml, Node root, Map<String, Field> top) {
    Field field = top.get("apiVersion");
    if (field == null) {
      yaml.error(yaml.at(root), "missing apiVersion (expected " + PolicyBundle.API_VERSION + ")");
      return;
    }
    String version = yaml.text(field.value(), "apiVersion");
    if (version != null && !version.equals(PolicyBundle.API_VERSION)) {
      yaml.error(
          yaml.at(field.value()),
          "unsupported apiVersion '" + version + "' (expected " + PolicyBundle.API_VERSION + ")");
    }
  }

  private static String domainName(YamlFile yaml, SourceFile source, Map<String, Field> top) {
    String declared = yaml.text(top, "domain", "");
    if (declared != null) {
      return declared;
    }
    String file = source.path().substring(source.path().lastIndexOf('/') + 1);
    return file.substring(0, file.lastIndexOf('.'));
  }

  // ---- zones ----

  private void zones(YamlFile yaml, Field section, boolean domainFile) {
    for (Field entry : yaml.fields(section.value(), "zones", null).values()) {
      if (domainFile) {
        zoneOverlay(yaml, entry);
        continue;
      }
      String name = entry.key();
      String what = "zone '" + name + "'";
      if (zones.containsKey(name)) {
        yaml.error(entry.origin(), what + " is already defined at " + zones.get(name).origin());
        continue;
      }
      Map<String, Field> f = yaml.fields(entry.value(), what, ZONE_KEYS);
      List<Located> namespaces = yaml.texts(f, "namespaces", what);
      if (namespaces.isEmpty()) {
        yaml.error(entry.origin(), what + " lists no namespaces");
      }
      for (Located ns : namespaces) {
        if (ResourcePattern.parse(ns.value() + ".x").isEmpty()) {
          yaml.error(ns.origin(), "'" + ns.value() + "' is not a namespace name");
          continue;
        }
        Located owner = namespaceZones.get(ns.value());
        if (owner != null) {
          yaml.error(
              ns.origin(),
              "namespace '"
                  + ns.value()
                  + "' is in two zones: '"
                  + owner.value()
                  + "' (at "
                  + owner.origin()
                  + ") and '"
                  + name
                  + "'");
          continue;
        }
        namespaceZones.put(ns.value(), new Located(name, ns.origin()));
      }
      String storage = yaml.text(f, "storage", what);
      if (storage != null && !storage.matches("[A-Za-z][A-Za-z0-9+.-]*:.*")) {
        yaml.error(
            yaml.at(f.get("storage").value()),
            what + " storage must be a URI such as s3://lake/raw/ or file:/data/raw/");
      }
      List<Located> forbid = yaml.texts(f, "forbid", what);
      forbid.forEach(this::requireClassification);
      zones.put(
          name,
          new Zone(
              name,
              namespaces.stream().map(Located::value).distinct().toList(),
              storage,
              subjects(yaml, f, "read", what),
              subjects(yaml, f, "write", what),
              subjects(yaml, f, "admin", what),
              new TreeSet<>(values(forbid)),
              f.containsKey("contract")
                  ? new ContractParser(yaml).parse(what, f.get("contract"))
                  : null,
              entry.origin()));
    }
  }

  /** A domain may add forbidden classifications to a zone and nothing else. */
  private void zoneOverlay(YamlFile yaml, Field entry) {
    Zone global = zones.get(entry.key());
    String what = "zone '" + entry.key() + "'";
    if (global == null) {
      yaml.error(entry.origin(), "unknown zone '" + entry.key() + "'" + known(zones.keySet()));
      return;
    }
    Map<String, Field> f = yaml.fields(entry.value(), what, null);
    for (Field field : f.values()) {
      if (!field.key().equals("forbid")) {
        yaml.error(
            field.origin(),
            "a domain file may only tighten "
                + what
                + " (add 'forbid'); setting '"
                + field.key()
                + "' would change a global rule");
      }
    }
    List<Located> forbid = yaml.texts(f, "forbid", what);
    forbid.forEach(this::requireClassification);
    Set<String> merged = new TreeSet<>(global.forbid());
    merged.addAll(values(forbid));
    zones.put(
        global.name(),
        new Zone(
            global.name(),
            global.namespaces(),
            global.storage(),
            global.read(),
            global.write(),
            global.admin(),
            merged,
            global.contract(),
            global.origin()));
  }

  // ---- vocabulary ----

  private void classifications(YamlFile yaml, Field section) {
    for (Field entry : yaml.fields(section.value(), "classifications", null).values()) {
      String what = "classification '" + entry.key() + "'";
      if (classifications.containsKey(entry.key())) {
        yaml.error(
            entry.origin(),
            what + " is already defined at " + classifications.get(entry.key()).origin());
        continue;
      }
      Map<String, Field> f = yaml.fields(entry.value(), what, CLASSIFICATION_KEYS);
      String defaultMask = yaml.text(f, "default-mask", what);
      if (defaultMask != null) {
        requireMask(new Located(defaultMask, yaml.at(f.get("default-mask").value())));
      }
      List<String> columnNames = new ArrayList<>();
      for (Located rule : yaml.texts(f, "column-names", what)) {
        if (!rule.value().matches("[A-Za-z0-9_*]+")) {
          yaml.error(
              rule.origin(),
              what + " column-names entries are column names or globs such as *_phone");
        }
        columnNames.add(rule.value());
      }
      classifications.put(
          entry.key(),
          new Classification(
              entry.key(),
              defaultMask,
              subjects(yaml, f, "unmasked-for", what),
              columnNames,
              yaml.text(f, "description", what),
              entry.origin()));
    }
  }

  private void masks(YamlFile yaml, Field section) {
    for (Field entry : yaml.fields(section.value(), "masks", null).values()) {
      String what = "mask '" + entry.key() + "'";
      if (BuiltInMask.byName(entry.key()).isPresent()) {
        yaml.error(entry.origin(), what + " is built in and cannot be redefined");
        continue;
      }
      if (masks.containsKey(entry.key())) {
        yaml.error(
            entry.origin(), what + " is already defined at " + masks.get(entry.key()).origin());
        continue;
      }
      Map<String, Field> f = yaml.fields(entry.value(), what, MASK_KEYS);
      String expression = yaml.text(f, "expression", what);
      if (expression == null) {
        yaml.error(entry.origin(), what + " needs an expression");
      } else if (!expression.contains("{column}")) {
        yaml.error(
            yaml.at(f.get("expression").value()),
            what + " expression must use {column} for the masked column");
      }
      List<ColumnType> types = new ArrayList<>();
      for (Located type : yaml.texts(f, "types", what)) {
        ColumnType.parse(type.value()).ifPresentOrElse(types::add, () -> unknownType(yaml, type));
      }
      if (!f.containsKey("types")) {
        yaml.error(entry.origin(), what + " needs the column types it fits (types: [varchar])");
      }
      if (expression != null && !types.isEmpty()) {
        masks.put(entry.key(), new MaskDefinition(entry.key(), expression, types, entry.origin()));
      }
    }
  }

  private void purposes(YamlFile yaml, Field section) {
    for (Field entry : yaml.fields(section.value(), "purposes", null).values()) {
      String what = "purpose '" + entry.key() + "'";
      if (purposes.containsKey(entry.key())) {
        yaml.error(
            entry.origin(), what + " is already defined at " + purposes.get(entry.key()).origin());
        continue;
      }
      Map<String, Field> f = yaml.fields(entry.value(), what, PURPOSE_KEYS);
      purposes.put(
          entry.key(),
          new Purpose(
              entry.key(),
              yaml.text(f, "requires-consent", what),
              yaml.text(f, "description", what),
              entry.origin()));
    }
  }

  private void principals(YamlFile yaml, Field section) {
    for (Field entry : yaml.fields(section.value(), "principals", null).values()) {
      Subject subject = subject(yaml, new Located(entry.key(), entry.origin()));
      if (subject == null) {
        continue;
      }
      String what = "principal '" + entry.key() + "'";
      if (bindings.containsKey(subject)) {
        yaml.error(
            entry.origin(), what + " is already defined at " + bindings.get(subject).origin());
        continue;
      }
      Map<String, Field> f = yaml.fields(entry.value(), what, PRINCIPAL_KEYS);
      List<Located> bound = yaml.texts(f, "purposes", what);
      if (bound.isEmpty()) {
        yaml.error(entry.origin(), what + " lists no purposes");
      }
      bound.forEach(this::requirePurpose);
      bindings.put(subject, new PurposeBinding(subject, values(bound), entry.origin()));
    }
  }

  // ---- datasets ----

  private void datasets(YamlFile yaml, Field section, String domain) {
    for (Field entry : yaml.fields(section.value(), "datasets", null).values()) {
      String name = entry.key();
      var pattern = ResourcePattern.parse(name);
      if (pattern.isEmpty() || pattern.get().kind() != ResourcePattern.Kind.TABLE) {
        yaml.error(entry.origin(), "dataset name '" + name + "' must be namespace.table");
        continue;
      }
      Dataset existing = datasets.get(name);
      Dataset parsed = dataset(yaml, entry, domain, existing);
      if (existing == null) {
        datasets.put(name, parsed);
      } else if (domain != null && existing.domain() == null) {
        datasets.put(name, new DomainOverlay(yaml, classifications).apply(existing, parsed));
      } else {
        yaml.error(
            entry.origin(), "dataset '" + name + "' is already declared at " + existing.origin());
      }
    }
  }

  /** {@code global} is the dataset a domain file overlays, whose columns its rules may name. */
  private Dataset dataset(YamlFile yaml, Field entry, String domain, Dataset global) {
    String what = "dataset '" + entry.key() + "'";
    Map<String, Field> f = yaml.fields(entry.value(), what, DATASET_KEYS);
    Map<String, ColumnPolicy> columns = new LinkedHashMap<>();
    Field columnsField = f.get("columns");
    if (columnsField != null) {
      for (Field column : yaml.fields(columnsField.value(), what + " columns", null).values()) {
        columns.put(column.key(), column(yaml, entry.key(), column));
      }
    }
    Map<String, ColumnPolicy> known = new LinkedHashMap<>();
    if (global != null) {
      known.putAll(global.columns());
    }
    known.putAll(columns);
    Map<String, String> tags = new TreeMap<>();
    Field tagsField = f.get("tags");
    if (tagsField != null) {
      for (Field tag : yaml.fields(tagsField.value(), what + " tags", null).values()) {
        String value = yaml.text(tag.value(), "tag '" + tag.key() + "'");
        tags.put(tag.key(), value == null ? "" : value);
      }
    }
    List<RowFilter> rowFilters = new ArrayList<>();
    for (Node item : yaml.items(f, "row-filters", what)) {
      rowFilter(yaml, what, item).ifPresent(rowFilters::add);
    }
    return new Dataset(
        entry.key(),
        yaml.text(f, "owner", what),
        domain,
        columns,
        f.containsKey("consent") ? consent(yaml, what, f.get("consent"), known) : null,
        f.containsKey("retention") ? retention(yaml, what, f.get("retention"), known) : null,
        rowFilters,
        tags,
        f.containsKey("contract") ? new ContractParser(yaml).parse(what, f.get("contract")) : null,
        entry.origin());
  }

  private ColumnPolicy column(YamlFile yaml, String dataset, Field entry) {
    String what = "column '" + dataset + "." + entry.key() + "'";
    Map<String, Field> f = yaml.fields(entry.value(), what, COLUMN_KEYS);
    ColumnType type = null;
    String typeText = yaml.text(f, "type", what);
    if (typeText != null) {
      type = ColumnType.parse(typeText).orElse(null);
      if (type == null) {
        unknownType(yaml, new Located(typeText, yaml.at(f.get("type").value())));
      }
    } else {
      type = GovernanceColumns.defaultType(entry.key()).orElse(null);
    }
    String classification = yaml.text(f, "classification", what);
    if (classification != null) {
      requireClassification(new Located(classification, yaml.at(f.get("classification").value())));
    }
    String mask = yaml.text(f, "mask", what);
    if (mask != null && !mask.equals(ColumnPolicy.NO_MASK)) {
      requireMask(new Located(mask, yaml.at(f.get("mask").value())));
    }
    return new ColumnPolicy(
        entry.key(),
        type,
        classification,
        mask,
        subjects(yaml, f, "unmasked-for", what),
        entry.origin());
  }

  private Consent consent(
      YamlFile yaml, String what, Field field, Map<String, ColumnPolicy> columns) {
    String where = what + " consent";
    Map<String, Field> f = yaml.fields(field.value(), where, CONSENT_KEYS);
    String purposesColumn = yaml.text(f, "purposes-column", where);
    String statusColumn = yaml.text(f, "status-column", where);
    if (purposesColumn == null && statusColumn == null) {
      // The seed vocabulary names these columns; use them when the dataset has them.
      if (columns.containsKey(GovernanceColumns.ALLOWED_PURPOSES)) {
        purposesColumn = GovernanceColumns.ALLOWED_PURPOSES;
      } else if (columns.containsKey(GovernanceColumns.CONSENT_STATUS)) {
        statusColumn = GovernanceColumns.CONSENT_STATUS;
      } else {
        yaml.error(
            field.origin(),
            where
                + " needs purposes-column (e.g. allowed_purposes) or status-column"
                + " (e.g. consent_status)");
      }
    }
    requireColumn(yaml, what, f, "subject-column", columns);
    List<String> subjectColumns = new ArrayList<>();
    for (Located column : yaml.texts(f, "subject-columns", where)) {
      if (!columns.isEmpty() && !columns.containsKey(column.value())) {
        yaml.error(
            column.origin(),
            what + " subject-columns '" + column.value() + "' is not one of its columns");
      }
      subjectColumns.add(column.value());
    }
    requireColumn(yaml, what, f, "purposes-column", columns);
    requireColumn(yaml, what, f, "status-column", columns);
    ColumnPolicy purposes = purposesColumn == null ? null : columns.get(purposesColumn);
    if (purposes != null && purposes.type() != null) {
      var family = purposes.type().family();
      if (family != ColumnType.Family.ARRAY && family != ColumnType.Family.STRING) {
        yaml.error(
            purposes.origin(),
            "consent purposes-column '"
                + purposesColumn
                + "' must be array(varchar) or varchar, not "
                + purposes.type());
      }
    }
    String granted = yaml.text(f, "granted-value", where);
    return new Consent(
        yaml.text(f, "subject-column", where),
        purposesColumn,
        statusColumn,
        granted == null ? "granted" : granted,
        field.origin(),
        subjectColumns);
  }

  private Retention retention(
      YamlFile yaml, String what, Field field, Map<String, ColumnPolicy> columns) {
    String where = what + " retention";
    Map<String, Field> f = yaml.fields(field.value(), where, RETENTION_KEYS);
    String expires = yaml.text(f, "expires-column", where);
    if (expires == null) {
      expires =
          columns.keySet().stream()
              .filter(GovernanceColumns::isExpiryColumn)
              .findFirst()
              .orElse(null);
    }
    Duration maxAge = duration(yaml, f, "max-age", where);
    Duration timeTravel = duration(yaml, f, "time-travel", where);
    String eventTime = yaml.text(f, "event-time-column", where);
    if (eventTime == null && maxAge != null) {
      if (columns.containsKey(GovernanceColumns.EVENT_TIME)) {
        eventTime = GovernanceColumns.EVENT_TIME;
      } else {
        yaml.error(
            f.get("max-age").origin(), where + " max-age needs an event-time-column to measure on");
      }
    }
    requireColumn(yaml, what, f, "expires-column", columns);
    requireColumn(yaml, what, f, "event-time-column", columns);
    if (expires == null && maxAge == null && timeTravel == null) {
      yaml.error(field.origin(), where + " sets nothing");
    }
    return new Retention(expires, eventTime, maxAge, timeTravel, field.origin());
  }

  private static Duration duration(YamlFile yaml, Map<String, Field> f, String key, String what) {
    String text = yaml.text(f, key, what);
    if (text == null) {
      return null;
    }
    var duration = Durations.parse(text);
    if (duration.isEmpty()) {
      yaml.error(
          yaml.at(f.get(key).value()),
          what + " " + key + " '" + text + "' is not a duration (e.g. 90s, 30m, 12h, 7d, 4w, 1y)");
      return null;
    }
    return duration.get();
  }

  private java.util.Optional<RowFilter> rowFilter(YamlFile yaml, String what, Node item) {
    String where = what + " row filter";
    Map<String, Field> f = yaml.fields(item, where, ROW_FILTER_KEYS);
    String expression = yaml.text(f, "expression", where);
    if (expression == null) {
      yaml.error(yaml.at(item), where + " needs an expression");
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        new RowFilter(
            yaml.text(f, "name", where),
            expression,
            subjects(yaml, f, "applies-to", where),
            subjects(yaml, f, "exempt", where),
            yaml.at(item)));
  }

  /** When a dataset lists its columns, the ones its rules name must be among them. */
  private static void requireColumn(
      YamlFile yaml,
      String what,
      Map<String, Field> f,
      String key,
      Map<String, ColumnPolicy> cols) {
    Field field = f.get(key);
    if (field == null || cols.isEmpty()) {
      return;
    }
    String column = yaml.text(field.value(), key);
    if (column != null && !cols.containsKey(column)) {
      yaml.error(
          yaml.at(field.value()), what + " " + key + " '" + column + "' is not one of its columns");
    }
  }

  // ---- grants ----

  private void grants(YamlFile yaml, Field section, String domain) {
    for (Node item : yaml.items(section.value(), "grants")) {
      Map<String, Field> f = yaml.fields(item, "grant", GRANT_KEYS);
      Field principal = f.get("principal");
      if (principal == null) {
        yaml.error(yaml.at(item), "grant needs a principal");
        continue;
      }
      String principalText = yaml.text(principal.value(), "grant principal");
      Subject subject =
          principalText == null
              ? null
              : subject(yaml, new Located(principalText, yaml.at(principal.value())));
      Map<Action, List<ResourcePattern>> targets = new EnumMap<>(Action.class);
      for (Action action : Action.values()) {
        List<ResourcePattern> patterns = new ArrayList<>();
        for (Located target : yaml.texts(f, action.key(), "grant")) {
          var pattern = ResourcePattern.parse(target.value());
          if (pattern.isEmpty()) {
            yaml.error(
                target.origin(),
                "'"
                    + target.value()
                    + "' is not a table (ns.table), namespace (ns.*), subtree (ns.**) or table"
                    + " pattern (ns.prefix_*)");
            continue;
          }
          patterns.add(pattern.get());
          requireTarget(pattern.get(), target.origin(), domain);
        }
        if (!patterns.isEmpty()) {
          targets.put(action, patterns);
        }
      }
      if (targets.isEmpty() && subject != null) {
        yaml.error(yaml.at(item), "grant gives " + subject + " nothing (add read, write or admin)");
      }
      if (subject != null) {
        grants.add(new Grant(subject, targets, yaml.at(item)));
      }
    }
  }

  private void requireTarget(ResourcePattern pattern, Origin origin, String domain) {
    deferred.add(
        () -> {
          if (pattern.kind() == ResourcePattern.Kind.TABLE) {
            Dataset dataset = datasets.get(pattern.text());
            if (dataset == null) {
              error(origin, "grant names unknown dataset '" + pattern.text() + "'");
            } else if (domain != null && !domain.equals(dataset.domain())) {
              error(origin, domainGrantMessage(domain, pattern));
            }
            return;
          }
          if (domain != null) {
            error(origin, domainGrantMessage(domain, pattern));
          } else if (zoneOf(pattern.levels()) == null) {
            error(origin, "grant target '" + pattern.text() + "' is outside every zone");
          }
        });
  }

  private static String domainGrantMessage(String domain, ResourcePattern pattern) {
    return "domain '"
        + domain
        + "' may grant only on datasets it declares; a grant on '"
        + pattern.text()
        + "' would loosen global rules";
  }

  // ---- whole-bundle checks ----

  private void checkDataset(Dataset dataset) {
    Zone zone = zoneOf(dataset.table().namespace());
    if (zone == null) {
      error(
          dataset.origin(),
          "dataset '"
              + dataset.name()
              + "' is outside every zone: no zone holds namespace '"
              + dataset.namespace()
              + "'");
    }
    checkRetention(dataset);
    MaskCatalog catalog = new MaskCatalog(masks);
    for (ColumnPolicy column : dataset.columns().values()) {
      String classificationName = column.classification();
      String byName = "";
      if (classificationName == null) {
        // an unclassified column still gets the classification its name implies
        classificationName = classifiedByName(column.name());
        byName =
            classificationName == null ? "" : " (by a name rule of " + classificationName + ")";
      }
      Classification classification =
          classificationName == null ? null : classifications.get(classificationName);
      String mask = effectiveMask(column, classification);
      String where = "column '" + dataset.name() + "." + column.name() + "'";
      if (mask != null && catalog.exists(mask) && !catalog.fits(mask, column.type())) {
        error(
            column.origin(),
            where
                + ": mask '"
                + mask
                + "'"
                + (column.mask() == null ? " (default of " + classificationName + ")" : "")
                + " does not fit type "
                + column.type()
                + "; it fits "
                + catalog.fitsDescription(mask));
      }
      if (zone != null && zone.forbids(classificationName)) {
        if (mask == null) {
          error(
              column.origin(),
              where
                  + ": zone '"
                  + zone.name()
                  + "' forbids unmasked "
                  + classificationName
                  + byName
                  + ", but the column has no mask");
        } else if (!column.unmaskedFor().isEmpty()) {
          error(
              column.origin(),
              where
                  + ": zone '"
                  + zone.name()
                  + "' forbids unmasked "
                  + classificationName
                  + byName
                  + ", so unmasked-for is not allowed here");
        }
      }
    }
  }

  /**
   * A time-travel window longer than the rows' maximum age would let a row removed for age come
   * back through an older snapshot, so it is an error (checked after domain files are merged).
   */
  private void checkRetention(Dataset dataset) {
    Retention retention = dataset.retention();
    if (retention == null || retention.maxAge() == null || retention.timeTravel() == null) {
      return;
    }
    if (retention.timeTravel().compareTo(retention.maxAge()) > 0) {
      error(
          retention.origin(),
          "dataset '"
              + dataset.name()
              + "' retention time-travel "
              + Durations.format(retention.timeTravel())
              + " outlives its max-age "
              + Durations.format(retention.maxAge())
              + ": rows removed for age would stay readable through older snapshots");
    }
  }

  /** The classification a name rule gives the column, in classification name order. */
  private String classifiedByName(String column) {
    for (Classification candidate : classifications.values()) {
      if (candidate.nameRuleFor(column).isPresent()) {
        return candidate.name();
      }
    }
    return null;
  }

  /** The mask a column gets: its own, else its classification's default; null when unmasked. */
  static String effectiveMask(ColumnPolicy column, Classification classification) {
    String mask = column.mask();
    if (mask == null && classification != null) {
      mask = classification.defaultMask();
    }
    return ColumnPolicy.NO_MASK.equals(mask) ? null : mask;
  }

  /** Resolved once every file is read: domain files may still tighten zones until then. */
  private Zone zoneOf(List<String> namespace) {
    if (layout == null) {
      layout = PolicyBundle.layoutOf(zones);
    }
    return layout.zoneOf(namespace).map(zone -> zones.get(zone.name())).orElse(null);
  }

  // ---- references ----

  private void requireClassification(Located name) {
    deferred.add(
        () -> {
          boolean known =
              classifications.containsKey(name.value())
                  || classifications.keySet().stream()
                      .anyMatch(c -> c.startsWith(name.value() + "."));
          if (!known) {
            error(
                name.origin(),
                "unknown classification '" + name.value() + "'" + known(classifications.keySet()));
          }
        });
  }

  private void requireMask(Located name) {
    deferred.add(
        () -> {
          if (!new MaskCatalog(masks).exists(name.value())) {
            Set<String> all = new TreeSet<>(masks.keySet());
            Stream.of(BuiltInMask.values()).map(BuiltInMask::key).forEach(all::add);
            error(name.origin(), "unknown mask '" + name.value() + "'" + known(all));
          }
        });
  }

  private void requirePurpose(Located name) {
    deferred.add(
        () -> {
          if (!purposes.containsKey(name.value())) {
            error(
                name.origin(), "unknown purpose '" + name.value() + "'" + known(purposes.keySet()));
          }
        });
  }

  private List<Subject> subjects(YamlFile yaml, Map<String, Field> f, String key, String what) {
    List<Subject> subjects = new ArrayList<>();
    for (Located text : yaml.texts(f, key, what)) {
      Subject subject = subject(yaml, text);
      if (subject != null) {
        subjects.add(subject);
      }
    }
    return subjects;
  }

  private static Subject subject(YamlFile yaml, Located text) {
    var subject = Subject.parse(text.value());
    if (subject.isEmpty()) {
      yaml.error(
          text.origin(),
          "'"
              + text.value()
              + "' is not a principal; write user:NAME, client:NAME, group:NAME or role:NAME");
      return null;
    }
    return subject.get();
  }

  static void unknownType(YamlFile yaml, Located type) {
    yaml.error(
        type.origin(),
        "unknown column type '"
            + type.value()
            + "' (use a Trino type such as varchar, bigint, double, decimal(9,6), date,"
            + " timestamp(6) with time zone, array(varchar))");
  }

  private void error(Origin origin, String message) {
    errors.add(new PolicyError(origin, message));
  }

  private static List<String> values(List<Located> located) {
    return located.stream().map(Located::value).distinct().toList();
  }

  private static String known(Set<String> names) {
    return names.isEmpty()
        ? " (none are defined)"
        : " (known: " + names.stream().sorted().collect(Collectors.joining(", ")) + ")";
  }
}
