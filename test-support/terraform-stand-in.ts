/**
 * Runs real Terraform over synthesized stacks without any provider plugin or
 * cloud credentials. Each stack keeps exactly its backend, outputs and
 * remote-state reads; every other resource and data source is stood in for by
 * Terraform's built-in `terraform_data`, whose `input` holds the resource's
 * arguments plus a made-up value for each attribute that something reads. So
 * an apply proves that state paths, output names and remote-state reads
 * resolve between stacks, and nothing about Azure.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import type { Registry } from "../config/registry";
import { addStacks } from "../stacks/cross-tenant-cmk";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
/** Blocks by type, then by name: the shape of `resource` and `data` in Terraform JSON. */
type Blocks = Record<string, Record<string, JsonObject>>;

/** A synthesized stack as cdktf writes it to cdk.tf.json. */
export interface StackJson {
  readonly terraform?: JsonObject;
  readonly provider?: JsonObject;
  readonly resource?: Blocks;
  readonly data?: Blocks;
  readonly output?: Record<string, JsonObject>;
  readonly [key: string]: Json | undefined;
}

/** The value a stand-in gives an attribute that Terraform would compute. */
export function standInValue(address: string, attribute: string): string {
  return `stand-in:${address}.${attribute}`;
}

/**
 * Computed attributes whose shape the stacks check (the cmk stack compares the
 * customer's vault URI with the registry), given as Azure would compute them.
 */
const COMPUTED: Record<string, (input: JsonObject) => Json | undefined> = {
  "azurerm_key_vault.vault_uri": (input) =>
    typeof input.name === "string" ? `https://${input.name}.vault.azure.net/` : undefined,
};

function computedValue(address: string, attribute: string, input: JsonObject): Json | undefined {
  const type = address.startsWith("data.") ? address.split(".")[1] : address.split(".")[0];
  return COMPUTED[`${type}.${attribute}`]?.(input);
}

/** Name of the `terraform_data` resource that stands in for a resource or data source address. */
export function standInName(address: string): string {
  return address.replace(/\./g, "--");
}

const REMOTE_STATE = "terraform_remote_state";
/** Reference roots that are not resources: left as they are. */
const NOT_RESOURCES = new Set(["var", "local", "module", "self", "path", "terraform", "count", "each"]);
/** Meta-arguments a stand-in drops: they configure the real resource, not the values it passes on. */
const DROPPED = new Set(["//", "lifecycle", "provider"]);
/** Meta-arguments this stand-in does not model: a stack that uses them fails instead of being misread. */
const UNSUPPORTED = new Set(["count", "for_each", "provisioner", "connection"]);
/** Top-level keys kept as synthesized (outputs are kept too, with references rewritten). */
const KEPT_TOP_LEVEL = new Set(["//", "terraform", "provider", "resource", "data", "output"]);

/**
 * A traversal in an expression: a root name followed by `.attr` and `[index]`
 * steps. Matched together with string literals so that text inside quotes is
 * never taken for a reference.
 */
const TOKEN = /"(?:[^"\\]|\\.)*"|(?<![\w.\])-])([A-Za-z_][\w-]*)((?:\.[A-Za-z_][\w-]*|\[\d+\]|\["[^"]*"\]|\[\*\])*)/g;

class StandInBuilder {
  /** Stand-in name by the address it replaces (`type.name` or `data.type.name`). */
  private readonly names = new Map<string, string>();
  /** Attributes read from each replaced address. */
  private readonly attributesRead = new Map<string, Set<string>>();

  constructor(private readonly stack: string) {}

  add(address: string): void {
    const name = standInName(address);
    if ([...this.names.values()].includes(name)) {
      throw new Error(`${this.stack}: two addresses map to the stand-in terraform_data.${name}`);
    }
    this.names.set(address, name);
    this.attributesRead.set(address, new Set());
  }

  attributes(address: string): ReadonlySet<string> {
    return this.attributesRead.get(address) ?? new Set();
  }

