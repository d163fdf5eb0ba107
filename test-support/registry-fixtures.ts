import { readFileSync } from "node:fs";
import { parse, stringify } from "yaml";
import { parseRegistry, Registry, RegistryError } from "../config/registry";
import { EXAMPLE_REGISTRY_FILE, EXTERNAL_CUSTOMER } from "./example-registry";

/**
 * Registry variants for the validation tests: the example registry parsed with
 * the `yaml` package, copied, changed in one place and written back as text.
 */

export { EXAMPLE_REGISTRY_FILE };

/** The file name the variants are validated under, as it appears in every message. */
export const FILE = "registry.yaml";

/** Any mapping of the registry, open to fields the schema does not know. */
export type Fields = Record<string, unknown>;

export interface ProviderDocument {
  [field: string]: unknown;
  tenantId: string;
  subscriptionId: string;
  resourceGroup: string;
  application: Fields;
  identity: Fields;
  federatedCredential: Fields;
}

export interface CustomerDocument {
  [field: string]: unknown;
  name: string;
  tenantId: string;
  keyVault: Fields;
  key: Fields;
  storage: { [field: string]: unknown; resourceGroup: string; accounts: Fields[] };
}

/** The registry file's YAML as plain data. */
export interface RegistryDocument {
  [field: string]: unknown;
  backend?: Fields;
  provider: ProviderDocument;
  customers: CustomerDocument[];
}

/** The example registry's text, exactly as shipped. */
export function exampleText(): string {
  return readFileSync(EXAMPLE_REGISTRY_FILE, "utf8");
}

/** A fresh copy of the example registry's data, safe to change. */
export function exampleDocument(): RegistryDocument {
  return parse(exampleText()) as RegistryDocument;
}

/** The example registry after `edit`, as YAML text. */
export function registryText(edit: (document: RegistryDocument) => void = () => undefined): string {
  const document = exampleDocument();
  edit(document);
  return stringify(document);
}

/** Every problem that validation reports for this text; empty when it is valid. */
export function problemsIn(text: string, file = FILE): string[] {
  try {
    parseRegistry(text, file);
    return [];
  } catch (error) {
    if (error instanceof RegistryError) return [...error.problems];
    throw error;
  }
}

/** The RegistryError that validation throws for this text; fails when it throws none. */
export function registryError(text: string, file = FILE): RegistryError {
  try {
    parseRegistry(text, file);
  } catch (error) {
    if (error instanceof RegistryError) return error;
    throw error;
  }
  throw new Error(`expected ${file} to be rejected, but it validated`);
}

/** Validates the text and returns the registry the app would build its stacks from. */
export function validRegistry(text: string, file = FILE): Registry {
  return parseRegistry(text, file);
}

/** Sets a value at a path of plain objects and arrays, creating missing objects on the way. */
export function setIn(target: unknown, fieldPath: readonly (string | number)[], value: unknown): void {
  let current = target as Record<string | number, unknown>;
  for (const part of fieldPath.slice(0, -1)) {
    if (typeof current[part] !== "object" || current[part] === null) current[part] = {};
    current = current[part] as Record<string | number, unknown>;
  }
  current[fieldPath[fieldPath.length - 1]] = value;
}

/** Removes the value at a path; missing parents are ignored. */
export function deleteIn(target: unknown, fieldPath: readonly (string | number)[]): void {
  let current = target as Record<string | number, unknown> | undefined;
  for (const part of fieldPath.slice(0, -1)) {
    current = current?.[part] as Record<string | number, unknown> | undefined;
  }
  if (current) delete current[fieldPath[fieldPath.length - 1]];
}

/** A second customer whose side this project builds, sharing no name or id with contoso. */
export function northwind(): CustomerDocument {
  return {
    name: "northwind",
    tenantId: "66666666-6666-4666-8666-666666666666",
    subscriptionId: "77777777-7777-4777-8777-777777777777",
    location: "westeurope",
    resourceGroup: "rg-northwind-keys",
    keyVault: { name: "northwindkeys01" },
    key: { name: "northwind-cmk" },
    storage: { resourceGroup: "rg-northwind-data", accounts: [{ name: "northwinddata01" }] },
  };
}

export const FABRIKAM_VAULT_URI = EXTERNAL_CUSTOMER.keyVault.uri;

/** A customer that runs its side itself: only its vault's URI and key name. */
export function fabrikam(): CustomerDocument {
  return structuredClone(EXTERNAL_CUSTOMER);
}

/** An azurerm backend with valid values throughout. */
export function azurermBackend(): Fields {
  return {
    type: "azurerm",
    tenantId: "11111111-1111-4111-8111-111111111111",
    subscriptionId: "22222222-2222-4222-8222-222222222222",
    resourceGroup: "rg-tfstate",
    storageAccount: "bsptfstate01",
    container: "tfstate",
  };
}

/** The example registry plus the external customer fabrikam, as YAML text. */
export function twoCustomerText(): string {
  return registryText((document) => document.customers.push(fabrikam()));
}

/** A registry with several independent problems, and where each one is reported. */
export function registryWithSeveralProblems(): { text: string; where: string[] } {
  return {
    text: registryText((document) => {
      document.provider.identity.name = "id";
      const contoso = document.customers[0];
      contoso.tenantId = document.provider.tenantId;
      contoso.keyVault.name = "a--b";
      contoso.key.size = 1024;
      contoso.storage.accounts[0].name = "ContosoData01";
      document.custmers = [];
    }),
    where: [
      "(top level)",
      "provider.identity.name",
      'customers[0].tenantId (customer "contoso")',
      'customers[0].keyVault.name (customer "contoso")',
      'customers[0].key.size (customer "contoso")',
      'customers[0].storage.accounts[0].name (customer "contoso")',
    ],
  };
}
