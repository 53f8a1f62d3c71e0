package dev.sluice.catalog.trino;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.catalog.audit.AuditEntry;
import dev.sluice.catalog.audit.AuditTrail;
import dev.sluice.catalog.catalog.TableColumns;
import dev.sluice.catalog.security.AccessDecisions;
import dev.sluice.catalog.security.AccessDecisions.Verdict;
import dev.sluice.policy.eval.ColumnMask;
import dev.sluice.policy.eval.Decision;
import dev.sluice.policy.eval.Principal;
import dev.sluice.policy.eval.RowFilterExpression;
import dev.sluice.policy.model.Action;
import dev.sluice.policy.model.TableName;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * Answers the questions Trino's {@code opa} access-control plugin asks, from the active policy.
 * Anything not understood is denied, and so is everything while no policy is active.
 */
@ApplicationScoped
public class TrinoDecisions {
  /** Metadata tables that hold no row values, so they follow the base table's read access. */
  private static final Set<String> METADATA_WITHOUT_VALUES =
      Set.of("snapshots", "history", "refs", "properties", "metadata_log_entries");

  /** System catalog schemas that only describe what the user may already see. */
  private static final Set<String> OPEN_SYSTEM_SCHEMAS =
      Set.of("information_schema", "jdbc", "metadata");

  /** Hidden columns that carry file paths and partition values, which can spell masked data. */
  private static final Set<String> REVEALING_HIDDEN_COLUMNS = Set.of("$path", "$partition");

  private final AccessDecisions decisions;
  private final TableColumns tableColumns;
  private final AuditTrail audit;
  private final TrinoConfig config;
  private final TrinoPrincipals principals;
  private final Set<String> catalogs;

  @Inject
  public TrinoDecisions(
      AccessDecisions decisions,
      TableColumns tableColumns,
      AuditTrail audit,
      TrinoConfig config,
      TrinoPrincipals principals) {
    this.decisions = decisions;
    this.tableColumns = tableColumns;
    this.audit = audit;
    this.config = config;
    this.principals = principals;
    this.catalogs = Set.copyOf(config.catalogs());
  }

  /** A column mask for the batch answer: the index into the request and the SQL. */
  public record IndexedMask(int index, String expression) {}

  /** A table as Trino names it; {@code suffix} is the metadata table ({@code files}) if any. */
  record TableRef(String catalog, String schema, String table, String suffix) {
    static TableRef of(JsonNode table) {
      String name = table.path("tableName").asText("");
      int dollar = name.indexOf('$');
      return new TableRef(
          table.path("catalogName").asText(""),
          table.path("schemaName").asText(""),
          dollar < 0 ? name : name.substring(0, dollar),
          dollar < 0 ? null : name.substring(dollar + 1));
    }

    /**
     * The table as the policy names it. Trino's Iceberg catalog maps a schema to a namespace of one
     * level (nested namespaces are off by default), so the schema is one level even when it holds a
     * dot, and such a schema is in no zone unless one lists it.
     */
    TableName policyName() {
      return new TableName(List.of(schema), table);
    }

    TableIdentifier identifier() {
      return TableIdentifier.of(Namespace.of(schema), table);
    }

    @Override
    public String toString() {
      return catalog + "." + schema + "." + table + (suffix == null ? "" : "$" + suffix);
    }
  }

  // ---- the four endpoints ----

  public boolean allow(JsonNode input) {
    Principal principal = principal(input);
    JsonNode action = input.path("action");
    String operation = action.path("operation").asText("");
    JsonNode resource = action.path("resource");
    Verdict outcome = decide(principal, operation, resource, action.path("targetResource"));
    record(principal, operation, describe(resource), outcome);
    return outcome.allowed();
  }

