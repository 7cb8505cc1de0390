/**
 * Data that survives a stack delete (issue 17 item 4) in the CloudFormation template. The KMS
 * keys, the HS256 secret and the log groups are retained on delete and on replacement unless the
 * stack-only parameter RetainDataOnDelete is false (the CDK construct's `retainDataOnDelete`); the
 * access log bucket follows AccessLogsBucketForceDestroy, as in the CDK construct and Terraform.
 * A deletion policy that depends on a parameter needs the AWS::LanguageExtensions transform
 * (CloudFormation accepts intrinsic functions in DeletionPolicy/UpdateReplacePolicy only under
 * it), so the template declares it and a deployment acknowledges CAPABILITY_AUTO_EXPAND. Pure.
 * @module
 */
import { PARAMETER_TABLE, type StackOnlySetting } from "../../cdk/lib/parameters.ts";
import { type Cfn, equals, iff, ref } from "./intrinsics.ts";

/** The transform that lets the deletion policies depend on a parameter. */
export const TRANSFORM = "AWS::LanguageExtensions";

/** The condition "keep the data when the stack goes". */
export const RETAIN_DATA = "RetainData";

/** The stack-only setting behind RETAIN_DATA. */
const RETAIN_SETTING = setting("retainDataOnDelete");

function setting(cdk: string): StackOnlySetting {
  const s = PARAMETER_TABLE.stack_only.find((x) => x.cdk === cdk);
  if (s === undefined) throw new Error(`stack_only setting ${cdk} missing from the table`);
  return s;
}

const retainUnlessOptedOut = iff(RETAIN_DATA, "Retain", "Delete");

/** Deletion and update-replace policies of the keys, the secret and the log groups. */
export const RETAIN: Readonly<Record<string, Cfn>> = {
  DeletionPolicy: retainUnlessOptedOut,
  UpdateReplacePolicy: retainUnlessOptedOut,
};

/**
 * The access log bucket's policies: deleted with the stack only when force-destroy is asked for
 * (the delete then fails while it still holds objects, as Terraform's does without force_destroy).
 */
export function accessLogsBucketPolicies(forceDestroyCondition: string): Record<string, Cfn> {
  const policy = iff(forceDestroyCondition, "Delete", "Retain");
  return { DeletionPolicy: policy, UpdateReplacePolicy: policy };
}

/** CloudFormation declarations of the stack-only settings (booleans as "true"/"false"). */
export function stackOnlyDeclarations(): Record<string, unknown> {
  return Object.fromEntries(PARAMETER_TABLE.stack_only.map((s) => [s.cloudformation, {
    Type: "String",
    Default: String(s.default),
    AllowedValues: ["true", "false"],
    Description: s.description,
  }]));
}

/** The conditions the retention policies read. */
export function retentionConditions(): Record<string, Cfn> {
  return { [RETAIN_DATA]: equals(ref(RETAIN_SETTING.cloudformation), "true") };
}
