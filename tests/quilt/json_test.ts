/**
 * Python-compatible JSON: unit tests, and byte-for-byte comparison with CPython's json module
 * (tests/quilt/peer/json_peer.py) on fixed and seeded random cases.
 */
import {
  compareCodePoints,
  compareLogicalKeys,
  encodeCanonicalJson,
  encodeManifestJson,
  fromJs,
  JsonEncodeError,
  jsonEquals,
  JsonNumber,
  type JsonObject,
  JsonSyntaxError,
  type JsonValue,
  numberTextOf,
  parseJson,
  parseJsonKeepingNumberText,
  pyFloatRepr,
  toJs,
} from "../../server/quilt/mod.ts";
import { mayHaveNumberText } from "../../server/quilt/json_source.ts";
import { pyNumberText } from "../../server/quilt/json_value.ts";
import {
  assert,
  assertEquals,
  assertThrows,
  bitsOfDouble,
  doubleFromBits,
  Rng,
  runPeer,
  typed,
  units,
} from "./helpers.ts";
import { INVALID_TEXTS, NUMBER_TEXTS, randomString, randomValue, textOf } from "./json_gen.ts";

interface EncodeAnswer {
  canonical: string;
  manifest?: string;
  manifest_error?: string;
  parse_error?: string;
}

function ours(v: JsonValue): EncodeAnswer {
  const out: EncodeAnswer = { canonical: encodeCanonicalJson(v) };
  try {
    out.manifest = encodeManifestJson(v);
  } catch (e) {
    assert(e instanceof JsonEncodeError, `unexpected ${e}`);
    out.manifest_error = "error";
  }
  return out;
}

function sameAnswer(mine: EncodeAnswer, py: EncodeAnswer, label: string): void {
  assertEquals(mine.canonical, py.canonical, `canonical encoding differs for ${label}`);
  assertEquals(mine.manifest, py.manifest, `manifest encoding differs for ${label}`);
  assertEquals(
    mine.manifest_error !== undefined,
    py.manifest_error !== undefined,
    `manifest encodability differs for ${label}`,
  );
}

const m = (entries: [string, JsonValue][]): JsonObject => new Map(entries);

Deno.test("pyFloatRepr matches known Python reprs", () => {
  const cases: [number, string][] = [
    [1, "1.0"],
    [-1, "-1.0"],
    [0, "0.0"],
    [-0, "-0.0"],
    [0.1, "0.1"],
    [1e-7, "1e-07"],
    [1e20, "1e+20"],
    [1e16, "1e+16"],
    [1e15, "1000000000000000.0"],
    [1e-4, "0.0001"],
    [1e-5, "1e-05"],
    [1.5e300, "1.5e+300"],
    [123456789.123, "123456789.123"],
    [5e-324, "5e-324"],
    [1.7976931348623157e308, "1.7976931348623157e+308"],
    [0.30000000000000004, "0.30000000000000004"],
    [1234567890123456.7, "1234567890123456.8"],
    [12345678901234567, "1.2345678901234568e+16"],
    [NaN, "NaN"],
    [Infinity, "Infinity"],
    [-Infinity, "-Infinity"],
  ];
  for (const [x, want] of cases) assertEquals(pyFloatRepr(x), want, `repr(${x})`);
});

Deno.test("canonical encoding: sorted keys at every depth, no spaces, ASCII escapes", () => {
  const v = m([
    ["b", m([["z", 1], ["a", [true, null, "é"]]])],
    ["a", new JsonNumber("1.0")],
    ["😀", "\ue000"],
    ["\ue000", "x"],
  ]);
  // U+E000 sorts before U+1F600 by code point although its UTF-16 unit is larger.
  assertEquals(
    encodeCanonicalJson(v),
    '{"a":1.0,"b":{"a":[true,null,"\\u00e9"],"z":1},"\\ue000":"x","\\ud83d\\ude00":"\\ue000"}',
  );
});

Deno.test("manifest encoding: insertion order, spaces, real UTF-8, integer-like keys kept in place", () => {
  const v = parseJson('{"name": "x", "2020": 1.50, "é": ["\\u00e9", 1e-07], "n": null}');
  assertEquals(
    encodeManifestJson(v),
    '{"name": "x", "2020": 1.5, "é": ["é", 1e-07], "n": null}',
  );
});