  /** Indexes of the {@code filterResources} to keep (for FilterColumns, of the columns). */
  public List<Integer> filter(JsonNode input) {
    Principal principal = principal(input);
    JsonNode action = input.path("action");
    String operation = action.path("operation").asText("");
    JsonNode resources = action.path("filterResources");
    List<Integer> keep = new ArrayList<>();
    if (operation.equals("FilterColumns")) {
      JsonNode table = resources.path(0).path("table");
      Verdict outcome = canSeeColumns(principal, table);
      if (outcome.allowed()) {
        for (int i = 0; i < table.path("columns").size(); i++) {
          keep.add(i);
        }
      }
      record(principal, operation, describe(resources.path(0)), outcome);
      return keep;
    }
    for (int i = 0; i < resources.size(); i++) {
      JsonNode resource = resources.get(i);
      Verdict outcome =
          switch (operation) {
            case "FilterCatalogs" ->
                catalogAccess(resource.path("catalog").path("name").asText(""));
            case "FilterSchemas" -> canSeeSchema(principal, resource.path("schema"));
            case "FilterTables" -> canSeeTable(principal, TableRef.of(resource.path("table")));
            case "FilterViewQueryOwnedBy" ->
                ownQuery(principal, resource.path("user").path("user").asText(""));
            case "FilterFunctions" -> Verdict.deny("catalog functions are not governed here");
            default -> Verdict.deny("unknown operation " + operation + ": default deny");
          };
      if (outcome.allowed()) {
        keep.add(i);
      }
    }
    // one row per batch: the allowed indexes say the rest
    record(
        principal,
        operation,
        resources.size() + " resources",
        Verdict.allow("kept " + keep.size() + " of " + resources.size()));
    return keep;
  }

  /** Row filters for a table the principal reads. */
  public List<String> rowFilters(JsonNode input) {
    Principal principal = principal(input);
    TableRef table = TableRef.of(input.path("action").path("resource").path("table"));
    Verdict access = readAccess(principal, table);
    List<String> expressions;
    if (!access.allowed()) {
      // a writer that may not read: SelectFromColumns keeps it from every row, and Trino checks
      // inserted rows against the filters, so "false" here would only block its writes
      expressions = List.of();
    } else if (!catalogs.contains(table.catalog()) || table.suffix() != null) {
      expressions = List.of(); // metadata tables: their access rule already judged the values
    } else if (table.schema().equals("information_schema")) {
      expressions = List.of();
    } else {
      // readAccess judged reading with the table's columns: its decision carries the filters
      expressions =
          access.decision().rowFilters().stream().map(RowFilterExpression::expression).toList();
    }
    record(
        principal,
        "GetRowFilters",
        table.toString(),
        new Verdict(
            access.allowed(),
            expressions.isEmpty() ? access.rule() : String.join(" AND ", expressions),
            access.policyVersion(),
            null));
    return expressions;
  }

  /** Masks for the requested columns (one table per request, as Trino asks). */
  public List<IndexedMask> columnMasks(JsonNode input) {
    Principal principal = principal(input);
    JsonNode resources = input.path("action").path("filterResources");
    Map<TableRef, Map<String, Integer>> byTable = new LinkedHashMap<>();
    Map<Integer, String> types = new LinkedHashMap<>();
    for (int i = 0; i < resources.size(); i++) {
      JsonNode column = resources.get(i).path("column");
      TableRef table = TableRef.of(column);
      byTable
          .computeIfAbsent(table, t -> new LinkedHashMap<>())
          .put(column.path("columnName").asText(""), i);
      types.put(i, column.path("columnType").asText("varchar"));
    }
    List<IndexedMask> masks = new ArrayList<>();
    for (Map.Entry<TableRef, Map<String, Integer>> entry : byTable.entrySet()) {
      TableRef table = entry.getKey();
      if (!catalogs.contains(table.catalog()) || table.suffix() != null) {
        continue; // system tables, and metadata tables whose values access rules already guard
      }
      Map<String, String> columnTypes = new LinkedHashMap<>();
      entry.getValue().forEach((column, index) -> columnTypes.put(column, types.get(index)));
      Optional<TableColumns.Found> found = tableColumns.find(table.identifier());
      Verdict verdict = read(principal, table, columnTypes, columnsOf(table, found));
      Decision decision = verdict.decision();
      if (decision != null && decision.allowed() && isUndeclaredView(table, found)) {
        // an invoker view reads its base tables with the reader's masks already (definer views
        // over governed tables are refused): masking its columns again by name would only hide
        // what the base tables' own rules show, such as a last-4 mask
        record(
            principal,
            "GetColumnMask",
            table.toString(),
            new Verdict(
                true,
                "a view: its base tables' masks apply to the reader",
                verdict.policyVersion(),
                null));
        continue;
      }
      if (decision == null || !decision.allowed()) {
        // a writer that may not read: SelectFromColumns already keeps it from every value, and
        // Trino refuses INSERT into a table with masks, so masking here would only block writes
        record(
            principal,
            "GetColumnMask",
            table.toString(),
            new Verdict(true, "no read access: no masks needed", verdict.policyVersion(), null));
        continue;
      }
      boolean restricted = !decision.masks().isEmpty() || !decision.rowFilters().isEmpty();
      for (Map.Entry<String, Integer> column : entry.getValue().entrySet()) {
        String name = column.getKey();
        if (REVEALING_HIDDEN_COLUMNS.contains(name)) {
          if (restricted) {
            masks.add(nullMask(column.getValue(), types.get(column.getValue())));
          }
          continue;
        }
        decision
            .mask(name)
            .map(ColumnMask::expression)
            .ifPresent(sql -> masks.add(new IndexedMask(column.getValue(), sql)));
      }
      record(
          principal,
          "GetColumnMask",
          table.toString(),
          new Verdict(
              true,
              decision.masks().isEmpty()
                  ? "no masks"
                  : decision.masks().stream()
                      .map(m -> m.column() + ": " + m.mask())
                      .collect(Collectors.joining(", ")),
              verdict.policyVersion(),
              null));
    }
    return masks;
  }

