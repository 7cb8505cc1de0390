/**
 * What a platform team already has before it applies an example, created in the emulator through
 * the AWS SDK: a VPC with public and private subnets in two zones, an imported self-signed ACM
 * certificate (tests/apply/certificate.ts) and, for
 * examples/existing-alb, an HTTPS load balancer with a TLS 1.3 listener and a web ACL. Returns
 * each example's Terraform inputs, which name only these resources.
 * @module
 */
import { ACMClient, ImportCertificateCommand } from "@aws-sdk/client-acm";
import {
  AssociateRouteTableCommand,
  CreateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeManagedPrefixListsCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  ElasticLoadBalancingV2Client,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { AssociateWebACLCommand, CreateWebACLCommand, WAFV2Client } from "@aws-sdk/client-wafv2";
import type { Moto } from "../harness/moto.ts";
import { selfSignedCertificate } from "./certificate.ts";

/** The network every example deploys into. */
export interface Network {
  readonly vpcId: string;
  readonly publicSubnetIds: string[];
  readonly privateSubnetIds: string[];
  readonly privateRouteTableIds: string[];
  readonly certificateArn: string;
}

/** The customer's own load balancer that examples/existing-alb attaches to. */
export interface ExistingLoadBalancer {
  readonly loadBalancerArn: string;
  readonly listenerArn: string;
  readonly securityGroupId: string;
  readonly webAclName: string;
  readonly webAclArn: string;
  readonly endpointSecurityGroupId: string;
  readonly s3PrefixListId: string;
}

/** Inputs both examples share: an image pinned by digest and a token issuer. */
const COMMON_INPUTS = {
  container_image:
    "123456789012.dkr.ecr.us-east-1.amazonaws.com/quilt-mcp@sha256:0000000000000000000000000000000000000000000000000000000000000000",
  auth_issuer: "https://issuer.example.com/",
  auth_jwks_url: "https://issuer.example.com/.well-known/jwks.json",
  identity_provider_cidr_blocks: ["203.0.113.0/24"],
};

/** A VPC with two public and two private subnets (two zones) and an imported certificate for the host. */
export async function createNetwork(moto: Moto, host: string): Promise<Network> {
  const ec2 = new EC2Client(moto.clientConfig());
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.20.0.0/16" }))).Vpc!.VpcId!;
  const subnet = async (cidr: string, zone: string) =>
    (await ec2.send(
      new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: zone }),
    )).Subnet!.SubnetId!;
  const publicSubnetIds = [
    await subnet("10.20.0.0/24", "us-east-1a"),
    await subnet("10.20.1.0/24", "us-east-1b"),
  ];
  const privateSubnetIds = [
    await subnet("10.20.10.0/24", "us-east-1a"),
    await subnet("10.20.11.0/24", "us-east-1b"),
  ];
  const routeTableId = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!
    .RouteTableId!;
  for (const id of privateSubnetIds) {
    await ec2.send(new AssociateRouteTableCommand({ RouteTableId: routeTableId, SubnetId: id }));
  }
  const acm = new ACMClient(moto.clientConfig());
  const { certificate, privateKey } = await selfSignedCertificate(host);
  const text = new TextEncoder();
  const certificateArn = (await acm.send(
    new ImportCertificateCommand({
      Certificate: text.encode(certificate),
      PrivateKey: text.encode(privateKey),
    }),
  )).CertificateArn!;
  return {
    vpcId,
    publicSubnetIds,
    privateSubnetIds,
    privateRouteTableIds: [routeTableId],
    certificateArn,
  };
}

