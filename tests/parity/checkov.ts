/**
 * checkov from the project virtualenv, offline, with its JSON report read: what failed, passed
 * and was skipped (with the skip's comment). @module
 */
import { join } from "node:path";
import { VENV } from "../harness/paths.ts";

/** One finding: the check and the resource (`aws_lb.this`, `AWS::S3::Bucket.AccessLogsBucket`). */
export interface Finding {
  readonly checkId: string;
  readonly resource: string;
  readonly file: string;
}

/** A skipped check and the skip's written reason. */
export interface Skipped extends Finding {
  readonly reason: string;
}

/** What one checkov run reported. */
export interface CheckovReport {
  readonly code: number;
  readonly failed: Finding[];
  readonly passed: number;
  readonly skipped: Skipped[];
  /** The raw output (for failure messages). */
  readonly out: string;
}

interface RawCheck {
  check_id: string;
  resource: string;
  file_path: string;
  check_result?: { suppress_comment?: string };
}

/** Runs `checkov <args> --output json` and reads its report (one framework or several). */
export async function checkov(args: readonly string[]): Promise<CheckovReport> {
  const { code, stdout, stderr } = await new Deno.Command(join(VENV, "bin", "checkov"), {
    args: [...args, "--output", "json"],
    // No network: no Bridgecrew mapping download, no version check.
    env: { BC_SKIP_MAPPING: "TRUE", CHECKPOINT_DISABLE: "1", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const json = new TextDecoder().decode(stdout);
  const out = json + new TextDecoder().decode(stderr);
  const braces = [json.indexOf("{"), json.indexOf("[")].filter((i) => i >= 0);
  if (braces.length === 0) throw new Error(`checkov printed no report (${code}):\n${out}`);
  const reports = [JSON.parse(json.slice(Math.min(...braces)))].flat() as {
    results?: {
      failed_checks?: RawCheck[];
      passed_checks?: RawCheck[];
      skipped_checks?: RawCheck[];
    };
    summary?: { passed?: number };
  }[];
  const finding = (c: RawCheck): Finding => ({
    checkId: c.check_id,
    resource: c.resource,
    file: c.file_path,
  });
  return {
    code,
    out,
    failed: reports.flatMap((r) => (r.results?.failed_checks ?? []).map(finding)),
    passed: reports.reduce((n, r) => n + (r.summary?.passed ?? 0), 0),
    skipped: reports.flatMap((r) =>
      (r.results?.skipped_checks ?? []).map((c) => ({
        ...finding(c),
        reason: c.check_result?.suppress_comment ?? "",
      }))
    ),
  };
}