  /** Masks every requested column with NULL: what a failed decision must look like. */
  public static List<IndexedMask> maskEverything(JsonNode input) {
    JsonNode resources = input.path("action").path("filterResources");
    List<IndexedMask> masks = new ArrayList<>();
    for (int i = 0; i < resources.size(); i++) {
      masks.add(nullMask(i, resources.get(i).path("column").path("columnType").asText("varchar")));
    }
    return masks;
  }

  // ---- single decisions ----

  private Verdict decide(
      Principal principal, String operation, JsonNode resource, JsonNode target) {
    JsonNode table = resource.path("table");
    JsonNode schema = resource.path("schema");
    return switch (operation) {
      case "ExecuteQuery" -> Verdict.allow("every authenticated Trino user may run queries");
      case "SetSystemSessionProperty" -> Verdict.allow("session properties are the user's own");
      case "SetCatalogSessionProperty" ->
          catalogAccess(resource.path("catalogSessionProperty").path("catalogName").asText(""));
      case "ImpersonateUser", "ViewQueryOwnedBy", "KillQueryOwnedBy" ->
          ownQuery(principal, resource.path("user").path("user").asText(""));
      case "AccessCatalog", "ShowSchemas" ->
          catalogAccess(
              resource.path("catalog").path("name").asText(schema.path("catalogName").asText("")));
      case "ShowTables", "ShowCreateSchema", "ShowFunctions" -> canSeeSchema(principal, schema);
      case "CreateSchema", "DropSchema", "RenameSchema" -> schemaAdmin(principal, schema);
      case "ShowColumns", "ShowCreateTable" -> canSeeTable(principal, TableRef.of(table));
      case "SelectFromColumns" -> select(principal, TableRef.of(table));
      case "CreateViewWithSelectFromColumns" -> definerView(principal, TableRef.of(table));
      case "CreateTable",
          "DropTable",
          "SetTableProperties",
          "SetTableComment",
          "SetColumnComment",
          "AddColumn",
          "AlterColumn",
          "DropColumn",
          "RenameColumn",
          "InsertIntoTable",
          "DeleteFromTable",
          "TruncateTable",
          "UpdateTableColumns",
          "CreateView",
          "DropView",
          "SetViewComment",
          "CreateMaterializedView",
          "RefreshMaterializedView",
          "SetMaterializedViewProperties",
          "DropMaterializedView",
          "ExecuteTableProcedure" ->
          write(principal, TableRef.of(table));
      case "RenameTable", "RenameView", "RenameMaterializedView" -> {
        Verdict from = write(principal, TableRef.of(table));
        yield from.allowed() ? write(principal, TableRef.of(target.path("table"))) : from;
      }
      case "ReadSystemInformation", "WriteSystemInformation" ->
          Verdict.deny("system information is for Trino's operators");
      case "SetTableAuthorization",
          "SetViewAuthorization",
          "SetSchemaAuthorization",
          "CreateCatalog",
          "DropCatalog",
          "CreateFunction",
          "DropFunction" ->
          Verdict.deny(operation + " is decided by the policy bundle, not in Trino");
      case "ExecuteProcedure", "ExecuteFunction", "CreateViewWithExecuteFunction" ->
          Verdict.deny("catalog procedures and functions are not allowed through Trino");
      default -> Verdict.deny("unknown operation " + operation + ": default deny");
    };
  }

