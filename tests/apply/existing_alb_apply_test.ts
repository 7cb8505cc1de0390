/**
 * examples/existing-alb applied to a moto server on a customer's own HTTPS load balancer (created
 * first through the SDK): one listener rule, the service and its alarms, read back, planned
 * again and destroyed, leaving the customer's load balancer as it was (tests/apply/suite.ts).
 */
import {
  DescribeListenersCommand,
  ElasticLoadBalancingV2Client,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { GetWebACLForResourceCommand, WAFV2Client } from "@aws-sdk/client-wafv2";
import { assertEquals } from "../harness/assert.ts";
import type { Moto } from "../harness/moto.ts";
import { type Checks, checkService } from "./read_back.ts";
import {
  createExistingLoadBalancer,
  createNetwork,
  existingAlbInputs,
  type ExistingLoadBalancer,
  type Network,
} from "./prerequisites.ts";
import type { AppliedState } from "./state.ts";
import { printReport, runExample } from "./suite.ts";

const NAME = "quilt-mcp";
const HOST = "data.example.com";
let inputs: ReturnType<typeof existingAlbInputs>;
let existing: ExistingLoadBalancer;
let network: Network;

Deno.test("examples/existing-alb applies on the customer's listener, holds its security properties, re-plans clean but for emulator gaps, destroys", async () => {
  const report = await runExample({
    example: "existing-alb",
    async prepare(moto: Moto) {
      network = await createNetwork(moto, HOST);
      existing = await createExistingLoadBalancer(moto, network);
      inputs = existingAlbInputs(NAME, network, existing, `https://${HOST}/mcp`);
      return inputs;
    },
    async readBack(moto: Moto, state: AppliedState, checks: Checks) {
      await checkService(moto, state, {
        name: NAME,
        host: HOST,
        mcpPath: "/mcp",
        certificateArn: network.certificateArn,
        privateSubnetIds: inputs.private_subnet_ids,
        egress: {
          groups: [existing.endpointSecurityGroupId],
          prefixLists: [existing.s3PrefixListId],
          cidrs: inputs.identity_provider_cidr_blocks,
        },
        allowedRoleArns: inputs.allowed_role_arns,
        targetProtocol: "HTTP",
      }, checks);
      await checks.check(
        "customer's load balancer: listener and web ACL left as they were",
        async () => {
          const elb = new ElasticLoadBalancingV2Client(moto.clientConfig());
          const listeners = (await elb.send(
            new DescribeListenersCommand({ LoadBalancerArn: existing.loadBalancerArn }),
          )).Listeners ?? [];
          assertEquals(
            listeners.map((l) => [l.ListenerArn, l.Protocol, l.SslPolicy]),
            [[existing.listenerArn, "HTTPS", "ELBSecurityPolicy-TLS13-1-2-2021-06"]],
          );
          const waf = new WAFV2Client(moto.clientConfig());
          const { WebACL } = await waf.send(
            new GetWebACLForResourceCommand({ ResourceArn: existing.loadBalancerArn }),
          );
          assertEquals(WebACL?.ARN, existing.webAclArn);
        },
      );
    },
  });
  printReport(report);
});
