/**
 * examples/complete applied to a moto server: the VPC endpoints, the WAF-protected HTTPS load
 * balancer, the service and its alarms, read back through the AWS SDK, planned again and
 * destroyed (tests/apply/suite.ts).
 */
import {
  checkDataRole,
  checkLoadBalancer,
  type Checks,
  checkService,
  type Expectations,
} from "./read_back.ts";
import { completeInputs, createNetwork } from "./prerequisites.ts";
import { printReport, runExample } from "./suite.ts";
import type { AppliedState } from "./state.ts";
import type { Moto } from "../harness/moto.ts";

const NAME = "quilt-mcp";
const HOST = "mcp.example.com";
let inputs: ReturnType<typeof completeInputs>;

Deno.test("examples/complete applies, holds its security properties, re-plans clean but for emulator gaps, destroys", async () => {
  const report = await runExample({
    example: "complete",
    async prepare(moto: Moto) {
      inputs = completeInputs(NAME, await createNetwork(moto, HOST), `https://${HOST}/mcp`);
      return inputs;
    },
    async readBack(moto: Moto, state: AppliedState, checks: Checks) {
      const want: Expectations = {
        name: NAME,
        host: HOST,
        mcpPath: "/mcp",
        certificateArn: inputs.certificate_arn,
        privateSubnetIds: inputs.private_subnet_ids,
        egress: {
          groups: [state.one("module.network.aws_security_group.endpoints").id],
          prefixLists: [state.one("module.network.aws_vpc_endpoint.s3[0]").prefix_list_id],
          cidrs: inputs.identity_provider_cidr_blocks,
        },
        allowedRoleArns: [`arn:aws:iam::123456789012:role/${NAME}-data-*`],
        targetProtocol: "HTTP",
      };
      await checkService(moto, state, want, checks);
      await checkLoadBalancer(moto, state, want, checks);
      await checkDataRole(moto, state, inputs.buckets, checks);
    },
  });
  printReport(report);
});
