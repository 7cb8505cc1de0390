/** The applied state of a workspace, as `terraform show -json` and `terraform output -json` print it. @module */
// deno-lint-ignore-file no-explicit-any -- Terraform's JSON state carries provider-defined values
import type { Workspace } from "./workspace.ts";

/** One managed resource of the state: address, type and attribute values. */
export interface StateResource {
  readonly address: string;
  readonly type: string;
  readonly values: Record<string, any>;
}

/** The managed resources and root outputs after an apply. */
export interface AppliedState {
  readonly resources: StateResource[];
  readonly outputs: Record<string, unknown>;
  /** The one resource at `address`; throws when the state lacks it. */
  one(address: string): Record<string, any>;
}

/** Reads the workspace's state and outputs. */
export async function readState(ws: Workspace): Promise<AppliedState> {
  const shown = JSON.parse((await ws.terraform(["show", "-json", "-no-color"])).stdout);
  const resources: StateResource[] = [];
  const walk = (module: any) => {
    for (const r of module?.resources ?? []) {
      if (r.mode === "managed") {
        resources.push({ address: r.address, type: r.type, values: r.values });
      }
    }
    for (const child of module?.child_modules ?? []) walk(child);
  };
  walk(shown.values?.root_module);
  const printed = JSON.parse((await ws.terraform(["output", "-json", "-no-color"])).stdout);
  const outputs = Object.fromEntries(
    Object.entries(printed as Record<string, { value: unknown }>).map(([k, v]) => [k, v.value]),
  );
  return {
    resources,
    outputs,
    one(address) {
      const found = resources.find((r) => r.address === address);
      if (found === undefined) throw new Error(`the state has no ${address}`);
      return found.values;
    },
  };
}
