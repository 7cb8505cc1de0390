/**
 * Opt-in TLS from the load balancer to the task in the CloudFormation template: the certificate
 * and key as container secrets (valueFrom only, the execution role reads exactly them), the
 * target group and its health check on HTTPS when they are given, and the rule that they come
 * together (tls_pair). The same behaviour as the Terraform module (main.tf local.target_protocol,
 * secrets.tf) and the CDK construct (values.ts). Pure.
 * @module
 */
import { and, type Cfn, iff, not, or, ref } from "./intrinsics.ts";
import { spec } from "./parameters.ts";

/**
 * The certificate and key as candidate container secrets (`has` names a parameter's presence
 * condition): each reaches the container and the execution role's policy only when given.
 */
export function tlsValueFroms(
  has: (name: string) => string,
): { condition: string; name: string; value: Cfn; probe: Cfn }[] {
  const entry = (parameter: string, env: string) => ({
    condition: has(parameter),
    name: env,
    value: ref(spec(parameter).cloudformation),
    probe: ref(spec(parameter).cloudformation),
  });
  return [
    entry("tls_certificate_value_from", "QUILT_MCP_TLS_CERTIFICATE"),
    entry("tls_private_key_value_from", "QUILT_MCP_TLS_PRIVATE_KEY"),
  ];
}

/**
 * The target group's protocol: HTTPS when a certificate is given (Rules.TlsPair guarantees the
 * key too), else HTTP (`has` names a parameter's presence condition).
 *
 * No checkov skip sits on the target group, and none is needed with the option off: checkov has
 * no CloudFormation check of a target group's protocol (CKV_AWS_378 reads Terraform only), and it
 * does not resolve this Fn::If anyway (tests/parity/scanners_test.ts therefore also scans the
 * template resolved for the sample parameters). tests/parity/target_tls_test.ts pins both cases.
 */
export function targetProtocol(has: (name: string) => string): Cfn {
  return iff(has("tls_certificate_value_from"), "HTTPS", "HTTP");
}

/**
 * Rules.TlsPair: the certificate and key go together (HTTPS to the task needs both); `empty`
 * tests a parameter for its unset value.
 */
export function tlsRules(empty: (name: string) => Cfn): Record<string, unknown> {
  const cert = empty("tls_certificate_value_from");
  const key = empty("tls_private_key_value_from");
  return {
    TlsPair: {
      Assertions: [{
        Assert: or(and(cert, key), and(not(cert), not(key))),
        AssertDescription:
          "tls_pair: TlsCertificateValueFrom and TlsPrivateKeyValueFrom go together (HTTPS to the task needs both).",
      }],
    },
  };
}
