import { readFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import { App, DataTerraformRemoteStateLocal, TerraformStack, Testing } from "cdktf";
import type { Registry } from "../config/registry";
import { addStacks } from "../stacks/cross-tenant-cmk";

/** One block of Terraform JSON: a resource, data source, provider or backend. */
export type Block = Record<string, unknown>;

/** The parts of a synthesized stack's Terraform JSON that the tests read. */
export interface TerraformJson {
  readonly resource?: Record<string, Record<string, Block>>;
  readonly data?: Record<string, Record<string, Block>>;
  readonly output?: Record<string, { readonly value: unknown; readonly description?: string }>;
  readonly provider?: Record<string, Block[]>;
  readonly terraform?: {
    readonly backend?: Record<string, Block>;
    readonly required_providers?: Record<string, Block>;
    readonly required_version?: string;
  };
}

/** A generated resource or data source class: its static tfResourceType names its JSON block. */
export interface TerraformClass {
  readonly tfResourceType: string;
}

/** A fresh test app (its own temporary output folder) holding every stack the registry describes. */
export function buildApp(registry: Registry): App {
  const app = Testing.app();
  addStacks(app, registry);
  return app;
}

/** Ids of the app's stacks, in creation order. */
export function stackIds(app: App): string[] {
  return app.node.children.filter((child) => TerraformStack.isStack(child)).map((stack) => stack.node.id);
}

export function stackOf(app: App, id: string): TerraformStack {
  const stack = app.node.tryFindChild(id);
  if (!TerraformStack.isStack(stack)) {
    throw new Error(`no stack "${id}" in the app; its stacks are: ${stackIds(app).join(", ")}`);
  }
  return stack;
}

/** Runs `use` on a fresh app built from the registry, then removes the app's temporary output folder. */
export function withApp<T>(registry: Registry, use: (app: App) => T): T {
  const app = buildApp(registry);
  try {
    return use(app);
  } finally {
    rmSync(app.outdir, { recursive: true, force: true });
  }
}

/** The Terraform JSON of one stack of a fresh app built from the registry, without cdktf metadata. */
export function synthStack(registry: Registry, id: string): string {
  return withApp(registry, (app) => Testing.synth(stackOf(app, id)));
}

export function parse(json: string): TerraformJson {
  return JSON.parse(json) as TerraformJson;
}

/** Every resource of one type, by Terraform name. */
export function resourcesOf(json: string, type: TerraformClass): Record<string, Block> {
  return parse(json).resource?.[type.tfResourceType] ?? {};
}

/** Every data source of one type, by Terraform name. */
export function dataSourcesOf(json: string, type: TerraformClass): Record<string, Block> {
  return parse(json).data?.[type.tfResourceType] ?? {};
}

function single(blocks: Record<string, Block>, what: string): [string, Block] {
  const entries = Object.entries(blocks);
  if (entries.length !== 1) {
    throw new Error(
      `expected exactly one ${what}, found ${entries.length}: ${entries.map(([name]) => name).join(", ")}`,
    );
  }
  return entries[0];
}

/** The Terraform name of the stack's only resource of this type; throws when there are none or several. */
export function onlyResourceName(json: string, type: TerraformClass): string {
  return single(resourcesOf(json, type), type.tfResourceType)[0];
}

/** The stack's only resource of this type; throws when there are none or several. */
export function onlyResource(json: string, type: TerraformClass): Block {
  return single(resourcesOf(json, type), type.tfResourceType)[1];
}

/** `${<type>.<name>.<attribute>}` for the stack's only resource of this type. */
export function reference(json: string, type: TerraformClass, attribute: string): string {
  return `\${${type.tfResourceType}.${onlyResourceName(json, type)}.${attribute}}`;
}

/** `${data.<type>.<name>.<attribute>}` for the stack's only data source of this type. */
export function dataReference(json: string, type: TerraformClass, attribute: string): string {
  const [name] = single(dataSourcesOf(json, type), `data source ${type.tfResourceType}`);
  return `\${data.${type.tfResourceType}.${name}.${attribute}}`;
}

/** `<type>.<name>`, the address that depends_on lists, of the resource with this name. */
export function address(type: TerraformClass, name: string): string {
  return `${type.tfResourceType}.${name}`;
}

/** Every terraform_remote_state data source of the stack, by Terraform name. */
export function remoteStates(json: string): Record<string, Block> {
  return dataSourcesOf(json, DataTerraformRemoteStateLocal);
}

/**
 * The name of the only remote state whose config has this value in this field
 * (`path` for a local state, `key` for an azurerm one).
 */
export function remoteStateWith(json: string, field: string, value: string): string {
  const matching = Object.entries(remoteStates(json)).filter(
    ([, state]) => (state.config as Block | undefined)?.[field] === value,
  );
  const [name] = single(Object.fromEntries(matching), `remote state with config.${field} = ${JSON.stringify(value)}`);
  return name;
}

/** `${data.terraform_remote_state.<state>.outputs.<output>}` */
export function remoteOutput(state: string, output: string): string {
  return `\${data.${DataTerraformRemoteStateLocal.tfResourceType}.${state}.outputs.${output}}`;
}

/** The single block of a provider type, e.g. the stack's only azurerm provider. */
export function providerBlock(json: string, type: TerraformClass): Block {
  const blocks = parse(json).provider?.[type.tfResourceType] ?? [];
  if (blocks.length !== 1) {
    throw new Error(`expected exactly one ${type.tfResourceType} provider block, found ${blocks.length}`);
  }
  return blocks[0];
}

/** An annotation that cdktf writes to the manifest at synth. */
export interface Annotation {
  readonly constructPath: string;
  readonly level: string;
  readonly message: string;
}

/**
 * A real `app.synth()` into the test app's output folder, as `cdktf synth`
 * does it; the folder is removed once its files have been read.
 */
export interface SynthesizedApp {
  /** Where the app was synthesized (removed since): working directories resolve from it. */
  readonly outdir: string;
  /** Each stack's Terraform JSON text as written to stacks/<id>/cdk.tf.json. */
  readonly files: Record<string, string>;
  /** Each stack's working directory, relative to outdir, as the manifest gives it. */
  readonly workingDirectories: Record<string, string>;
  readonly annotations: Record<string, Annotation[]>;
  readonly dependencies: Record<string, string[]>;
}

interface ManifestStack {
  readonly synthesizedStackPath: string;
  readonly workingDirectory: string;
  readonly annotations: Annotation[];
  readonly dependencies: string[];
}

export function synthApp(registry: Registry): SynthesizedApp {
  return withApp(registry, (app) => {
    app.synth();
    const manifest = JSON.parse(readFileSync(path.join(app.outdir, "manifest.json"), "utf8")) as {
      stacks: Record<string, ManifestStack>;
    };
    const stacks = Object.entries(manifest.stacks);
    const pick = <T>(field: (stack: ManifestStack) => T) =>
      Object.fromEntries(stacks.map(([id, stack]) => [id, field(stack)]));
    return {
      outdir: app.outdir,
      files: pick((stack) => readFileSync(path.join(app.outdir, stack.synthesizedStackPath), "utf8")),
      workingDirectories: pick((stack) => stack.workingDirectory),
      annotations: pick((stack) => stack.annotations),
      dependencies: pick((stack) => stack.dependencies),
    };
  });
}

/** Every string anywhere inside a JSON value. */
export function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (typeof value === "object" && value !== null) return Object.values(value).flatMap(stringsIn);
  return [];
}
