import { readFileSync, statSync } from "node:fs";
import { parseDocument } from "yaml";
import { checkRegistry, formatPath, Problem } from "./registry-checks";
import { Backend, RawRegistry, registrySchema } from "./registry-schema";

/** The registry used when CMK_REGISTRY is not set, relative to the project folder. */
export const DEFAULT_REGISTRY_FILE = "registry/registry.yaml";

export type { Backend } from "./registry-schema";
export type KeyType = "RSA" | "RSA-HSM";
export type KeySize = 2048 | 3072 | 4096;
export type VaultSku = "standard" | "premium";

export interface ProviderEntry {
  readonly name: string;
  readonly tenantId: string;
  readonly subscriptionId: string;
  readonly location: string;
  readonly resourceGroup: string;
  readonly applicationDisplayName: string;
  readonly redirectUris: readonly string[];
  readonly identityName: string;
  readonly credentialDisplayName: string;
}

/** The customer's side is built by this project, as the customer-<name> stack. */
export interface ManagedCustomerKey {
  readonly kind: "managed";
  readonly subscriptionId: string;
  readonly location: string;
  readonly resourceGroup: string;
  readonly backend: Backend;
  readonly vault: {
    readonly name: string;
    readonly sku: VaultSku;
    readonly softDeleteRetentionDays: number;
    readonly roleWait: string;
  };
  readonly key: {
    readonly name: string;
    readonly type: KeyType;
    readonly size: KeySize;
    readonly rotateAfter: string;
  };
}

/** The customer runs its side itself and gives the vault URI and key name. */
export interface ExternalCustomerKey {
  readonly kind: "external";
  readonly vaultUri: string;
  readonly keyName: string;
}

export interface StorageAccountEntry {
  readonly name: string;
  readonly replication: "LRS" | "ZRS" | "GRS" | "RAGRS" | "GZRS" | "RAGZRS";
  readonly accessTier: "Hot" | "Cool" | "Cold";
  readonly infrastructureEncryption: boolean;
}

export interface CustomerEntry {
  /** Position in the registry's customers list, for messages that name the field (customers[0].key.size). */
  readonly index: number;
  readonly name: string;
  readonly tenantId: string;
  readonly key: ManagedCustomerKey | ExternalCustomerKey;
  readonly storage: {
    readonly resourceGroup: string;
    readonly location: string;
    readonly accounts: readonly StorageAccountEntry[];
  };
}

export interface Registry {
  /** The file the registry was read from, as given. */
  readonly file: string;
  /** The backend of the provider and cmk-<name> stacks, and the default for customer-<name>. */
  readonly backend: Backend;
  readonly provider: ProviderEntry;
  readonly customers: readonly CustomerEntry[];
}

/** Defaults of the customer's vault and key: secure and accepted by every encrypting service. */
export const CUSTOMER_KEY_DEFAULTS = {
  sku: "standard",
  softDeleteRetentionDays: 90,
  roleWait: "10m",
  type: "RSA",
  size: 3072,
  rotateAfter: "P1Y",
} as const satisfies {
  sku: VaultSku;
  softDeleteRetentionDays: number;
  roleWait: string;
  type: KeyType;
  size: KeySize;
  rotateAfter: string;
};

/** Control and invisible formatting characters as \u escapes, so a message cannot forge lines or colours. */
function printable(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}]/gu, (char) => `\\u${char.codePointAt(0)!.toString(16).padStart(4, "0")}`);
}

/** Every problem found in a registry file, each a full sentence on one line. */
export class RegistryError extends Error {
  readonly problems: readonly string[];

  constructor(
    readonly file: string,
    problems: readonly string[],
  ) {
    problems = problems.map(printable);
    super(
      `${file}: the registry has ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n` +
        problems.map((problem) => `  - ${problem}`).join("\n"),
    );
    this.name = "RegistryError";
    this.problems = problems;
  }
}

function describe(value: unknown): string {
  const shown = JSON.stringify(value);
  if (shown === undefined) return String(value);
  return shown.length > 80 ? `${shown.slice(0, 77)}...` : shown;
}

function customerLabel(data: unknown, path: readonly (string | number)[]): string {
  if (path[0] !== "customers" || typeof path[1] !== "number" || path.length < 2) return "";
  const customers = (data as { customers?: unknown } | null)?.customers;
  const name = Array.isArray(customers) ? (customers[path[1]] as { name?: unknown } | null)?.name : undefined;
  return typeof name === "string" ? ` (customer "${name}")` : "";
}

function sentence(file: string, data: unknown, problem: Problem): string {
  const where = problem.path.length > 0 ? formatPath(problem.path) : "(top level)";
  const received = problem.received === undefined ? "" : ` (received ${describe(problem.received)})`;
  return `${file}: ${where}${customerLabel(data, problem.path)}: ${problem.message}${received}`;
}

/** Enough for a registry that reuses a few anchors per customer, far from an alias bomb. */
const MAX_YAML_ALIASES = 10000;

