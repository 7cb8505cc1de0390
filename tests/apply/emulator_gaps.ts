/**
 * The documented emulator gaps: after an apply, a second `terraform plan` against moto 5.2.5 is
 * not empty only because moto does not return some attributes the provider reads back. Each gap
 * names the resource type, the attributes and why; the suite asserts that the second plan's
 * diffs are exactly these, per example, so any other drift (a real non-idempotent resource) or a
 * gap that moto has since closed fails the test and updates this list.
 * @module
 */

/** One attribute set moto does not round-trip, with the reason (checked in moto's source). */
export interface EmulatorGap {
  readonly attributes: readonly string[];
  readonly reason: string;
}

/** The gaps, by name. */
export const GAPS = {
  ecsServiceFields: {
    attributes: [
      "availability_zone_rebalancing",
      "enable_ecs_managed_tags",
      "health_check_grace_period_seconds",
    ],
    reason:
      "moto's ECS Service model has no availabilityZoneRebalancing, enableECSManagedTags or " +
      "healthCheckGracePeriodSeconds: CreateService ignores them and DescribeServices never " +
      "returns them, so the provider reads null/false/0 and plans to set them again.",
  },
  referencedRuleDescription: {
    attributes: ["description"],
    reason: "moto keeps a security group rule's description only on CIDR ranges " +
      "(SecurityGroupRule.description reads ip_range['Description']); a rule that references a " +
      "security group or a prefix list comes back from DescribeSecurityGroupRules without it.",
  },
} as const satisfies Record<string, EmulatorGap>;

/** One expected second-plan diff: an in-place update of `address` caused by `gap`. */
export interface ExpectedDiff {
  readonly address: string;
  readonly gap: keyof typeof GAPS;
}

/** The security-group rules of modules/mcp-server that reference a group or a prefix list. */
const SERVICE_REFERENCED_RULES: ExpectedDiff[] = [
  {
    address: "module.mcp.aws_vpc_security_group_egress_rule.alb_to_service[0]",
    gap: "referencedRuleDescription",
  },
  {
    address: "module.mcp.aws_vpc_security_group_egress_rule.to_endpoints[0]",
    gap: "referencedRuleDescription",
  },
  {
    address: "module.mcp.aws_vpc_security_group_egress_rule.to_s3[0]",
    gap: "referencedRuleDescription",
  },
  {
    address: "module.mcp.aws_vpc_security_group_ingress_rule.from_alb",
    gap: "referencedRuleDescription",
  },
];

/** Per example, every diff the second plan may show: all emulator gaps, nothing else. */
export const EXPECTED_SECOND_PLAN: Record<string, readonly ExpectedDiff[]> = {
  complete: [
    { address: "module.mcp.aws_ecs_service.this", gap: "ecsServiceFields" },
    ...SERVICE_REFERENCED_RULES,
    {
      address: "module.network.aws_vpc_security_group_ingress_rule.from_security_group[0]",
      gap: "referencedRuleDescription",
    },
  ],
  "existing-alb": [
    { address: "module.mcp.aws_ecs_service.this", gap: "ecsServiceFields" },
    ...SERVICE_REFERENCED_RULES,
  ],
};

/** The expected diffs of an example as `address update: attribute, …` lines, sorted. */
export function expectedDiffLines(example: string): string[] {
  const expected = EXPECTED_SECOND_PLAN[example];
  if (expected === undefined) throw new Error(`no expected second plan for ${example}`);
  return expected.map((d) => `${d.address} update: ${GAPS[d.gap].attributes.join(", ")}`).sort();
}