Deno.test("parser keeps number text; encoders print Python's value for it", () => {
  const v = parseJson("[1.0, 1e-07, 1E5, -0, -0.0, 1.10, 123456789012345678901234567890, 1e400]");
  if (!Array.isArray(v)) throw new Error("expected an array");
  assertEquals(
    v.map((x) => (x as JsonNumber).text),
    ["1.0", "1e-07", "1E5", "-0", "-0.0", "1.10", "123456789012345678901234567890", "1e400"],
  );
  assertEquals(
    encodeCanonicalJson(v),
    "[1.0,1e-07,100000.0,0,-0.0,1.1,123456789012345678901234567890,Infinity]",
  );
  assertThrows(() => encodeManifestJson(v), JsonEncodeError, "Infinity");
});

Deno.test("parser: duplicate keys keep the first position and the last value; __proto__ is data", () => {
  const v = parseJson('{"a": 1, "b": 2, "a": 3, "__proto__": {"x": 1}}') as JsonObject;
  assertEquals(Array.from(v.keys()), ["a", "b", "__proto__"]);
  assertEquals((v.get("a") as JsonNumber).text, "3");
  const js = toJs(v) as Record<string, unknown>;
  assertEquals(Object.getPrototypeOf(js), Object.prototype);
  assertEquals(Object.keys(js), ["a", "b", "__proto__"]);
});

Deno.test("parser rejects what json.loads rejects, with an offset", () => {
  const e = assertThrows(() => parseJson('{"a": tru}'), JsonSyntaxError);
  assertEquals(e.offset, 6);
  assertThrows(() => parseJson('"a\u0001"'), JsonSyntaxError, "control character");
  assertThrows(() => parseJson("1".repeat(4301)), JsonSyntaxError, "4300");
  assertEquals(encodeCanonicalJson(parseJson("1".repeat(4300))), "1".repeat(4300));
  assertThrows(() => parseJson("[".repeat(5000)), JsonSyntaxError, "nesting");
});

Deno.test("manifest encoding refuses lone surrogates and NaN like quilt3's writer", () => {
  assertThrows(() => encodeManifestJson("a\ud800b"), JsonEncodeError, "surrogate");
  assertEquals(encodeCanonicalJson("a\ud800b"), '"a\\ud800b"');
  assertThrows(() => encodeManifestJson(NaN), JsonEncodeError);
  assertEquals(encodeCanonicalJson(NaN), "NaN");
  assertEquals(encodeManifestJson("😀"), '"😀"');
});

Deno.test("numbers created by our code: integers stay ints, others are floats, bigints exact", () => {
  assertEquals(
    encodeCanonicalJson([1, -0, 2 ** 60, 1.5, 1e21, 12345678901234567890n]),
    "[1,0,1152921504606846976,1.5,1000000000000000000000,12345678901234567890]",
  );
  assertEquals(encodeCanonicalJson(JsonNumber.float(3)), "3.0");
});

Deno.test("fromJs / toJs convert plain data and keep big integers as exact strings", () => {
  const v = fromJs({ b: [1, "x", null], a: { c: true } });
  assertEquals(encodeCanonicalJson(v), '{"a":{"c":true},"b":[1,"x",null]}');
  assertThrows(() => fromJs({ a: undefined }), JsonEncodeError);
  assertThrows(() => fromJs({ a: new Date() }), JsonEncodeError);
  assertThrows(() => fromJs(NaN), JsonEncodeError);
  assertEquals(toJs(parseJson("[12345678901234567890, 1.5, 7, NaN]")), [
    "12345678901234567890",
    1.5,
    7,
    "NaN",
  ]);
  assert(jsonEquals(parseJson('{"a":1,"b":2}'), parseJson('{"b":2, "a":1}')));
  assert(!jsonEquals(parseJson("1"), parseJson("1.0")));
});

