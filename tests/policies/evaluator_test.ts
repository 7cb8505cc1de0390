/**
 * The evaluator is what proves resource scoping and conditions that the emulator ignores, so its
 * semantics are pinned here against the IAM documentation's rules.
 */
import assert from "node:assert/strict";
import type { PolicyDocument, Statement } from "./bundle.ts";
import { type AuthzRequest, evaluate, UnsupportedPolicyError } from "./evaluator.ts";

const doc = (...Statement: Statement[]): PolicyDocument => ({ Version: "2012-10-17", Statement });
const allow = (extra: Partial<Statement>): Statement => ({ Effect: "Allow", ...extra });

Deno.test("evaluator: implicit deny without a matching statement; explicit deny beats allow", () => {
  const p = doc(allow({ Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }));
  assert.equal(evaluate([p], { action: "s3:GetObject", resource: "arn:aws:s3:::b/k" }), "allow");
  assert.equal(
    evaluate([p], { action: "s3:GetObject", resource: "arn:aws:s3:::c/k" }),
    "implicit-deny",
  );
  assert.equal(
    evaluate([p], { action: "s3:PutObject", resource: "arn:aws:s3:::b/k" }),
    "implicit-deny",
  );
  assert.equal(
    evaluate([], { action: "s3:GetObject", resource: "arn:aws:s3:::b/k" }),
    "implicit-deny",
  );
  const d = doc({ Effect: "Deny", Action: "s3:*", Resource: "arn:aws:s3:::b/secret/*" });
  assert.equal(
    evaluate([p, d], { action: "s3:GetObject", resource: "arn:aws:s3:::b/secret/x" }),
    "explicit-deny",
  );
});

Deno.test("evaluator: actions match case-insensitively, resources case-sensitively, '.' is literal", () => {
  const p = doc(allow({ Action: "S3:getobject", Resource: "arn:aws:s3:::b.c/.quilt/*" }));
  assert.equal(
    evaluate([p], { action: "s3:GetObject", resource: "arn:aws:s3:::b.c/.quilt/x" }),
    "allow",
  );
  assert.equal(
    evaluate([p], { action: "s3:GetObject", resource: "arn:aws:s3:::b.c/.QUILT/x" }),
    "implicit-deny",
  );
  assert.equal(
    evaluate([p], { action: "s3:GetObject", resource: "arn:aws:s3:::bxc/.quilt/x" }),
    "implicit-deny",
  );
  assert.equal(
    evaluate([p], { action: "s3:GetObject", resource: "arn:aws:s3:::b.c/xquilt/x" }),
    "implicit-deny",
  );
});

Deno.test("evaluator: StringLike on an absent key is false; negated operators on an absent key are true", () => {
  const like = doc(
    allow({
      Action: "s3:ListBucket",
      Resource: "arn:aws:s3:::b",
      Condition: { StringLike: { "s3:prefix": [".quilt/*"] } },
    }),
  );
  const req = { action: "s3:ListBucket", resource: "arn:aws:s3:::b" };
  assert.equal(evaluate([like], req), "implicit-deny");
  assert.equal(evaluate([like], { ...req, context: { "s3:prefix": ".quilt/packages/" } }), "allow");
  assert.equal(
    evaluate([like], { ...req, context: { "S3:Prefix": ".quilt/" } }),
    "allow",
    "key names are case-insensitive",
  );
  assert.equal(evaluate([like], { ...req, context: { "s3:prefix": "data/" } }), "implicit-deny");
  const notLike = doc(
    allow({
      Action: "s3:ListBucket",
      Resource: "arn:aws:s3:::b",
      Condition: { StringNotLike: { "s3:prefix": ["secret/*"] } },
    }),
  );
  assert.equal(evaluate([notLike], req), "allow");
  assert.equal(
    evaluate([notLike], { ...req, context: { "s3:prefix": "secret/x" } }),
    "implicit-deny",
  );
  const ifExists = doc(
    allow({
      Action: "s3:ListBucket",
      Resource: "arn:aws:s3:::b",
      Condition: { StringLikeIfExists: { "s3:prefix": ["a*"] } },
    }),
  );
  assert.equal(evaluate([ifExists], req), "allow");
  assert.equal(evaluate([ifExists], { ...req, context: { "s3:prefix": "b" } }), "implicit-deny");
});

Deno.test("evaluator: Null, and all operators and keys of a statement must hold", () => {
  const p = doc(
    allow({
      Action: "sts:AssumeRole",
      Principal: { AWS: "arn:aws:iam::123456789012:role/task" },
      Condition: {
        Null: { "aws:RequestTag/A": "false" },
        StringEquals: { "aws:RequestTag/B": ["x", "y"] },
      },
    }),
  );
  const base = {
    action: "sts:AssumeRole",
    resource: "arn:aws:iam::123456789012:role/data",
    principal: { AWS: "arn:aws:iam::123456789012:role/task" },
  };
  assert.equal(
    evaluate([p], { ...base, context: { "aws:RequestTag/A": "1", "aws:RequestTag/B": "y" } }),
    "allow",
  );
  assert.equal(evaluate([p], { ...base, context: { "aws:RequestTag/B": "y" } }), "implicit-deny");
  assert.equal(
    evaluate([p], { ...base, context: { "aws:RequestTag/A": "1", "aws:RequestTag/B": "z" } }),
    "implicit-deny",
  );
  assert.equal(
    evaluate([p], {
      ...base,
      principal: { AWS: "arn:aws:iam::123456789012:role/other" },
      context: { "aws:RequestTag/A": "1", "aws:RequestTag/B": "x" },
    }),
    "implicit-deny",
  );
  assert.equal(
    evaluate([p], {
      ...base,
      principal: undefined,
      context: { "aws:RequestTag/A": "1", "aws:RequestTag/B": "x" },
    }),
    "implicit-deny",
  );
});

