// deno-lint-ignore-file no-explicit-any -- walks the parsed workflow, untyped YAML
/**
 * The release workflow, checked statically (it only runs on GitHub, on a tag): it compiles every
 * target; each build is smoke-tested by tests/smoke/binary_smoke.ts on a runner of the binary's own
 * OS and architecture; nothing is published before every smoke job passed (the `needs:` graph);
 * the release carries every binary, a SHA256SUMS file over them and a CycloneDX SBOM made by a
 * generator pinned to an exact version; and every action is pinned to a commit SHA or an exact
 * version. The YAML is parsed by PyYAML from the project's virtualenv (already pinned in
 * tests/requirements.txt), so no parser is added to deno.lock.
 */
import { join } from "node:path";
import { assert, assertEquals, REPO_ROOT } from "../harness/mod.ts";
import { parseWorkflow } from "./workflow.ts";

const WORKFLOW = join(REPO_ROOT, ".github", "workflows", "release.yml");

/** Every platform the binary ships for: matrix name → `deno compile --target` and platform. */
const TARGETS: Record<string, { target: string; os: string; arch: string; ext: string }> = {
  "linux-x64": { target: "x86_64-unknown-linux-gnu", os: "Linux", arch: "X64", ext: "" },
  "linux-arm64": { target: "aarch64-unknown-linux-gnu", os: "Linux", arch: "ARM64", ext: "" },
  "macos-x64": { target: "x86_64-apple-darwin", os: "macOS", arch: "X64", ext: "" },
  "macos-arm64": { target: "aarch64-apple-darwin", os: "macOS", arch: "ARM64", ext: "" },
  "windows-x64": { target: "x86_64-pc-windows-msvc", os: "Windows", arch: "X64", ext: ".exe" },
};

/**
 * GitHub-hosted runner labels and the platform each runs on (GitHub's runner-images list;
 * `macos-15` is Apple silicon, `macos-15-intel` the x64 image). A label not here fails the test
 * until its platform is added, so a smoke job cannot silently run on the wrong machine.
 */
const RUNNERS: Record<string, { os: string; arch: string }> = {
  "ubuntu-24.04": { os: "Linux", arch: "X64" },
  "ubuntu-22.04": { os: "Linux", arch: "X64" },
  "ubuntu-24.04-arm": { os: "Linux", arch: "ARM64" },
  "ubuntu-22.04-arm": { os: "Linux", arch: "ARM64" },
  "macos-15-intel": { os: "macOS", arch: "X64" },
  "macos-15": { os: "macOS", arch: "ARM64" },
  "macos-14": { os: "macOS", arch: "ARM64" },
  "windows-2025": { os: "Windows", arch: "X64" },
  "windows-2022": { os: "Windows", arch: "X64" },
};

/** `uses:` pinned to a full commit SHA or an exact release (not a moving tag such as `v4`). */
export function pinned(uses: string): boolean {
  return /^[\w.-]+\/[\w./-]+@([0-9a-f]{40}|v?\d+\.\d+\.\d+)$/.test(uses);
}

const workflow = await parseWorkflow(WORKFLOW);
const jobs: Record<string, any> = workflow.jobs;

function needsOf(job: string): string[] {
  const needs = jobs[job]?.needs ?? [];
  return Array.isArray(needs) ? needs : [needs];
}

/** Every job `job` waits for, directly or through others. */
function upstream(job: string, seen = new Set<string>()): Set<string> {
  for (const n of needsOf(job)) {
    if (!seen.has(n)) {
      seen.add(n);
      upstream(n, seen);
    }
  }
  return seen;
}

function steps(job: string): any[] {
  return jobs[job]?.steps ?? [];
}

function stepIndex(job: string, match: (s: any) => boolean, what: string): number {
  const i = steps(job).findIndex(match);
  assert(i >= 0, `${job}: no step that ${what}`);
  return i;
}

const runText = (s: any) => String(s.run ?? "");
const matrixOf = (job: string): any[] => jobs[job]?.strategy?.matrix?.include ?? [];

Deno.test("release: the build matrix covers every target, compiled with the binary's permission flags", () => {
  const build = matrixOf("build");
  assertEquals(
    Object.fromEntries(build.map((m) => [m.name, { target: m.target, ext: m.ext }])),
    Object.fromEntries(
      Object.entries(TARGETS).map(([name, t]) => [name, { target: t.target, ext: t.ext }]),
    ),
  );
  const compile = steps("build")[
    stepIndex(
      "build",
      (s) => runText(s).includes(".ci/lib/build.sh"),
      "runs .ci/lib/build.sh",
    )
  ];
  assertEquals(compile.env.TARGET, "${{ matrix.target }}");
  assertEquals(compile.env.OUT, "dist/quilt-mcp-${{ matrix.name }}${{ matrix.ext }}");
  assertEquals(compile.env.DENO_FROZEN, "--frozen");
  assert(runText(compile).includes("server/permissions.txt"), "flags from server/permissions.txt");
  const upload = steps("build").find((s) => String(s.uses).startsWith("actions/upload-artifact@"));
  assertEquals(upload?.with?.name, "quilt-mcp-${{ matrix.name }}");
  assertEquals(upload?.with?.path, compile.env.OUT);
});

