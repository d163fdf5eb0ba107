import { readFileSync } from "node:fs";
import * as path from "node:path";
import { Document, parseDocument } from "yaml";
import { loadRegistry, parseRegistry, Registry } from "../config/registry";

/** The example registry that `npx cdktf synth` uses by default. */
export const EXAMPLE_REGISTRY_FILE = path.join(__dirname, "..", "registry", "registry.yaml");

/** The example registry as shipped, read and validated like the app does. */
export function exampleRegistry(): Registry {
  return loadRegistry(EXAMPLE_REGISTRY_FILE);
}

/**
 * The example registry with changes made to its YAML document, validated like
 * a real file. `edit` receives the parsed document: use setIn, addIn, deleteIn.
 */
export function registryWith(edit: (document: Document) => void, file = "registry-variant.yaml"): Registry {
  const document = parseDocument(readFileSync(EXAMPLE_REGISTRY_FILE, "utf8"));
  edit(document);
  return parseRegistry(document.toString(), file);
}

/** A customer that runs its side itself: it gives its vault's URI, not a vault name. */
export const EXTERNAL_CUSTOMER = {
  name: "fabrikam",
  tenantId: "55555555-5555-4555-8555-555555555555",
  keyVault: { uri: "https://fabrikamkeys.vault.azure.net/" },
  key: { name: "fabrikam-cmk" },
  storage: {
    resourceGroup: "rg-fabrikam-data",
    accounts: [{ name: "fabrikamdata01" }],
  },
};

/** The example registry plus the external customer fabrikam. */
export function twoCustomerRegistry(): Registry {
  return registryWith((document) => document.addIn(["customers"], document.createNode(EXTERNAL_CUSTOMER)));
}

/** A backend in a storage account of the customer's tenant, for the customer's own state. */
export const CUSTOMER_AZURERM_BACKEND = {
  type: "azurerm",
  tenantId: "33333333-3333-4333-8333-333333333333",
  subscriptionId: "44444444-4444-4444-8444-444444444444",
  resourceGroup: "rg-contoso-tfstate",
  storageAccount: "contosotfstate01",
  container: "tfstate",
};

/** The example registry where contoso keeps its customer-contoso state in its own azurerm backend. */
export function customerBackendRegistry(): Registry {
  return registryWith((document) =>
    document.setIn(["customers", 0, "backend"], document.createNode(CUSTOMER_AZURERM_BACKEND)),
  );
}