  private Verdict catalogAccess(String catalog) {
    if (catalogs.contains(catalog)) {
      return Verdict.allow("catalog " + catalog + " is governed by Sluice");
    }
    if (catalog.equals("system")) {
      return Verdict.allow("the system catalog describes what the user may see");
    }
    return Verdict.deny("catalog " + catalog + " is not governed by Sluice: default deny");
  }

  private Verdict ownQuery(Principal principal, String owner) {
    return owner.equals(principal.name())
        ? Verdict.allow("users see their own queries")
        : Verdict.deny("queries of other users are not shown");
  }

  private Verdict canSeeSchema(Principal principal, JsonNode schema) {
    String catalog = schema.path("catalogName").asText("");
    String name = schema.path("schemaName").asText("");
    if (catalog.equals("system")) {
      return OPEN_SYSTEM_SCHEMAS.contains(name)
          ? Verdict.allow("system." + name + " is open")
          : Verdict.deny("system." + name + " is for Trino's operators");
    }
    if (!catalogs.contains(catalog)) {
      return catalogAccess(catalog);
    }
    if (name.equals("information_schema")) {
      return Verdict.allow("information_schema lists only what the user may see");
    }
    if (decisions.active().isEmpty()) {
      return Verdict.deny("no policy is active");
    }
    return decisions.canSeeNamespace(principal, List.of(name))
        ? Verdict.allow(principal + " has access in namespace " + name)
        : Verdict.deny("no zone or grant gives " + principal + " access in namespace " + name);
  }

  private Verdict schemaAdmin(Principal principal, JsonNode schema) {
    String catalog = schema.path("catalogName").asText("");
    if (!catalogs.contains(catalog)) {
      return catalogAccess(catalog).allowed()
          ? Verdict.deny("the system catalog has no schemas to change")
          : catalogAccess(catalog);
    }
    return decisions.namespace(
        principal, Action.ADMIN, List.of(schema.path("schemaName").asText("")));
  }

  private Verdict canSeeTable(Principal principal, TableRef table) {
    if (!catalogs.contains(table.catalog()) || table.schema().equals("information_schema")) {
      return canSeeSchema(principal, schemaNode(table));
    }
    // showing a table in a listing needs read or write of it as a whole; whether its rows may be
    // read for a purpose is judged when they are selected, so no column lookup per listed table
    Verdict read = decisions.table(principal, Action.READ, table.policyName());
    return read.allowed() ? read : access(principal, table, Action.WRITE);
  }

  private Verdict canSeeColumns(Principal principal, JsonNode table) {
    TableRef ref = TableRef.of(table);
    if (!catalogs.contains(ref.catalog()) || ref.schema().equals("information_schema")) {
      return canSeeSchema(principal, schemaNode(ref));
    }
    return decisions.table(principal, Action.READ, ref.policyName());
  }

  private Verdict select(Principal principal, TableRef table) {
    if (table.suffix() == null
        || !catalogs.contains(table.catalog())
        || METADATA_WITHOUT_VALUES.contains(table.suffix())) {
      return readAccess(principal, table);
    }
    // a metadata table with values: file statistics and partitions must not slip past masks;
    // the table's columns are looked up once for both questions
    Set<String> columns = columnsOf(table, tableColumns.find(table.identifier()));
    Verdict read =
        table.schema().equals("information_schema")
            ? readAccess(principal, table)
            : read(principal, table, Map.of(), columns);
    if (!read.allowed()) {
      return read;
    }
    Map<String, String> all = new LinkedHashMap<>();
    columns.forEach(c -> all.put(c, null));
    Decision decision = read(principal, table, all, columns).decision();
    if (decision == null
        || !decision.allowed()
        || !decision.masks().isEmpty()
        || !decision.rowFilters().isEmpty()) {
      return Verdict.deny(
          "$"
              + table.suffix()
              + " shows column statistics and partition values of "
              + table.policyName()
              + ", which has masks or row filters for "
              + principal);
    }
    return read;
  }

  /**
   * The owner's check when another user queries a SECURITY DEFINER view: it would show every reader
   * the owner's view of the table, so a table with masks or filters may not be read so.
   */
  private Verdict definerView(Principal owner, TableRef table) {
    Verdict read = readAccess(owner, table);
    if (!read.allowed() || !catalogs.contains(table.catalog())) {
      return read;
    }
    if (decisions.governsContent(
        table.policyName(), columnsOf(table, tableColumns.find(table.identifier())))) {
      return Verdict.deny(
          table.policyName()
              + " has masks or row filters; a SECURITY DEFINER view over it would apply its"
              + " owner's to every reader: use SECURITY INVOKER");
    }
    return read;
  }