/** The customer's HTTPS load balancer (TLS 1.3 policy), its web ACL, endpoint group, S3 list. */
export async function createExistingLoadBalancer(
  moto: Moto,
  network: Network,
): Promise<ExistingLoadBalancer> {
  const ec2 = new EC2Client(moto.clientConfig());
  const group = async (name: string) =>
    (await ec2.send(
      new CreateSecurityGroupCommand({
        GroupName: name,
        Description: `customer's own ${name}`,
        VpcId: network.vpcId,
      }),
    )).GroupId!;
  const securityGroupId = await group("corp-alb");
  const endpointSecurityGroupId = await group("corp-endpoints");
  const elb = new ElasticLoadBalancingV2Client(moto.clientConfig());
  const loadBalancerArn = (await elb.send(
    new CreateLoadBalancerCommand({
      Name: "corp-alb",
      Subnets: network.publicSubnetIds,
      SecurityGroups: [securityGroupId],
      Scheme: "internet-facing",
      Type: "application",
    }),
  )).LoadBalancers![0].LoadBalancerArn!;
  const listenerArn = (await elb.send(
    new CreateListenerCommand({
      LoadBalancerArn: loadBalancerArn,
      Protocol: "HTTPS",
      Port: 443,
      SslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
      Certificates: [{ CertificateArn: network.certificateArn }],
      DefaultActions: [{
        Type: "fixed-response",
        FixedResponseConfig: { StatusCode: "404", ContentType: "text/plain" },
      }],
    }),
  )).Listeners![0].ListenerArn!;
  const waf = new WAFV2Client(moto.clientConfig());
  const webAclName = "corp-web-acl";
  const webAclArn = (await waf.send(
    new CreateWebACLCommand({
      Name: webAclName,
      Scope: "REGIONAL",
      DefaultAction: { Allow: {} },
      VisibilityConfig: {
        SampledRequestsEnabled: true,
        CloudWatchMetricsEnabled: true,
        MetricName: "corpWebAcl",
      },
      Rules: [],
    }),
  )).Summary!.ARN!;
  await waf.send(
    new AssociateWebACLCommand({ WebACLArn: webAclArn, ResourceArn: loadBalancerArn }),
  );
  const lists = await ec2.send(
    new DescribeManagedPrefixListsCommand({
      Filters: [{ Name: "prefix-list-name", Values: ["com.amazonaws.us-east-1.s3"] }],
    }),
  );
  const s3PrefixListId = lists.PrefixLists?.[0]?.PrefixListId;
  if (s3PrefixListId === undefined) throw new Error("the emulator lists no S3 prefix list");
  return {
    loadBalancerArn,
    listenerArn,
    securityGroupId,
    webAclName,
    webAclArn,
    endpointSecurityGroupId,
    s3PrefixListId,
  };
}

/** Inputs of examples/complete in the given network. */
export function completeInputs(name: string, network: Network, publicUrl: string) {
  return {
    ...COMMON_INPUTS,
    name,
    vpc_id: network.vpcId,
    public_subnet_ids: network.publicSubnetIds,
    private_subnet_ids: network.privateSubnetIds,
    private_route_table_ids: network.privateRouteTableIds,
    certificate_arn: network.certificateArn,
    public_url: publicUrl,
    buckets: ["acme-genomics-raw", "acme-genomics-curated"],
    // A throwaway stack: the suite destroys it (AWS refuses to delete a protected load balancer).
    deletion_protection: false,
  };
}

/** Inputs of examples/existing-alb on the customer's load balancer. */
export function existingAlbInputs(
  name: string,
  network: Network,
  existing: ExistingLoadBalancer,
  publicUrl: string,
) {
  return {
    ...COMMON_INPUTS,
    name,
    vpc_id: network.vpcId,
    private_subnet_ids: network.privateSubnetIds,
    listener_arn: existing.listenerArn,
    alb_security_group_id: existing.securityGroupId,
    waf_web_acl_name: existing.webAclName,
    vpc_endpoint_security_group_ids: [existing.endpointSecurityGroupId],
    s3_prefix_list_ids: [existing.s3PrefixListId],
    public_url: publicUrl,
    allowed_role_arns: ["arn:aws:iam::123456789012:role/analytics-reader"],
    buckets: ["corp-data"],
  };
}
