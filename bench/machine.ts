/** Facts about the machine and the toolchain a bench run used. @module */
import { PYTHON, REPO_ROOT } from "../tests/harness/mod.ts";

async function output(cmd: string, args: string[]): Promise<string> {
  try {
    const r = await new Deno.Command(cmd, {
      args,
      cwd: REPO_ROOT,
      stdout: "piped",
      stderr: "piped",
    })
      .output();
    return new TextDecoder().decode(r.stdout).trim();
  } catch {
    return "unknown";
  }
}

/** The load average (1, 5, 15 minutes) right now. */
export function loadAverage(): string {
  try {
    return Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");
  } catch {
    return "unknown";
  }
}

/** Machine and toolchain facts as label/value pairs. */
export async function machineFacts(): Promise<Array<[string, string]>> {
  const cpuinfo = await Deno.readTextFile("/proc/cpuinfo").catch(() => "");
  const meminfo = await Deno.readTextFile("/proc/meminfo").catch(() => "");
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? "unknown";
  const memKiB = Number(/^MemTotal:\s+(\d+)/m.exec(meminfo)?.[1] ?? NaN);
  const commit = await output("git", ["rev-parse", "--short", "HEAD"]);
  const dirty = await output("git", ["status", "--porcelain", "--", "server", "bench"]);
  return [
    ["date", new Date().toISOString()],
    ["nproc", await output("nproc", [])],
    ["CPU", model],
    ["memory", `${(memKiB / 1048576).toFixed(1)} GiB`],
    ["kernel", await output("uname", ["-sr"])],
    ["Deno", `${Deno.version.deno} (V8 ${Deno.version.v8}, TypeScript ${Deno.version.typescript})`],
    [
      "Python / quilt3",
      `${await output(PYTHON, ["--version"])} / ${await output(PYTHON, [
        "-c",
        "import importlib.metadata as m; print(m.version('quilt3'))",
      ])}`,
    ],
    ["moto", await output(PYTHON, ["-c", "import moto; print(moto.__version__)"])],
    ["commit", `${commit}${dirty ? " (server/ or bench/ with uncommitted changes)" : ""}`],
    ["load average at start (1/5/15 min)", loadAverage()],
  ];
}
