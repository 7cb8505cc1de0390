import assert from "node:assert/strict";
import {
  composePolicies,
  findPlaceholders,
  type Json,
  pascalCase,
  type PlaceholderSpecs,
  PolicyRenderError,
  renderTemplate,
} from "../../policies/render.ts";

const SPECS: PlaceholderSpecs = {
  partition: { type: "string", description: "p", pattern: "^aws$", default: "aws", example: "aws" },
  bucket: { type: "list", description: "b", min_items: 1, pattern: "^[a-z-]+$", example: ["a"] },
  key: { type: "list", description: "k", min_items: 0, default: [], example: [] },
  account_id: { type: "string", description: "a", example: "123456789012" },
};

Deno.test("render: a list placeholder expands its array element once per value, in order", () => {
  const out = renderTemplate(
    { Resource: ["arn:${partition}:s3:::${bucket}", "arn:${partition}:s3:::${bucket}/*"] },
    SPECS,
    { bucket: ["one", "two"] },
  );
  assert.deepEqual(out, {
    Resource: ["arn:aws:s3:::one", "arn:aws:s3:::two", "arn:aws:s3:::one/*", "arn:aws:s3:::two/*"],
  });
});

Deno.test("render: an empty list removes the element; other elements stay", () => {
  const out = renderTemplate({ TagKeys: ["QuiltMcpSubject", "${key}"] }, SPECS, {});
  assert.deepEqual(out, { TagKeys: ["QuiltMcpSubject"] });
});

Deno.test("render: string placeholders anywhere, defaults applied, IAM policy variables untouched", () => {
  const out = renderTemplate(
    {
      A: "x-${account_id}-${partition}",
      B: ["home/${aws:PrincipalTag/QuiltMcpSubject}/*", "${*}"],
    },
    SPECS,
    { account_id: "123456789012" },
  );
  assert.deepEqual(out, {
    A: "x-123456789012-aws",
    B: ["home/${aws:PrincipalTag/QuiltMcpSubject}/*", "${*}"],
  });
});

Deno.test("render: findPlaceholders lists declared-style names only", () => {
  assert.deepEqual(
    findPlaceholders({ a: ["${bucket}", "${aws:username}"], b: "${partition}:${bucket}" } as Json),
    ["bucket", "partition"],
  );
});

Deno.test("render: refuses what another flavour could render differently", () => {
  const bad: [Json, Record<string, string | string[]>, RegExp][] = [
    [{ R: "${bucket}" }, { bucket: ["a"] }, /must be a whole array element/],
    [{ R: ["${bucket}/${key}"] }, { bucket: ["a"], key: ["k"] }, /more than one list placeholder/],
    [{ R: ["${bucket}-${bucket}"] }, { bucket: ["a"] }, /more than one list placeholder/],
    [{ R: ["${nope}"] }, { bucket: ["a"] }, /undeclared placeholder/],
    [{ R: "${account_id}" }, { bucket: ["a"] }, /no value/],
    [{ "${partition}": "x" }, {}, /object key/],
    [{ R: ["${bucket}"] }, { bucket: [] }, /at least 1/],
    [{ R: ["${bucket}"] }, { bucket: ["Bad_Name"] }, /does not match/],
    [{ R: ["${bucket}"] }, { bucket: "a" }, /takes a list/],
    [{ R: "${partition}" }, { partition: ["aws"] }, /takes a string/],
    [{ R: "x" }, { mystery: "1" }, /unknown placeholder value/],
  ];
  for (const [template, values, message] of bad) {
    assert.throws(() => renderTemplate(template, SPECS, values), (e: unknown) => {
      assert.ok(e instanceof PolicyRenderError, String(e));
      assert.match(e.message, message);
      return true;
    });
  }
});

Deno.test("render: composePolicies concatenates statements with category-prefixed Sids", () => {
  const a = { Version: "2012-10-17", Statement: [{ Sid: "Read", Effect: "Allow" }] };
  const b = {
    Version: "2012-10-17",
    Statement: [{ Sid: "Read", Effect: "Allow" }, { Sid: "Put", Effect: "Allow" }],
  };
  assert.deepEqual(
    composePolicies([{ name: "s3-read", policy: a }, { name: "packages-write", policy: b }]),
    {
      Version: "2012-10-17",
      Statement: [
        { Sid: "S3ReadRead", Effect: "Allow" },
        { Sid: "PackagesWriteRead", Effect: "Allow" },
        { Sid: "PackagesWritePut", Effect: "Allow" },
      ],
    },
  );
  assert.equal(pascalCase("s3-read"), "S3Read");
});

Deno.test("render: deploy-time references skip only the pattern check", () => {
  const token = "${Token[AWS.Partition.8]}";
  const isUnresolved = (v: string) => v.startsWith("${Token[");
  assert.throws(
    () => renderTemplate({ P: "${partition}" }, SPECS, { partition: token }),
    /does not match/,
  );
  assert.deepEqual(
    renderTemplate({ P: "arn:${partition}" }, SPECS, { partition: token }, { isUnresolved }),
    {
      P: `arn:${token}`,
    },
  );
  assert.throws(
    () => renderTemplate({ R: ["${bucket}"] }, SPECS, { bucket: ["Bad_Name"] }, { isUnresolved }),
    /does not match/,
  );
});

Deno.test("render: substituted values are inserted verbatim, never rendered again", () => {
  const out = renderTemplate(
    { R: ["arn:${partition}:s3:::${bucket}"], S: "${account_id}" },
    SPECS,
    { bucket: ["${partition}"], account_id: "${partition}" },
    { isUnresolved: () => true },
  );
  assert.deepEqual(out, { R: ["arn:aws:s3:::${partition}"], S: "${partition}" });
});
