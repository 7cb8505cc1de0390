/**
 * The quilt-mcp deployment as an AWS CDK v2 construct: the same parameters (modules/parameters.json)
 * and security properties as the Terraform modules. Plain bare imports (`aws-cdk-lib`,
 * `constructs`), so it runs under Deno with the repository's import map and under Node.
 * @module
 */
export { QuiltMcpServer } from "./lib/quilt_mcp_server.ts";
export type { QuiltMcpServerOptions } from "./lib/quilt_mcp_server.ts";
export { CONTAINER_NAME } from "./lib/values.ts";
export type { QuiltMcpServerProps } from "./lib/props.ts";
export {
  checkValue,
  PARAMETER_TABLE,
  PARAMETERS,
  QuiltMcpPropsError,
  validateProps,
} from "./lib/parameters.ts";
export type { CrossRule, ParameterSpec, ParameterTable } from "./lib/parameters.ts";
export { acknowledgementsFor } from "./lib/nag.ts";
export type { Acknowledgement } from "./lib/nag.ts";