Deno.test("release: each build is smoke-tested on a runner of its own OS and architecture", () => {
  assert(needsOf("smoke").includes("build"), "smoke needs build");
  assertEquals(jobs.smoke["runs-on"], "${{ matrix.runner }}");
  const smoke = matrixOf("smoke");
  assertEquals(smoke.map((m) => m.name).sort(), Object.keys(TARGETS).sort());
  for (const m of smoke) {
    const want = TARGETS[m.name];
    assert(m.runner in RUNNERS, `${m.name}: unknown runner label ${m.runner}`);
    assertEquals(RUNNERS[m.runner], { os: want.os, arch: want.arch }, `${m.name} on ${m.runner}`);
    assertEquals([m.os, m.arch, m.ext], [want.os, want.arch, want.ext], m.name);
  }
  // The job checks the machine it got, then smoke-tests the artifact its build uploaded.
  const platform = stepIndex(
    "smoke",
    (s) => /RUNNER_OS.*WANT_OS/.test(runText(s)) && /RUNNER_ARCH.*WANT_ARCH/.test(runText(s)),
    "compares RUNNER_OS/RUNNER_ARCH with the matrix",
  );
  const download = stepIndex(
    "smoke",
    (s) =>
      String(s.uses).startsWith("actions/download-artifact@") &&
      s.with?.name === "quilt-mcp-${{ matrix.name }}",
    "downloads its build's artifact",
  );
  const test = stepIndex(
    "smoke",
    (s) => runText(s).includes("tests/smoke/binary_smoke.ts"),
    "runs tests/smoke/binary_smoke.ts",
  );
  assert(platform < test && download < test, "the smoke test runs after the checks and download");
  const run = steps("smoke")[test];
  assertEquals(run.env.BINARY, "dist/quilt-mcp-${{ matrix.name }}${{ matrix.ext }}");
  for (const line of runText(run).split("\n").filter((l) => l.includes("binary_smoke.ts"))) {
    assert(/-- "\$BINARY"$/.test(line.trim()), `smokes the downloaded binary: ${line}`);
  }
  const invocations = runText(run).match(/deno run [^\n\\]*/g) ?? [];
  assert(invocations.length > 0, "runs the script with deno");
  for (const inv of invocations) {
    // The same permissions binary_smoke_test.ts gives it under `make test`, and the lockfile.
    assertEquals(
      inv.trim(),
      "deno run --frozen --allow-run --allow-net --allow-read --allow-env",
    );
  }
  assert(
    Deno.statSync(join(REPO_ROOT, "tests", "smoke", "binary_smoke.ts")).isFile,
    "the script exists",
  );
});

Deno.test("release: nothing is published before every smoke job passed", () => {
  for (const job of ["publish", "image"]) {
    const before = upstream(job);
    assert(before.has("smoke") && before.has("build"), `${job} waits for build and smoke`);
  }
  assertEquals(jobs.publish.if, "startsWith(github.ref, 'refs/tags/v')");
  assertEquals(workflow.permissions, { contents: "read" });
  const writers = Object.entries(jobs).filter(([, j]) => j.permissions?.contents === "write");
  assertEquals(writers.map(([name]) => name), ["publish"]);
});

Deno.test("release: the release carries every binary, SHA256SUMS over them and a CycloneDX SBOM", () => {
  const download = steps("publish").find((s) =>
    String(s.uses).startsWith("actions/download-artifact@")
  );
  assertEquals(
    [download?.with?.pattern, download?.with?.path, download?.with?.["merge-multiple"]],
    ["quilt-mcp-*", "dist", true],
  );
  const sbomAt = stepIndex(
    "publish",
    (s) => /@cyclonedx\/cdxgen@/.test(runText(s)),
    "makes the CycloneDX SBOM",
  );
  const sbom = runText(steps("publish")[sbomAt]);
  assert(/@cyclonedx\/cdxgen@\d+\.\d+\.\d+ /.test(sbom), "the SBOM generator is an exact version");
  assert(/ -t deno /.test(sbom) && /-o dist\/quilt-mcp\.cdx\.json/.test(sbom), sbom);
  assert(/components/.test(sbom), "an empty SBOM fails the job");
  const sumsAt = stepIndex(
    "publish",
    (s) => /sha256sum quilt-mcp-\* quilt-mcp\.cdx\.json \| tee SHA256SUMS/.test(runText(s)),
    "writes SHA256SUMS over the binaries and the SBOM",
  );
  assertEquals(steps("publish")[sumsAt]["working-directory"], "dist");
  const releaseAt = stepIndex(
    "publish",
    (s) => runText(s).includes("gh release create"),
    "creates the release",
  );
  const release = runText(steps("publish")[releaseAt]);
  for (const asset of ["dist/quilt-mcp-*", "dist/quilt-mcp.cdx.json", "dist/SHA256SUMS"]) {
    assert(release.split(/\s+/).includes(asset), `the release uploads ${asset}`);
  }
  assert(sbomAt < sumsAt && sumsAt < releaseAt, "SBOM, then checksums, then the release");
});

Deno.test("release: every action is pinned to a commit SHA or an exact version", () => {
  const uses = Object.values(jobs).flatMap((j) => (j.steps ?? []).map((s: any) => s.uses))
    .filter((u): u is string => typeof u === "string");
  assert(uses.length >= 10, `actions used: ${uses.length}`);
  assertEquals(uses.filter((u) => !pinned(u)), []);
  // The check itself: moving tags and branches are refused.
  for (const bad of ["actions/checkout@v4", "actions/checkout@main", "docker/login-action@v3.4"]) {
    assert(!pinned(bad), bad);
  }
  assert(pinned("actions/checkout@11d5960a326750d5838078e36cf38b85af677262"));
  assert(pinned("actions/checkout@v4.4.0"));
  for (const [name, job] of Object.entries(jobs)) {
    assert(Number(job["timeout-minutes"]) > 0, `${name} has a timeout`);
    for (const s of job.steps ?? []) {
      if (String(s.uses).startsWith("actions/checkout@")) {
        assertEquals(s.with?.["persist-credentials"], false, `${name}: checkout keeps no token`);
      }
    }
  }
});