  /** Rewrites every reference inside every string of a value. */
  value(value: Json): Json {
    if (typeof value === "string") return this.template(value);
    if (Array.isArray(value)) return value.map((item) => this.value(item));
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.value(item)]));
    }
    return value;
  }

  /** `depends_on` entries are bare addresses, not interpolations. */
  dependsOn(entries: Json): Json {
    if (!Array.isArray(entries)) throw new Error(`${this.stack}: depends_on is not a list: ${JSON.stringify(entries)}`);
    return entries.map((entry) => {
      const name = typeof entry === "string" ? this.names.get(entry) : undefined;
      if (name === undefined) {
        throw new Error(`${this.stack}: depends_on entry ${JSON.stringify(entry)} names no replaced resource`);
      }
      return `terraform_data.${name}`;
    });
  }

  /** Rewrites the references inside each `${...}` of a string template. */
  private template(text: string): string {
    let result = "";
    let position = 0;
    for (;;) {
      const start = text.indexOf("${", position);
      if (start < 0) return result + text.slice(position);
      if (text[start - 1] === "$") {
        // `$${` is an escaped, literal `${`.
        result += text.slice(position, start + 2);
        position = start + 2;
        continue;
      }
      const end = closingBrace(text, start + 2, this.stack);
      result += text.slice(position, start + 2) + this.expression(text.slice(start + 2, end)) + "}";
      position = end + 1;
    }
  }

  private expression(body: string): string {
    return body.replace(TOKEN, (token: string, root: string | undefined, steps: string | undefined) => {
      if (root === undefined) return `"${this.template(token.slice(1, -1))}"`;
      const parts = (steps ?? "").match(/\.[A-Za-z_][\w-]*|\[[^\]]*\]/g) ?? [];
      if (parts.length === 0 || NOT_RESOURCES.has(root)) return token;
      const isData = root === "data";
      const width = isData ? 2 : 1;
      if (isData && parts[0] === `.${REMOTE_STATE}`) return token;
      const address = [root, ...parts.slice(0, width)].join("");
      const name = this.names.get(address);
      if (name === undefined) {
        throw new Error(
          `${this.stack}: cannot stand in for the reference "${token}" in "\${${body}}": ${address} is no resource or data source of this stack`,
        );
      }
      const rest = parts.slice(width);
      if (rest.length > 0) {
        if (!rest[0].startsWith(".")) {
          throw new Error(
            `${this.stack}: cannot stand in for "${token}": counted or for_each resources are not modelled`,
          );
        }
        this.attributesRead.get(address)?.add(rest[0].slice(1));
      }
      return `terraform_data.${name}.output${rest.join("")}`;
    });
  }
}

/** Index of the `}` that closes an interpolation opened just before `from`. */
function closingBrace(text: string, from: number, stack: string): number {
  let depth = 0;
  let quoted = false;
  for (let index = from; index < text.length; index += 1) {
    const char = text[index];
    if (quoted) {
      if (char === "\\") index += 1;
      else if (char === '"') quoted = false;
    } else if (char === '"') quoted = true;
    else if (char === "{") depth += 1;
    else if (char === "}") {
      if (depth === 0) return index;
      depth -= 1;
    }
  }
  throw new Error(`${stack}: unterminated interpolation in ${JSON.stringify(text)}`);
}

/** The stand-in of one resource or data source: a `terraform_data` whose input carries its arguments. */
function standInBlock(builder: StandInBuilder, address: string, block: JsonObject, stack: string): JsonObject {
  const input: JsonObject = {};
  let dependsOn: Json | undefined;
  for (const [key, value] of Object.entries(block)) {
    if (UNSUPPORTED.has(key)) throw new Error(`${stack}: ${address} uses ${key}, which the stand-in does not model`);
    if (DROPPED.has(key)) continue;
    if (key === "depends_on") dependsOn = builder.dependsOn(value);
    else input[key] = builder.value(value);
  }
  return dependsOn === undefined ? { input } : { input, depends_on: dependsOn };
}

