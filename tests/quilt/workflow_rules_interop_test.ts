/**
 * quilt3 8.0.0 (with its jsonschema, PyYAML and Python's re) as the oracle of the workflow rules,
 * offline: seeded random Python regular expressions × subjects, draft-7 schemas × instances,
 * `.quilt/workflows/config.yml` texts, and workflow choices against loaded configurations. For
 * every case both accept or both refuse, with the same result (matches, first error's keyword,
 * message and path, every error of iter_errors in order, loaded configuration, workflow record) and the same quilt3 error class and
 * message. The only allowed difference: the few regex constructs the server refuses
 * (UNSUPPORTED_REGEX), which must then be refused, never evaluated differently.
 *
 * Case counts scale with QUILT_ORACLE_SCALE (default 1; `make bench` runs more). One Python
 * process answers every batch.
 */
import { join } from "node:path";
import {
  checkDraft7Schema,
  compilePyRegex,
  draft7Validator,
  encodeCanonicalJson,
  type JsonValue,
  parseJson,
  PyOther,
  PyRegexError,
  PyRegexUnsupportedError,
  WorkflowError,
  WorkflowsConfig,
  YamlUnsupportedError,
} from "../../server/quilt/mod.ts";
import { assert, assertEquals, PeerSession, Rng } from "./helpers.ts";
import {
  jsonText,
  randomConfig,
  randomPattern,
  randomSchema,
  randomSubject,
  smallValue,
  UNSUPPORTED_REGEX,
} from "./workflow_gen.ts";
import { oracleScale } from "./oracle_scale.ts";

const SCALE = oracleScale();
const COUNTS = {
  patterns: 300 * SCALE,
  subjects: 40,
  schemas: 250 * SCALE,
  instancesPerSchema: 8,
  configs: 150 * SCALE,
  attemptsPerConfig: 6,
};

/** A line of the peer's answer, read with our parser so big integers stay exact. */
async function call(peer: PeerSession, request: Record<string, unknown>): Promise<JsonValue[]> {
  const answer = await peer.call<unknown>(request, 120_000);
  return parseJson(JSON.stringify(answer)) as JsonValue[];
}

function get(v: JsonValue, key: string): JsonValue | undefined {
  return v instanceof Map ? v.get(key) : undefined;
}

/** Our loaded configuration in the shape the peer prints (datetimes and non-finite floats marked). */
function plain(v: JsonValue): JsonValue {
  if ((v as unknown) instanceof PyOther) return new Map([["__repr__", "other"]]);
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, plain(x)]));
  if (v !== null && typeof v === "object" && "isFloat" in v && v.isFloat) {
    const c = v.canonical;
    if (c === "NaN") return new Map([["__float__", "nan"]]);
    if (c === "Infinity") return new Map([["__float__", "inf"]]);
    if (c === "-Infinity") return new Map([["__float__", "-inf"]]);
  }
  return v;
}

/** True when the schema has an additionalProperties subschema (jsonschema walks a set there). */
function walksASet(schema: JsonValue): boolean {
  if (Array.isArray(schema)) return schema.some(walksASet);
  if (!(schema instanceof Map)) return false;
  if (schema.get("additionalProperties") instanceof Map) return true;
  return [...schema.values()].some(walksASet);
}

