/**
 * Accounts of Elastic Load Balancing that write access logs in the regions opened before August
 * 2022 (newer regions use the `logdelivery.elasticloadbalancing.amazonaws.com` principal), taken
 * from aws-cdk-lib's region-info facts (`elbv2Account`). The Terraform module reads the same from
 * `data.aws_elb_service_account`. Shared by the construct and the CloudFormation template.
 * @module
 */

/** Region → the ELB log delivery account, as a CloudFormation mapping. */
export const ELB_LOG_ACCOUNTS: Readonly<Record<string, { account: string }>> = {
  "af-south-1": { account: "098369216593" },
  "ap-east-1": { account: "754344448648" },
  "ap-northeast-1": { account: "582318560864" },
  "ap-northeast-2": { account: "600734575887" },
  "ap-northeast-3": { account: "383597477331" },
  "ap-south-1": { account: "718504428378" },
  "ap-southeast-1": { account: "114774131450" },
  "ap-southeast-2": { account: "783225319266" },
  "ap-southeast-3": { account: "589379963580" },
  "ca-central-1": { account: "985666609251" },
  "cn-north-1": { account: "638102146993" },
  "cn-northwest-1": { account: "037604701340" },
  "eu-central-1": { account: "054676820928" },
  "eu-north-1": { account: "897822967062" },
  "eu-south-1": { account: "635631232127" },
  "eu-west-1": { account: "156460612806" },
  "eu-west-2": { account: "652711504416" },
  "eu-west-3": { account: "009996457667" },
  "me-south-1": { account: "076674570225" },
  "sa-east-1": { account: "507241528517" },
  "us-east-1": { account: "127311923021" },
  "us-east-2": { account: "033677994240" },
  "us-gov-east-1": { account: "190560391635" },
  "us-gov-west-1": { account: "048591011584" },
  "us-iso-east-1": { account: "770363063475" },
  "us-iso-west-1": { account: "121062877647" },
  "us-isob-east-1": { account: "740734521339" },
  "us-isof-east-1": { account: "091100254016" },
  "us-isof-south-1": { account: "412137745753" },
  "us-west-1": { account: "027434742980" },
  "us-west-2": { account: "797873946194" },
};
