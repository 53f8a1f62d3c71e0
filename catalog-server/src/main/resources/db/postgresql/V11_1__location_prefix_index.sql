-- Whether a new table's location overlaps another's is asked with `location LIKE 'prefix/%'` on
-- every create, register and rename. A B-tree in the database's collation serves LIKE only under the
-- "C" collation, so elsewhere that check read every row of the catalog; an index with the pattern
-- operator class serves both the prefix match and equality, in any collation.
CREATE INDEX ix_catalog_entity_location_prefix ON catalog_entity (location varchar_pattern_ops);
DROP INDEX ix_catalog_entity_location;
