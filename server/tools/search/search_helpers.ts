/**
 * Search helpers on top of catalog_search, without a catalog call: how a search text is read
 * (and what catalog_search would send for it), and better or broader texts to try.
 * @module
 */
import * as z from "zod";
import { defineTool, LOCAL_ONLY, type ToolDefinition } from "../common/define.ts";
import { assertBucketAllowed, bucketName } from "../common/inputs.ts";
import { readQuery, suggestQueries } from "./query_syntax.ts";
import { QUERIES } from "./search.ts";

const queryInput = z.string().min(1).max(1000).refine((q) => q.trim() !== "", "query is empty")
  .describe("The search text as you would give it to catalog_search");
const scopeInput = z.enum(["packages", "objects"]).default("packages").describe(
  "Search packages (latest revisions) or individual objects",
);

const part = z.object({
  kind: z.enum([
    "word",
    "phrase",
    "wildcard",
    "regex",
    "range",
    "operator",
    "group_open",
    "group_close",
  ]),
  text: z.string(),
  field: z.string().nullable(),
  modifier: z.enum(["required", "excluded"]).nullable(),
});
const warning = z.object({ problem: z.string(), fix: z.string() });

const searchExplain = defineTool({
  name: "search_explain",
  title: "Explain a catalog search",
  description:
    "Explains how catalog_search reads a search text (Elasticsearch query-string syntax): its words, phrases, field:value filters, wildcards, ranges and boolean operators, the mistakes that would make it fail or surprise (unbalanced quotes or parentheses, lowercase and/or, leading wildcards) with a fixed text, and the exact GraphQL request catalog_search would send to the catalog. Makes no call: use it before a search that returned nothing or an error.",
  input: z.object({
    query: queryInput,
    scope: scopeInput,
    buckets: z.array(bucketName).min(1).max(50).optional().describe(
      "Only these buckets (as for catalog_search)",
    ),
  }),
  output: z.object({
    query: z.string(),
    parts: z.array(part),
    warnings: z.array(warning),
    fixed_query: z.string().describe("The text with the fixable problems fixed (same when none)"),
    graphql: z.object({
      query: z.string().describe("The GraphQL document catalog_search sends"),
      variables: z.record(z.string(), z.unknown()),
    }),
  }),
  annotations: LOCAL_ONLY,
  run(args, env) {
    const { config } = env.deps;
    for (const b of args.buckets ?? []) assertBucketAllowed(config, b);
    const reading = readQuery(args.query);
    const buckets = args.buckets ?? (config.buckets.length > 0 ? [...config.buckets] : null);
    return Promise.resolve({
      query: args.query,
      parts: reading.parts,
      warnings: reading.warnings,
      fixed_query: reading.fixed,
      graphql: {
        query: args.scope === "packages" ? QUERIES.packages : QUERIES.objects,
        variables: { buckets, searchString: args.query, size: 20 },
      },
    });
  },
});

const searchSuggest = defineTool({
  name: "search_suggest",
  title: "Suggest catalog searches",
  description:
    "Suggests search texts to try with catalog_search from a (possibly partial or failing) one: the text with its syntax fixed, an exact phrase, any-of-the-words (OR), the last word completed with a wildcard, the search without exclusions or field restrictions — each with why. Makes no call; use it when a search returned too little, too much or an error.",
  input: z.object({ query: queryInput }),
  output: z.object({
    query: z.string(),
    suggestions: z.array(z.object({ query: z.string(), why: z.string() })),
    warnings: z.array(warning),
  }),
  annotations: LOCAL_ONLY,
  run(args) {
    const reading = readQuery(args.query);
    return Promise.resolve({
      query: args.query,
      suggestions: suggestQueries(reading, args.query),
      warnings: reading.warnings,
    });
  },
});

/** Search helper tools of the search category. */
export const SEARCH_HELPER_TOOLS: readonly ToolDefinition[] = [searchExplain, searchSuggest];