Deno.test("object form: transport-parsed number text and __proto__ keys reach the manifest exactly", () => {
  const wire = parseJsonKeepingNumberText(
    '{"m": {"__proto__": {"p": 1}, "one": 1.0, "e": 1e5, "z": -0.0, "nz": -0, ' +
      '"big": 9007199254740993, "exact": 9007199254740992000, "list": [2.50, 3], "plain": 0.5}}',
  ) as { m: object };
  const opts = { numberText: numberTextOf, exactNumbers: true };
  assertEquals(
    encodeManifestJson(fromJs(wire.m, "$", opts)),
    '{"__proto__": {"p": 1}, "one": 1.0, "e": 100000.0, "z": -0.0, "nz": 0, ' +
      '"big": 9007199254740993, "exact": 9007199254740992000, "list": [2.5, 3], "plain": 0.5}',
  );
  // Without the transport's text, only what a JavaScript number carries exactly is accepted.
  const plain = JSON.parse('{"big": 9007199254740993}');
  assertThrows(() => fromJs(plain, "$", opts), JsonEncodeError, "$.big");
  assertThrows(() => fromJs({ z: -0 }, "$", opts), JsonEncodeError, "-0");
  assertEquals(
    encodeManifestJson(fromJs({ a: 2 ** 53 - 1, b: 0.1 }, "$", opts)),
    '{"a": 9007199254740991, "b": 0.1}',
  );
  // A "__proto__" own property is data, never the prototype.
  const proto = JSON.parse('{"__proto__": 5}');
  assertEquals(encodeManifestJson(fromJs(proto, "$", opts)), '{"__proto__": 5}');
});

Deno.test("encoders match Python json.dumps byte for byte (fixed + 1500 seeded random values)", async () => {
  const fixed: JsonValue[] = [
    null,
    true,
    false,
    "",
    "plain",
    'quote" backslash\\ slash/ nl\n cr\r tab\t bs\b ff\f nul\x00 us\x1f del\x7f',
    "é ß 中 € \u2028 \ufeff \ue000 \uffff 😀 𝄞 \u{10ffff}",
    "lone \ud800 and \udfff",
    0,
    -1,
    2 ** 53 + 2,
    -(2 ** 62),
    0.1,
    -2.5e-8,
    1e22,
    123456789012345678901234567890n,
    ...NUMBER_TEXTS.map((t) => new JsonNumber(t)),
    [],
    new Map(),
    m([["b", 1], ["a", m([["d", [1, 2, m([["y", 1], ["x", 2]])]], ["c", null]])]]),
    m([["10", 1], ["2", 2], ["", 3], ["__proto__", 4], ["a", 5], ["A", 6]]),
    m([["😀", 1], ["\ue000", 2], ["\uffff", 3], ["\ud800", 4], ["z", 5]]),
  ];
  const rng = new Rng(20240601);
  const random = Array.from({ length: 1500 }, () => randomValue(rng));
  const values = [...fixed, ...random];
  const answers = await runPeer<EncodeAnswer>(
    "json_peer.py",
    values.map((v) => ({ op: "encode", value: typed(v) })),
  );
  values.forEach((v, i) => sameAnswer(ours(v), answers[i], `value #${i}`));
});

Deno.test("pyFloatRepr matches Python repr on 4000 seeded random doubles", async () => {
  const rng = new Rng(7);
  const bits = Array.from({ length: 4000 }, () => rng.doubleBits());
  // Plus boundaries of the fixed/exponent switch and subnormals.
  for (
    const x of [1e16, 9999999999999998, 1e-4, 9.999999999999999e-5, 5e-324, 2.2250738585072014e-308]
  ) {
    bits.push(bitsOfDouble(x), bitsOfDouble(-x));
  }
  const answers = await runPeer<{ repr: string }>(
    "json_peer.py",
    bits.map((b) => ({ op: "float_repr", bits: b })),
  );
  bits.forEach((b, i) => {
    assertEquals(pyFloatRepr(doubleFromBits(b)), answers[i].repr, `bits ${b}`);
  });
});

Deno.test("parser + encoders match json.loads → json.dumps (1500 random texts, invalid texts)", async () => {
  const rng = new Rng(424242);
  const texts: string[] = [
    ...INVALID_TEXTS,
    ...NUMBER_TEXTS,
    ...NUMBER_TEXTS.map((t) => `[${t}]`),
    "[" + "[".repeat(50) + "1" + "]".repeat(50) + "]",
    "[".repeat(3000) + "]".repeat(3000),
    ' \t\r\n{"a" : [ 1 , 2 ] } \n',
    '"\\ud83d\\ude00 \\ud83d \\ude00x \\uD800\\uDC00"',
    '{"a":1,"a":{"b":2},"c":3,"a":[4]}',
  ];
  for (let i = 0; i < 1500; i++) texts.push(textOf(rng, randomValue(rng)));
  const answers = await runPeer<EncodeAnswer>(
    "json_peer.py",
    texts.map((text) => ({ op: "parse", text })),
  );
  let invalid = 0;
  texts.forEach((text, i) => {
    const py = answers[i];
    let v: JsonValue;
    try {
      v = parseJson(text);
    } catch (e) {
      assert(e instanceof JsonSyntaxError, `unexpected ${e}`);
      assert(
        py.parse_error !== undefined,
        `we reject text #${i} that Python accepts: ${JSON.stringify(text)}`,
      );
      invalid++;
      return;
    }
    assertEquals(
      py.parse_error,
      undefined,
      `Python rejects text #${i} that we accept: ${JSON.stringify(text)}`,
    );
    sameAnswer(ours(v), py, `text #${i} ${JSON.stringify(text).slice(0, 80)}`);
  });
  assert(invalid >= INVALID_TEXTS.length, "the invalid texts must all be rejected");
});

