// Loaded into Azurite's node (`node --require`) by AzuriteServer only when a benchmark asks for `--azurite-keyed-lookups`;
// the tests never load it. Azurite 3.35 finds an entity with findOne({PartitionKey, RowKey}): LokiJS narrows by the first
// key's index only, then compares the second key on every row it kept, so each lookup reads the whole partition and a
// tenant's partition gets slower with every row (docs/performance.md, Deliveries). With RowKey first, LokiJS narrows by the
// RowKey index (the few rows of that key across partitions) and then compares PartitionKey: the same rows are found, as
// Table Storage finds them, by key. Nothing else changes.
"use strict";
const path = require("path");
const loki = require(path.join(__dirname, "..", "node_modules", "lokijs"));
const findOne = loki.Collection && loki.Collection.prototype.findOne;
if (typeof findOne !== "function") {
  throw new Error("azurite-keyed-lookups: lokijs has no Collection.prototype.findOne any more; remove the option or update this file.");
}
loki.Collection.prototype.findOne = function (query) {
  if (query && typeof query === "object" && Object.keys(query).length === 2 && "PartitionKey" in query && "RowKey" in query) {
    query = { RowKey: query.RowKey, PartitionKey: query.PartitionKey };
  }
  return findOne.call(this, query);
};
