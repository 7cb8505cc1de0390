/**
 * CloudFormation property names → the camelCase names of the CDK L1 classes (`OKActions` →
 * `okActions`, `IPSetReferenceStatement` → `ipSetReferenceStatement`), so the builders of
 * `shared.ts` feed typed L1 resources that cdk-nag can inspect. The parity tests compare the
 * synthesized template with the builders' output, so a lost property would show. Pure.
 * @module
 */

/**
 * Names whose CDK spelling the rule below does not give: `ID` at the end stays `Id` there, and a
 * CloudTrail field selector's `Equals` is `equalTo` (the CDK silently ignores `equals`, which
 * would leave the selector without its condition: tests/parity compares the trail's selectors).
 */
const IRREGULAR: Readonly<Record<string, string>> = {
  KMSMasterKeyID: "kmsMasterKeyId",
  Equals: "equalTo",
};

/** One property name in the CDK's camelCase (leading capitals lowered up to the next word). */
export function camelKey(key: string): string {
  if (key in IRREGULAR) return IRREGULAR[key];
  const m = /^([A-Z]+)(?=[A-Z][a-z]|$|[^A-Za-z])/.exec(key);
  if (m !== null && m[1].length > 1) {
    return m[1].toLowerCase() + key.slice(m[1].length);
  }
  return key.charAt(0).toLowerCase() + key.slice(1);
}

/** Properties holding IAM JSON, whose keys (`Statement`, `Effect`) stay as they are. */
const DOCUMENTS = new Set(["KeyPolicy", "PolicyDocument", "AssumeRolePolicyDocument"]);

/**
 * Converts every object key of a CloudFormation-shaped value to camelCase (values untouched, and
 * policy documents kept whole).
 */
export function toCdkProps<T = unknown>(value: unknown): T {
  if (Array.isArray(value)) return value.map((v) => toCdkProps(v)) as T;
  if (value !== null && typeof value === "object" && isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[camelKey(k)] = DOCUMENTS.has(k) ? v : toCdkProps(v);
    }
    return out as T;
  }
  return value as T;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