/** Parses and validates registry text; throws RegistryError listing every problem. */
export function parseRegistry(text: string, file: string): Registry {
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  // Warnings (an unknown tag such as !env, which YAML would drop) are errors
  // here: a registry means exactly what it says or nothing.
  const yamlProblems = [...document.errors, ...document.warnings];
  if (yamlProblems.length > 0) {
    throw new RegistryError(
      file,
      yamlProblems.map((error) => {
        const position = error.linePos?.[0];
        const where = position ? `:${position.line}:${position.col}` : "";
        return `${file}${where}: not valid YAML: ${error.message
          .split("\n")[0]
          .replace(/ at line \d+, column \d+:?$/, "")
          .replace(/; please use YAML\.parseAllDocuments\(\)/, "; a registry is one YAML document (remove the ---)")}`;
      }),
    );
  }
  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (error) {
    // The yaml package refuses alias expansions that could exhaust memory.
    throw new RegistryError(file, [
      `${file}: not valid YAML here: ${(error as Error).message}; write the values out instead of using so many aliases (*name)`,
    ]);
  }
  if (data === null || data === undefined) {
    throw new RegistryError(file, [
      `${file}: the file holds no registry (it is empty or only comments); it needs provider: and customers: (see README.md, "The registry")`,
    ]);
  }

  const problems: Problem[] = [];
  const parsed = registrySchema.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      let received = issue.code === "unrecognized_keys" ? undefined : issue.input;
      if (issue.code === "invalid_union" && "discriminator" in issue) {
        // A discriminated union reports the whole object; show the bad field.
        received = (issue.input as Record<string, unknown> | undefined)?.[String(issue.discriminator)];
      }
      problems.push({ path: issue.path as (string | number)[], message: issue.message, received });
    }
  }
  problems.push(...checkRegistry(data));
  if (problems.length > 0 || !parsed.success) {
    throw new RegistryError(
      file,
      problems.map((problem) => sentence(file, data, problem)),
    );
  }
  return normalise(parsed.data, file);
}

/** The file's text; invalid UTF-8 is an error rather than replacement characters in Azure names. */
function decodeUtf8(bytes: Buffer, file: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new RegistryError(file, [`${file}: not valid UTF-8 text; save the registry as UTF-8`]);
  }
}

/** Larger registries are refused before parsing: thousands of customers would exhaust memory at synth. */
export const MAX_REGISTRY_BYTES = 1024 * 1024;

/** Reads, parses and validates a registry file. */
export function loadRegistry(file: string): Registry {
  let text: string;
  try {
    const stats = statSync(file);
    if (!stats.isFile()) {
      throw new RegistryError(file, [
        `${file}: not a regular file (a folder, device or pipe); CMK_REGISTRY must name a registry YAML file`,
      ]);
    }
    const size = stats.size;
    if (size > MAX_REGISTRY_BYTES) {
      throw new RegistryError(file, [
        `${file}: the file is ${size} bytes; a registry may be at most ${MAX_REGISTRY_BYTES} bytes (1 MiB, some thousands of customers), since every customer adds two stacks to synthesize`,
      ]);
    }
    text = decodeUtf8(readFileSync(file), file);
  } catch (error) {
    if (error instanceof RegistryError) throw error;
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new RegistryError(file, [
      `${file}: cannot read the registry file (${reason}); set CMK_REGISTRY to a registry file, or run from the project folder to use ${DEFAULT_REGISTRY_FILE}`,
    ]);
  }
  return parseRegistry(text, file);
}

function normalise(raw: RawRegistry, file: string): Registry {
  const provider = raw.provider;
  return {
    file,
    backend: raw.backend,
    provider: {
      name: provider.name,
      tenantId: provider.tenantId,
      subscriptionId: provider.subscriptionId,
      location: provider.location,
      resourceGroup: provider.resourceGroup,
      applicationDisplayName: provider.application.displayName,
      redirectUris: provider.application.redirectUris,
      identityName: provider.identity.name,
      credentialDisplayName: provider.federatedCredential.displayName,
    },
    customers: raw.customers.map((customer, index): CustomerEntry => {
      const vault = customer.keyVault;
      const key: ManagedCustomerKey | ExternalCustomerKey =
        vault.uri !== undefined
          ? { kind: "external", vaultUri: vault.uri, keyName: customer.key.name }
          : {
              kind: "managed",
              // checkRegistry guarantees these three when keyVault.name is given.
              subscriptionId: customer.subscriptionId as string,
              location: customer.location as string,
              resourceGroup: customer.resourceGroup as string,
              backend: customer.backend ?? raw.backend,
              vault: {
                name: vault.name as string,
                sku: vault.sku ?? CUSTOMER_KEY_DEFAULTS.sku,
                softDeleteRetentionDays: vault.softDeleteRetentionDays ?? CUSTOMER_KEY_DEFAULTS.softDeleteRetentionDays,
                roleWait: vault.roleWait ?? CUSTOMER_KEY_DEFAULTS.roleWait,
              },
              key: {
                name: customer.key.name,
                type: customer.key.type ?? CUSTOMER_KEY_DEFAULTS.type,
                size: customer.key.size ?? CUSTOMER_KEY_DEFAULTS.size,
                rotateAfter: customer.key.rotateAfter ?? CUSTOMER_KEY_DEFAULTS.rotateAfter,
              },
            };
      return {
        index,
        name: customer.name,
        tenantId: customer.tenantId,
        key,
        storage: {
          resourceGroup: customer.storage.resourceGroup,
          location: customer.storage.location ?? provider.location,
          accounts: customer.storage.accounts,
        },
      };
    }),
  };
}