  private Verdict readAccess(Principal principal, TableRef table) {
    if (!catalogs.contains(table.catalog())) {
      return canSeeSchema(principal, schemaNode(table));
    }
    if (table.schema().equals("information_schema")) {
      return Verdict.allow("information_schema lists only what the user may see");
    }
    return access(principal, table, Action.READ);
  }

  private Verdict write(Principal principal, TableRef table) {
    if (!catalogs.contains(table.catalog())) {
      return Verdict.deny(
          "catalog " + table.catalog() + " is not governed by Sluice: default deny");
    }
    if (table.suffix() != null) {
      return Verdict.deny("metadata tables cannot be changed");
    }
    return access(principal, table, Action.WRITE);
  }

  /**
   * An action on the table as a whole. Reading is judged knowing the table's columns, so a purpose
   * that needs consent is refused on a table holding personal data without a consent rule.
   */
  private Verdict access(Principal principal, TableRef table, Action action) {
    return action == Action.READ
        ? read(principal, table, Map.of())
        : decisions.table(principal, action, table.policyName());
  }

  /** Reading columns of the table; the answer knows every column the table has. */
  private Verdict read(Principal principal, TableRef table, Map<String, String> columnTypes) {
    return read(
        principal, table, columnTypes, columnsOf(table, tableColumns.find(table.identifier())));
  }

  private Verdict read(
      Principal principal, TableRef table, Map<String, String> columnTypes, Set<String> columns) {
    return decisions.read(principal, table.policyName(), columnTypes, null, columns);
  }

  /** A view in the catalog that no dataset declares. */
  private boolean isUndeclaredView(TableRef table, Optional<TableColumns.Found> found) {
    return found.map(TableColumns.Found::view).orElse(false) && declared(table).isEmpty();
  }

  private Optional<dev.sluice.policy.model.Dataset> declared(TableRef table) {
    return decisions.engine().flatMap(e -> e.bundle().dataset(table.policyName()));
  }

  /**
   * The columns the table has in the catalog (every schema, since time travel reads old ones) and
   * those the policy declares for it.
   */
  private Set<String> columnsOf(TableRef table, Optional<TableColumns.Found> found) {
    Set<String> columns = new TreeSet<>();
    declared(table).ifPresent(dataset -> columns.addAll(dataset.columns().keySet()));
    found.ifPresent(f -> columns.addAll(f.columns()));
    return columns;
  }

  // ---- identity, audit ----

  /** Trino's user and groups as a principal ({@link TrinoPrincipals}). */
  Principal principal(JsonNode input) {
    return principals.of(input.path("context").path("identity"));
  }

  private void record(Principal principal, String operation, String resource, Verdict outcome) {
    boolean keep =
        switch (config.audit()) {
          case ALL -> true;
          case DENIALS -> !outcome.allowed();
          case SAMPLE ->
              !outcome.allowed()
                  || ThreadLocalRandom.current().nextDouble() < config.auditSampleRate();
        };
    if (keep) {
      audit.record(
          new AuditEntry(
              principal.self().toString(),
              "trino." + operation,
              resource,
              outcome.allowed(),
              outcome.rule(),
              outcome.policyVersion()));
    }
  }

  private static IndexedMask nullMask(int index, String type) {
    return new IndexedMask(index, "CAST(NULL AS " + type + ")");
  }

  private static JsonNode schemaNode(TableRef table) {
    return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
        .objectNode()
        .put("catalogName", table.catalog())
        .put("schemaName", table.schema());
  }

  private static String describe(JsonNode resource) {
    if (resource == null || resource.isMissingNode() || resource.isEmpty()) {
      return "-";
    }
    JsonNode table = resource.path("table");
    if (!table.isMissingNode()) {
      String columns = table.has("columns") ? " " + table.path("columns").toString() : "";
      return TableRef.of(table) + columns;
    }
    JsonNode schema = resource.path("schema");
    if (!schema.isMissingNode()) {
      return schema.path("catalogName").asText() + "." + schema.path("schemaName").asText();
    }
    JsonNode catalog = resource.path("catalog");
    if (!catalog.isMissingNode()) {
      return catalog.path("name").asText();
    }
    return resource.toString();
  }
}