/**
 * Turns a synthesized stack into its offline stand-in: backend, outputs and
 * remote-state reads as synthesized; providers and required_providers gone;
 * every other resource and data source a `terraform_data` whose references
 * point at the other stand-ins. Throws on anything it cannot carry over.
 */
export function toStandIn(stackName: string, synthesized: StackJson): StackJson {
  for (const key of Object.keys(synthesized)) {
    if (!KEPT_TOP_LEVEL.has(key)) throw new Error(`${stackName}: top-level "${key}" is not modelled by the stand-in`);
  }
  const builder = new StandInBuilder(stackName);
  const replaced: [string, JsonObject][] = [];
  const remoteState: Record<string, JsonObject> = {};
  for (const [type, blocks] of Object.entries(synthesized.resource ?? {})) {
    for (const [name, block] of Object.entries(blocks)) replaced.push([`${type}.${name}`, block]);
  }
  for (const [type, blocks] of Object.entries(synthesized.data ?? {})) {
    for (const [name, block] of Object.entries(blocks)) {
      if (type === REMOTE_STATE) remoteState[name] = block;
      else replaced.push([`data.${type}.${name}`, block]);
    }
  }
  for (const [address] of replaced) builder.add(address);

  // Rewrite outputs and arguments first: that records every attribute read,
  // which the stand-ins' inputs then provide.
  const output = Object.fromEntries(
    Object.entries(synthesized.output ?? {}).map(([name, block]) => [
      name,
      Object.fromEntries(
        Object.entries(block).map(([key, value]) => [
          key,
          key === "depends_on" ? builder.dependsOn(value) : builder.value(value),
        ]),
      ),
    ]),
  );
  const standIns = Object.fromEntries(
    replaced.map(([address, block]) => [standInName(address), standInBlock(builder, address, block, stackName)]),
  );
  for (const [address] of replaced) {
    const input = standIns[standInName(address)].input as JsonObject;
    // An attribute that is also an argument passes the argument on, as the real resource would.
    for (const attribute of builder.attributes(address)) {
      input[attribute] ??= computedValue(address, attribute, input) ?? standInValue(address, attribute);
    }
  }

  const terraform: JsonObject = { ...synthesized.terraform };
  delete terraform.required_providers;
  const standIn: { [key: string]: Json } = { terraform, output };
  if (synthesized["//"] !== undefined) standIn["//"] = synthesized["//"];
  if (Object.keys(standIns).length > 0) standIn.resource = { terraform_data: standIns };
  if (Object.keys(remoteState).length > 0) standIn.data = { [REMOTE_STATE]: remoteState };

  // Last guard: no address of a replaced block may survive anywhere. It also
  // trips on an address in literal text, which is a false alarm, but a loud one.
  const text = JSON.stringify(standIn).replace(/"stand-in:[^"]*"/g, '""');
  for (const [address] of replaced) {
    if (text.includes(address)) {
      throw new Error(`${stackName}: ${address} survives in the stand-in: a reference the stand-in could not rewrite`);
    }
  }
  return standIn;
}

/** What a Terraform command printed; `output` has diagnostics' box drawing and line wrapping removed. */
export interface TerraformResult {
  readonly ok: boolean;
  readonly output: string;
  readonly raw: string;
  readonly stdout: string;
}

/** Environment for Terraform: no update check, no prompts, no inherited TF_* settings. */
function terraformEnv(cliConfigFile?: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("TF_")));
  return { ...env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_INPUT: "0", TF_CLI_CONFIG_FILE: cliConfigFile };
}

/** True when a `terraform` CLI can be run. */
export function terraformAvailable(): boolean {
  return spawnSync("terraform", ["version"], { env: terraformEnv(), encoding: "utf8" }).status === 0;
}

/**
 * A temporary project folder with the registry's stacks synthesized as
 * `cdktf synth` lays them out (cdktf.out/stacks/<stack>/cdk.tf.json), so that
 * the relative state paths resolve exactly as in real use.
 */