Deno.test("evaluator: ForAllValues is true for an empty set; ForAnyValue is false", () => {
  const all = doc(
    allow({
      Action: "sts:TagSession",
      Principal: { AWS: "arn:aws:iam::1:role/t" },
      Condition: { "ForAllValues:StringEquals": { "aws:TagKeys": ["A", "B"] } },
    }),
  );
  const any = doc(
    allow({
      Action: "sts:TagSession",
      Principal: { AWS: "arn:aws:iam::1:role/t" },
      Condition: { "ForAnyValue:StringEquals": { "aws:TagKeys": ["A"] } },
    }),
  );
  const req = (keys?: string[]): AuthzRequest => ({
    action: "sts:TagSession",
    resource: "r",
    principal: { AWS: "arn:aws:iam::1:role/t" },
    context: keys ? { "aws:TagKeys": keys } : {},
  });
  assert.equal(evaluate([all], req(["A", "B"])), "allow");
  assert.equal(evaluate([all], req(["A"])), "allow");
  assert.equal(evaluate([all], req(["A", "C"])), "implicit-deny");
  assert.equal(evaluate([all], req()), "allow");
  assert.equal(evaluate([any], req(["C", "A"])), "allow");
  assert.equal(evaluate([any], req(["C"])), "implicit-deny");
  assert.equal(evaluate([any], req()), "implicit-deny");
});

Deno.test("evaluator: policy variables resolve from the context; an absent key never matches", () => {
  const p = doc(
    allow({ Action: "s3:GetObject", Resource: "arn:aws:s3:::b/home/${aws:PrincipalTag/Sub}/*" }),
    allow({
      Action: "s3:ListBucket",
      Resource: "arn:aws:s3:::b",
      Condition: { StringLike: { "s3:prefix": ["home/${aws:PrincipalTag/Sub}/*"] } },
    }),
  );
  const tags = { "aws:PrincipalTag/Sub": "alice" };
  assert.equal(
    evaluate([p], {
      action: "s3:GetObject",
      resource: "arn:aws:s3:::b/home/alice/x",
      context: tags,
    }),
    "allow",
  );
  assert.equal(
    evaluate([p], { action: "s3:GetObject", resource: "arn:aws:s3:::b/home/bob/x", context: tags }),
    "implicit-deny",
  );
  assert.equal(
    evaluate([p], { action: "s3:GetObject", resource: "arn:aws:s3:::b/home/alice/x" }),
    "implicit-deny",
  );
  assert.equal(
    evaluate([p], {
      action: "s3:ListBucket",
      resource: "arn:aws:s3:::b",
      context: { ...tags, "s3:prefix": "home/alice/" },
    }),
    "allow",
  );
  assert.equal(
    evaluate([p], {
      action: "s3:ListBucket",
      resource: "arn:aws:s3:::b",
      context: { ...tags, "s3:prefix": "home/" },
    }),
    "implicit-deny",
  );
  // A wildcard inside a variable's value is literal, not a pattern.
  assert.equal(
    evaluate([p], {
      action: "s3:GetObject",
      resource: "arn:aws:s3:::b/home/anyone/x",
      context: { "aws:PrincipalTag/Sub": "*" },
    }),
    "implicit-deny",
  );
});

Deno.test("evaluator: service principals and ArnLike", () => {
  const p = doc(
    allow({
      Action: "sts:AssumeRole",
      Principal: { Service: "ecs-tasks.amazonaws.com" },
      Condition: { ArnLike: { "aws:SourceArn": "arn:aws:ecs:us-east-1:123456789012:*" } },
    }),
  );
  const req = (service: string, arn: string) => ({
    action: "sts:AssumeRole",
    resource: "r",
    principal: { Service: service },
    context: { "aws:SourceArn": arn },
  });
  assert.equal(
    evaluate([p], req("ecs-tasks.amazonaws.com", "arn:aws:ecs:us-east-1:123456789012:task/c/1")),
    "allow",
  );
  assert.equal(
    evaluate([p], req("ecs-tasks.amazonaws.com", "arn:aws:ecs:us-east-1:999999999999:task/c/1")),
    "implicit-deny",
  );
  assert.equal(
    evaluate([p], req("ec2.amazonaws.com", "arn:aws:ecs:us-east-1:123456789012:task/c/1")),
    "implicit-deny",
  );
});

Deno.test("evaluator: refuses to guess on what it does not model", () => {
  const req = {
    action: "s3:GetObject",
    resource: "arn:aws:s3:::b/k",
    context: { "aws:TagKeys": ["a"] },
  };
  const cases: Statement[] = [
    allow({
      Action: "s3:GetObject",
      Resource: "*",
      Condition: { DateGreaterThan: { "aws:CurrentTime": "2020-01-01T00:00:00Z" } },
    }),
    allow({
      Action: "s3:GetObject",
      Resource: "*",
      Condition: { StringEquals: { "aws:TagKeys": "a" } },
    }),
    {
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: "*",
      NotPrincipal: { AWS: "x" },
    } as unknown as Statement,
    allow({ Action: "s3:GetObject", Resource: "arn:aws:s3:::b/${aws:username, 'x'}" }),
  ];
  for (const stmt of cases) assert.throws(() => evaluate([doc(stmt)], req), UnsupportedPolicyError);
});
