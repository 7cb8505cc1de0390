/**
 * Example CDK app: one stack with `QuiltMcpServer`, checked by cdk-nag's AwsSolutions and
 * NIST 800-53 R5 packs. Synthesizes offline (no lookups, no assets, no Docker):
 * `deno run -A modules/cdk/example/app.ts` writes `modules/cdk/cdk.out/`.
 * @module
 */
import { App, Stack, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks, NIST80053R5Checks } from "cdk-nag";
import { QuiltMcpServer, type QuiltMcpServerProps } from "../mod.ts";

/** The example's props: Acme Genomics' account, a private VPC, an existing certificate. */
export const EXAMPLE_PROPS: QuiltMcpServerProps = {
  name: "quilt-mcp",
  vpcId: "vpc-0123456789abcdef0",
  subnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
  albSubnetIds: ["subnet-0fedcba9876543210", "subnet-0fedcba9876543211"],
  internal: false,
  ingressCidrBlocks: ["0.0.0.0/0"],
  certificateArn:
    "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555",
  vpcEndpointSecurityGroupIds: ["sg-0123456789abcdef0"],
  s3PrefixListIds: ["pl-63a5400a"],
  egressCidrBlocks: ["203.0.113.10/32"],
  containerImage:
    "123456789012.dkr.ecr.us-east-1.amazonaws.com/quilt-mcp@sha256:0000000000000000000000000000000000000000000000000000000000000000",
  publicUrl: "https://mcp.example.com/mcp",
  authIssuer: "https://issuer.example.com/",
  authJwksUrl: "https://issuer.example.com/.well-known/jwks.json",
  allowedRoleArns: ["arn:aws:iam::123456789012:role/quilt-mcp-data-*"],
  buckets: ["acme-genomics-raw", "acme-genomics-curated"],
  alarmEmailAddresses: ["ops@example.com"],
};

/** Builds the example app (cdk-nag packs registered) without synthesizing it. */
export function buildApp(
  props: QuiltMcpServerProps = EXAMPLE_PROPS,
  outdir?: string,
): { app: App; stack: Stack; server: QuiltMcpServer } {
  const app = new App({ outdir });
  const stack = new Stack(app, "QuiltMcp", {
    env: { account: "123456789012", region: "us-east-1" },
    description: "quilt-mcp: MCP server for Quilt data on ECS Fargate (modules/cdk example)",
  });
  const server = new QuiltMcpServer(stack, "QuiltMcpServer", props);
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app),
    new NIST80053R5Checks(app),
  );
  return { app, stack, server };
}

if (import.meta.main) {
  const outdir = new URL("../cdk.out", import.meta.url).pathname;
  const { app } = buildApp(EXAMPLE_PROPS, outdir);
  app.synth();
  console.log(`synthesized to ${outdir}`);
}