export class SynthesizedProject {
  readonly root = mkdtempSync(join(tmpdir(), "cmk-terraform-offline-"));
  readonly stacks: readonly string[];
  /** Each stack's cdk.tf.json as synthesized, before any stand-in replaced it. */
  private readonly synthesizedJson = new Map<string, StackJson>();
  /** An empty Terraform CLI configuration: no provider installation settings, no warnings. */
  private readonly cliConfigFile = join(this.root, "terraform.rc");

  constructor(registry: Registry) {
    writeFileSync(this.cliConfigFile, "");
    const app = new App({ outdir: join(this.root, "cdktf.out") });
    addStacks(app, registry);
    app.synth();
    this.stacks = app.node.children.map((child) => child.node.id);
    for (const stack of this.stacks) {
      const file = join(this.stackDir(stack), "cdk.tf.json");
      this.synthesizedJson.set(stack, JSON.parse(readFileSync(file, "utf8")) as StackJson);
    }
  }

  stackDir(stack: string): string {
    return join(this.root, "cdktf.out", "stacks", stack);
  }

  /** Where a stack's local state lands, given the backend directory relative to the project. */
  statePath(directory: string, stack: string): string {
    return join(this.root, directory, `${stack}.tfstate`);
  }

  /** A stack's JSON as synthesized (a copy). */
  synthesized(stack: string): StackJson {
    const json = this.synthesizedJson.get(stack);
    if (json === undefined) throw new Error(`no stack ${stack} was synthesized; stacks: ${this.stacks.join(", ")}`);
    return structuredClone(json);
  }

  /** Replaces a stack's cdk.tf.json by its stand-in, optionally edited first. */
  useStandIn(stack: string, edit: (standIn: StackJson) => StackJson = (standIn) => standIn): StackJson {
    const standIn = edit(toStandIn(stack, this.synthesized(stack)));
    writeFileSync(join(this.stackDir(stack), "cdk.tf.json"), `${JSON.stringify(standIn, null, 2)}\n`);
    return standIn;
  }

  /** Runs `terraform <args>` in a stack's folder. */
  terraform(stack: string, args: readonly string[]): TerraformResult {
    const result = spawnSync("terraform", [...args], {
      cwd: this.stackDir(stack),
      env: terraformEnv(this.cliConfigFile),
      encoding: "utf8",
      timeout: 120_000,
    });
    if (result.error) throw result.error;
    const raw = `${result.stdout}${result.stderr}`;
    const output = raw.replace(/[│╷╵]/g, " ").replace(/\s+/g, " ");
    return { ok: result.status === 0, raw, output, stdout: result.stdout };
  }

  /** `terraform init` then `terraform apply`, as `cdktf deploy <stack>` runs them; the output of both. */
  deploy(stack: string): TerraformResult {
    const init = this.terraform(stack, ["init", "-input=false", "-no-color"]);
    if (!init.ok) return init;
    const apply = this.terraform(stack, ["apply", "-auto-approve", "-input=false", "-no-color"]);
    return { ...apply, raw: init.raw + apply.raw, output: `${init.output} ${apply.output}` };
  }

  /** The values a stand-in received and made up, read back from the stack's state. */
  standInOutput(stack: string, address: string): JsonObject {
    const shown = this.terraform(stack, ["show", "-json", "-no-color"]);
    if (!shown.ok) throw new Error(`terraform show -json failed for ${stack}:\n${shown.raw}`);
    const state = JSON.parse(shown.stdout) as {
      values?: { root_module?: { resources?: { address: string; values: JsonObject }[] } };
    };
    const resource = state.values?.root_module?.resources?.find(
      (candidate) => candidate.address === `terraform_data.${standInName(address)}`,
    );
    if (resource === undefined) throw new Error(`${stack}: no stand-in for ${address} in the state`);
    return resource.values.output as JsonObject;
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
