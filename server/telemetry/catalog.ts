/** Typed access to catalog.json: the one definition of metric names, dimensions and log fields. @module */
import catalog from "./catalog.json" with { type: "json" };

/** Metric names the server emits. */
export type MetricName = keyof typeof catalog.metrics;
/** Client types of a request context. */
export type ClientType = "desktop-stdio" | "web-jwt";
/** Machine-readable reasons of an authentication failure. */
export type AuthFailureReason =
  | "missing_token"
  | "malformed_header"
  | "invalid_token"
  | "expired"
  | "wrong_issuer"
  | "wrong_audience"
  | "insufficient_scope"
  | "jwks_unavailable"
  | "role_not_allowed"
  | "role_not_granted"
  | "credentials_unavailable";

/** The parsed catalog. */
export const TELEMETRY_CATALOG = catalog;

/** Dimension sets of a metric, as declared in the catalog. */
export function dimensionSets(metric: MetricName): string[][] {
  return catalog.metrics[metric].dimensions;
}

/** Unit of a metric, as declared in the catalog. */
export function metricUnit(metric: MetricName): string {
  return catalog.metrics[metric].unit;
}
