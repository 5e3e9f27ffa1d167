import { writeOnlyValues } from "../../proofs/lib/helm-values";

// The chart proof hands helm the write-only values as the helm provider builds them (a map of their own, merged into
// the values map by map): a list index makes a list, so the merge replaces the values' list whole, as the provider does.
it("builds the helm provider's write-only map: maps by dotted key, a list (nulls up to the index) by [i], \\. a literal dot", () => {
  expect(writeOnlyValues(["globalConfig.signing_key", "globalConfig.account_id", "config.clusters[1].token_secret", "a\\.b.c", "m[0][1]"])).toEqual({
    globalConfig: { signing_key: "placeholder", account_id: "placeholder" },
    config: { clusters: [null, { token_secret: "placeholder" }] },
    "a.b": { c: "placeholder" },
    m: [[null, "placeholder"]],
  });
  expect(writeOnlyValues([])).toEqual({});
});
