import * as path from "node:path";
import { Block, SynthesizedApp, TerraformJson } from "./synth";

/** One `data.terraform_remote_state.<state>.outputs.<output>` that a stack uses. */
export interface RemoteRead {
  readonly consumer: string;
  readonly state: string;
  readonly output: string;
}

export interface ContractReport {
  /** Every remote-state output that some stack uses, found in its JSON. */
  readonly reads: readonly RemoteRead[];
  /** One sentence per broken read; empty when the contract holds. */
  readonly problems: readonly string[];
}

const REFERENCE = /data\.terraform_remote_state\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)/g;

/**
 * Where a state lives, so that a consumer's remote state and a producer's
 * backend can be compared: a resolved file for local state (both paths are
 * relative to each stack's working directory), the blob for azurerm.
 */
function location(type: string, config: Block, workingDirectory: string): string {
  if (type === "local") return `local:${path.resolve(workingDirectory, String(config.path))}`;
  if (type === "azurerm") {
    const parts = ["subscription_id", "resource_group_name", "storage_account_name", "container_name", "key"];
    return `azurerm:${parts.map((part) => String(config[part])).join("/")}`;
  }
  return `${type}:unsupported`;
}

/** Outputs that a remote state's postcondition requires, read from its condition. */
export function postconditionOutputs(state: Block): string[] {
  const conditions = (state.lifecycle as { postcondition?: { condition?: string }[] } | undefined)?.postcondition ?? [];
  return conditions.flatMap(({ condition }) => {
    const list = /setsubtract\((\[[^\]]*\])/.exec(condition ?? "")?.[1];
    return list === undefined ? [] : (JSON.parse(list) as string[]);
  });
}

/**
 * Checks, from the synthesized files alone, that every remote-state output a
 * stack uses is published by the stack whose state that remote state reads.
 */
export function checkStateContract(
  app: Pick<SynthesizedApp, "outdir" | "files" | "workingDirectories">,
): ContractReport {
  const stacks = Object.entries(app.files).map(([id, text]) => ({
    id,
    text,
    json: JSON.parse(text) as TerraformJson,
    directory: path.resolve(app.outdir, app.workingDirectories[id]),
  }));
  const producers = new Map<string, string[]>();
  for (const stack of stacks) {
    for (const [type, config] of Object.entries(stack.json.terraform?.backend ?? {})) {
      const where = location(type, config, stack.directory);
      producers.set(where, [...(producers.get(where) ?? []), stack.id]);
    }
  }

  const reads: RemoteRead[] = [];
  const problems: string[] = [];
  for (const consumer of stacks) {
    const states = consumer.json.data?.terraform_remote_state ?? {};
    const used = [...consumer.text.matchAll(REFERENCE)].map(([, state, output]) => ({ state, output }));
    const required = Object.entries(states).flatMap(([state, block]) =>
      postconditionOutputs(block).map((output) => ({ state, output })),
    );
    for (const { state, output } of [...used, ...required]) {
      reads.push({ consumer: consumer.id, state, output });
      const block = states[state];
      if (block === undefined) {
        problems.push(`${consumer.id} uses ${state}.outputs.${output}, but declares no remote state ${state}`);
        continue;
      }
      const where = location(String(block.backend), (block.config ?? {}) as Block, consumer.directory);
      const owners = producers.get(where) ?? [];
      if (owners.length !== 1) {
        problems.push(
          `${consumer.id}: remote state ${state} reads ${where}, the state of ${owners.length} stacks (${owners.join(", ")}); expected exactly one`,
        );
        continue;
      }
      const producer = stacks.find((stack) => stack.id === owners[0]);
      const published = Object.keys(producer?.json.output ?? {});
      if (!published.includes(output)) {
        problems.push(
          `${consumer.id} reads output ${output} from stack ${owners[0]} (remote state ${state}), which publishes only: ${published.join(", ")}`,
        );
      }
    }
  }
  return { reads, problems };
}