Deno.test("string order: compareCodePoints = Python sorted(), compareLogicalKeys = walk order", async () => {
  const rng = new Rng(99);
  const sets: string[][] = [];
  for (let i = 0; i < 60; i++) {
    const n = 5 + rng.int(30);
    const s = new Set<string>();
    while (s.size < n) {
      const segs = 1 + rng.int(3);
      s.add(
        Array.from({ length: segs }, () => randomString(rng, 3) || "x").join(
          rng.next() < 0.8 ? "/" : ".",
        ),
      );
    }
    sets.push(Array.from(s));
  }
  sets.push(["a/b", "a.txt", "a", "a-b", "a/b/c", "a0", "😀", "\ue000", "a/\ue000", "a/😀"]);
  const requests = sets.flatMap((keys) => [
    { op: "sort_keys", keys: keys.map(units) },
    { op: "tree_order", keys: keys.map(units) },
  ]);
  const answers = await runPeer<{ order: number[] }>("json_peer.py", requests);
  sets.forEach((keys, i) => {
    const byCodePoint = keys.map((_, j) => j).sort((a, b) => compareCodePoints(keys[a], keys[b]));
    const byTree = keys.map((_, j) => j).sort((a, b) => compareLogicalKeys(keys[a], keys[b]));
    assertEquals(byCodePoint, answers[2 * i].order, `sorted() order, set ${i}`);
    assertEquals(byTree, answers[2 * i + 1].order, `walk order, set ${i}`);
  });
});

Deno.test("number text: the fast path skips the reviver only when no number needs its text", () => {
  // Numbers inside strings are not numbers; escapes must not end a string early.
  assertEquals(mayHaveNumberText('{"jsonrpc":"2.0","id":12,"a":"1e5 -0 x\\"9.5"}'), false);
  assertEquals(mayHaveNumberText('{"a":"x\\\\","b":1.0}'), true);
  assertEquals(mayHaveNumberText('{"a":"\\u0022","b":-0}'), true);
  assertEquals(mayHaveNumberText("[123456789012345, -42, 0]"), false);
  assertEquals(mayHaveNumberText("[1234567890123456]"), true);
  assertEquals(mayHaveNumberText("[1E3]"), true);
  // Against the reviver itself on generated texts: whenever it would keep a number's text, the
  // scan says so, and the parsed values are the same either way.
  const pieces = [
    "0",
    "-0",
    "7",
    "-12",
    "1.0",
    "1e3",
    "2E-2",
    "-0.0",
    "123456789012345",
    "9007199254740993",
    "1234567890123456",
    '"1.5"',
    '"a\\"2.0"',
    '"\\\\"',
    "true",
    "null",
    '"-0"',
  ];
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let n = 0; n < 2000; n++) {
    const items = Array.from(
      { length: 1 + Math.floor(next() * 5) },
      () => pieces[Math.floor(next() * pieces.length)],
    );
    const text = `{"id":${n},"v":[${items.join(",")}],"o":{"k":${items[0]}}}`;
    let kept = false;
    const viaReviver = JSON.parse(text, (_k, v, context?: { source?: string }) => {
      if (typeof v === "number" && context?.source !== undefined) {
        const source = context.source;
        if (source !== pyNumberText(v) || (Number.isInteger(v) && !Number.isSafeInteger(v))) {
          kept = true;
        }
      }
      return v;
    });
    if (kept) assert(mayHaveNumberText(text), text);
    assertEquals(parseJsonKeepingNumberText(text), viaReviver, text);
  }
});