Deno.test("workflow rules: quilt3, jsonschema, PyYAML and re as the oracle (seeded)", async (t) => {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "quilt-workflow-rules-" }));
  const peer = await PeerSession.start("workflow_peer.py");
  const tally: Record<string, number> = {};
  const count = (k: string, n = 1) => (tally[k] = (tally[k] ?? 0) + n);
  try {
    await t.step(
      `${COUNTS.patterns} Python regular expressions × ${COUNTS.subjects} subjects`,
      async () => {
        const rng = new Rng(1801);
        const patterns = Array.from({ length: COUNTS.patterns }, () => randomPattern(rng));
        const strings = Array.from({ length: COUNTS.subjects }, () => randomSubject(rng));
        const answers = await call(peer, { op: "regex", patterns, strings });
        patterns.forEach((p, i) => {
          const py = answers[i];
          const pyError = get(py, "error") as string | undefined;
          let re;
          try {
            re = compilePyRegex(p);
          } catch (e) {
            if (e instanceof PyRegexUnsupportedError) {
              assert(
                UNSUPPORTED_REGEX.includes(p),
                `refused a supported pattern ${JSON.stringify(p)}: ${e.message}`,
              );
              count("regex refused as unsupported");
              return;
            }
            if (!(e instanceof PyRegexError)) throw e;
            assert(
              pyError !== undefined,
              `Python compiles ${JSON.stringify(p)}; we say ${e.message}`,
            );
            assert(
              pyError.includes(e.message),
              `${JSON.stringify(p)}: "${e.message}" vs ${pyError}`,
            );
            count("regex both refuse");
            return;
          }
          assertEquals(pyError, undefined, `Python refuses ${JSON.stringify(p)}`);
          const mine = strings.map((s) => re.search(s));
          const theirs = (get(py, "matches") as JsonValue[]).map((b) => b === true);
          assertEquals(mine, theirs, `pattern ${JSON.stringify(p)} on ${JSON.stringify(strings)}`);
          count("regex both accept", strings.length);
        });
      },
    );

    await t.step(
      `${COUNTS.schemas} draft-7 schemas × ${COUNTS.instancesPerSchema} instances`,
      async () => {
        const rng = new Rng(1802);
        const cases = Array.from({ length: COUNTS.schemas }, () => {
          const schema = rng.next() < 0.1 ? rng.next() < 0.5 : randomSchema(rng);
          const instances = Array.from(
            { length: COUNTS.instancesPerSchema },
            () => smallValue(rng),
          );
          return { schema, instances };
        });
        const answers = await call(peer, {
          op: "schema",
          cases: cases.map((c) => ({
            schema: jsonText(c.schema),
            instances: c.instances.map(jsonText),
          })),
        });
        cases.forEach((c, i) => {
          const py = answers[i];
          const where = `schema ${jsonText(c.schema)}`;
          const bad = checkDraft7Schema(c.schema);
          if (get(py, "schema_error") !== undefined) {
            assert(
              bad,
              `${where}: jsonschema refuses it (${get(py, "schema_error")}), we accept it`,
            );
            // The meta-schema checks maps of subschemas (properties, definitions, ...) through
            // additionalProperties, which jsonschema walks in Python set order: which error comes
            // first is undefined (it changes with PYTHONHASHSEED), so the verdict is compared.
            count("schemas both refuse");
            if (bad.message === get(py, "schema_error")) count("  of which the same first error");
            return;
          }
          assertEquals(bad, undefined, `${where}: jsonschema accepts it`);
          count("schemas both accept");
          const v = draft7Validator(c.schema);
          const results = get(py, "results") as JsonValue[];
          c.instances.forEach((inst, j) => {
            const r = results[j];
            const mine = v.firstError(inst);
            const what = `${where} on ${jsonText(inst)}`;
            if (get(r, "valid") === true) {
              assertEquals(mine, undefined, `${what}: valid in jsonschema`);
              count("instances both valid");
              return;
            }
            assert(mine, `${what}: jsonschema finds ${get(r, "message")}`);
            count("instances both invalid");
            // additionalProperties with a subschema checks extra keys in set order (see above);
            // elsewhere the first error is defined and must be the same.
            if (walksASet(c.schema)) return;
            assertEquals(
              [mine.keyword, mine.message, encodeCanonicalJson(mine.path as JsonValue[])],
              [get(r, "validator"), get(r, "message"), encodeCanonicalJson(get(r, "path")!)],
              what,
            );
            count("  of which the same first error (keyword, message, path)");
            // Every error, in iter_errors order (what package_metadata_validate lists).
            const all = get(r, "all") as JsonValue[] | undefined;
            if (all === undefined) return;
            const key = (e: { keyword: JsonValue; message: JsonValue; path: JsonValue }) =>
              encodeCanonicalJson([e.keyword, e.message, e.path]);
            assertEquals(
              v.errors(inst, 50).map((e) =>
                key({ keyword: e.keyword, message: e.message, path: e.path as JsonValue[] })
              ),
              all.map((e) =>
                key({
                  keyword: get(e, "validator")!,
                  message: get(e, "message")!,
                  path: get(e, "path")!,
                })
              ),
              `${what}: every error`,
            );
            count("  of which the same errors, all of them, in order");
            if (all.length > 1) count("  of which with several errors");
          });
        });
      },
    );

    const rng = new Rng(1803);
    const configs = Array.from({ length: COUNTS.configs }, () => randomConfig(rng));
    const loaded: { text: string; ids: readonly string[]; config: WorkflowsConfig }[] = [];
    await t.step(
      `${COUNTS.configs} config.yml texts load (or fail) as WorkflowConfig.load`,
      async () => {
        const answers = await call(peer, { op: "config", texts: configs.map((c) => c.text), dir });
        configs.forEach((c, n) => {
          const py = answers[n];
          const path = join(dir, `config-${n}.yml`);
          let config: WorkflowsConfig;
          try {
            config = WorkflowsConfig.parse({
              bytes: new TextEncoder().encode(c.text),
              physicalKey: { scheme: "file", path },
            });
          } catch (e) {
            if (e instanceof YamlUnsupportedError) {
              count("configs refused as unsupported");
              assert(get(py, "config") !== undefined, "unsupported only where quilt3 loads it");
              return;
            }
            if (!(e instanceof WorkflowError)) throw e;
            const classes = get(py, "error_class") as string[] | undefined;
            assert(classes, `quilt3 loads:\n${c.text}\nwe refuse: ${e.message}`);
            assert(classes.includes(e.kind), `${e.kind} vs ${classes}:\n${c.text}`);
            const theirs = get(py, "error") as string;
            // The configuration schema checks workflows through additionalProperties (set order,
            // see above): for schema failures the class and the reason's prefix must agree.
            const prefix = "Workflows config failed validation: ";
            if (e.message.startsWith(prefix)) assert(theirs.startsWith(prefix), theirs);
            else assertEquals(e.message, theirs, c.text);
            count("configs both refuse (same class)");
            return;
          }
          assert(
            get(py, "config") !== undefined,
            `quilt3 refuses:\n${c.text}\n${get(py, "error")}`,
          );
          assertEquals(
            encodeCanonicalJson(plain(config.config)),
            encodeCanonicalJson(get(py, "config")!),
            c.text,
          );
          loaded.push({ text: c.text, ids: c.ids, config });
          count("configs both load (same content)");
        });
      },
    );

    await t.step("workflow choice and message/name/metadata rules per loaded config", async () => {
      const rng = new Rng(1804);
      for (const c of loaded) {
        const attempts = Array.from({ length: COUNTS.attemptsPerConfig }, () => {
          const w = rng.next();
          return {
            ...(w < 0.3
              ? {}
              : { workflow: w < 0.45 ? null : rng.next() < 0.9 ? rng.pick(c.ids) : "nope" }),
            name: rng.pick(["ns/pkg", "other/abc", "NS/Pkg", "ns/a-1", "x/y"]),
            message: rng.pick([null, "", "a message"]),
            meta: rng.pick(["{}", '{"a": 1}']),
          };
        });
        const answers = await call(peer, { op: "select", text: c.text, dir, attempts });
        const path = join(dir, "config-select.yml");
        const config = WorkflowsConfig.parse({
          bytes: new TextEncoder().encode(c.text),
          physicalKey: { scheme: "file", path },
        });
        for (const [i, a] of attempts.entries()) {
          const py = answers[i];
          const what = `${JSON.stringify(a)} with\n${c.text}`;
          try {
            const rules = await config.select(
              "workflow" in a ? a.workflow as string | null : undefined,
              () => Promise.reject(new Error("no schemas offline")),
            );
            const record = rules.validate({
              packageName: a.name,
              message: a.message,
              userMeta: parseJson(a.meta),
              entries: [],
            });
            assert(get(py, "record") !== undefined, `quilt3 refuses ${what}: ${get(py, "error")}`);
            assertEquals(
              encodeCanonicalJson(record),
              encodeCanonicalJson(get(py, "record")!),
              what,
            );
            count("workflow choices both accept (same record)");
          } catch (e) {
            if (!(e instanceof WorkflowError)) throw e;
            const classes = get(py, "error_class") as string[] | undefined;
            assert(classes, `quilt3 accepts ${what}; we refuse: ${e.message}`);
            assert(classes.includes(e.kind), `${e.kind} vs ${classes}: ${what}`);
            assertEquals(e.message, get(py, "error"), what);
            count("workflow choices both refuse (same class and message)");
          }
        }
      }
    });
    console.log(`workflow rules oracle (scale ${SCALE}):`, JSON.stringify(tally));
    assert((tally["regex both refuse"] ?? 0) > 0 && (tally["regex both accept"] ?? 0) > 0);
    assert((tally["schemas both refuse"] ?? 0) > 0 && (tally["instances both valid"] ?? 0) > 0);
    assert((tally["  of which the same first error (keyword, message, path)"] ?? 0) > 0);
    assert((tally["  of which with several errors"] ?? 0) > 0);
    assert((tally["configs both refuse (same class)"] ?? 0) > 0);
    assert((tally["workflow choices both accept (same record)"] ?? 0) > 0);
    assert((tally["workflow choices both refuse (same class and message)"] ?? 0) > 0);
  } finally {
    await peer.close();
    await Deno.remove(dir, { recursive: true });
  }
});
