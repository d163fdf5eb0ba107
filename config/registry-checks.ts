import { durationDays, guid } from "./azure-rules";

/**
 * Rules that span fields or entries. They read the parsed file as it is, so
 * they still run when the schema has found problems elsewhere: the user sees
 * every problem in one pass.
 */

export interface Problem {
  readonly path: readonly (string | number)[];
  readonly message: string;
  readonly received?: unknown;
}

/** Fields that only mean something when this project creates the customer's vault. */
const MANAGED_ONLY: readonly (readonly string[])[] = [
  ["subscriptionId"],
  ["location"],
  ["resourceGroup"],
  ["backend"],
  ["keyVault", "sku"],
  ["keyVault", "softDeleteRetentionDays"],
  ["keyVault", "roleWait"],
  ["key", "type"],
  ["key", "size"],
  ["key", "rotateAfter"],
];

const MIN_ROTATION_DAYS = 7;

/** customers[0].keyVault.name */
export function formatPath(path: readonly (string | number)[]): string {
  return path.map((part, index) => (typeof part === "number" ? `[${part}]` : index === 0 ? part : `.${part}`)).join("");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function at(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const part of path) {
    if (!isRecord(current)) return undefined;
    current = current[part];
  }
  return current;
}

/** "subscription/name" for resource groups, so that only groups in one subscription compare equal. */
function scoped(subscription: unknown, name: unknown): string | undefined {
  return typeof subscription === "string" && typeof name === "string" ? `${subscription}/${name}` : undefined;
}

function unscoped(value: unknown): unknown {
  return typeof value === "string" ? value.slice(value.indexOf("/") + 1) : value;
}

interface AzurermBackendEntry {
  readonly path: readonly (string | number)[];
  readonly tenantId: unknown;
  readonly subscriptionId: unknown;
  readonly resourceGroup: unknown;
  readonly storageAccount: unknown;
}

/** Every azurerm backend of the registry: the top-level one and customers' own. */
function azurermBackends(data: unknown, customers: unknown[]): AzurermBackendEntry[] {
  const entries: { path: (string | number)[]; backend: unknown }[] = [
    { path: ["backend"], backend: at(data, ["backend"]) },
    ...customers.map((customer, index) => ({
      path: ["customers", index, "backend"],
      backend: at(customer, ["backend"]),
    })),
  ];
  return entries
    .filter(({ backend }) => at(backend, ["type"]) === "azurerm")
    .map(({ path, backend }) => ({
      path,
      tenantId: at(backend, ["tenantId"]),
      subscriptionId: at(backend, ["subscriptionId"]),
      resourceGroup: at(backend, ["resourceGroup"]),
      storageAccount: at(backend, ["storageAccount"]),
    }));
}

/**
 * Whoever can write a stack's state decides what the stacks reading it use (the
 * vault that encrypts the vendor's storage, for one): the shared backend must
 * be in the provider's tenant, and a customer's own backend in the provider's
 * tenant or that customer's, never another customer's.
 */
function backendTenants({ customers, backends, providerTenant }: RegistryView): Problem[] {
  const problems: Problem[] = [];
  for (const backend of backends) {
    if (typeof backend.tenantId !== "string" || typeof providerTenant !== "string") continue;
    const tenant = backend.tenantId.toLowerCase();
    const customerIndex = backend.path[0] === "customers" ? Number(backend.path[1]) : undefined;
    const customerTenant = customerIndex === undefined ? undefined : at(customers[customerIndex], ["tenantId"]);
    const allowed = [providerTenant, customerTenant].filter((value): value is string => typeof value === "string");
    if (!allowed.some((value) => value.toLowerCase() === tenant)) {
      problems.push({
        path: [...backend.path, "tenantId"],
        received: backend.tenantId,
        message:
          customerIndex === undefined
            ? "must be the provider's tenant (provider.tenantId): every stack's state, and so what the stacks trust, would otherwise live in someone else's tenant"
            : "must be the provider's tenant or this customer's own (tenantId): state in a third tenant would let that tenant choose the vault that encrypts this customer's data",
      });
    }
  }
  return problems;
}

/**
 * A subscription belongs to exactly one tenant: every place that names a
 * subscription together with a tenant must agree on which tenant that is.
 */
function subscriptionTenants({ data, customers, backends }: RegistryView): Problem[] {
  const claims = [
    {
      path: ["provider", "subscriptionId"],
      subscription: at(data, ["provider", "subscriptionId"]),
      tenant: at(data, ["provider", "tenantId"]),
    },
    ...customers.map((customer, index) => ({
      path: ["customers", index, "subscriptionId"],
      subscription: at(customer, ["subscriptionId"]),
      tenant: at(customer, ["tenantId"]),
    })),
    ...backends.map((backend) => ({
      path: [...backend.path, "subscriptionId"],
      subscription: backend.subscriptionId,
      tenant: backend.tenantId,
    })),
  ];
  const seen = new Map<string, { path: string; tenant: string }>();
  const problems: Problem[] = [];
  for (const claim of claims) {
    if (typeof claim.subscription !== "string" || typeof claim.tenant !== "string") continue;
    const subscription = claim.subscription.toLowerCase();
    const first = seen.get(subscription);
    if (first === undefined) {
      seen.set(subscription, { path: formatPath(claim.path), tenant: claim.tenant });
    } else if (first.tenant.toLowerCase() !== claim.tenant.toLowerCase()) {
      problems.push({
        path: claim.path,
        received: claim.subscription,
        message: `is also given at ${first.path}, in tenant ${first.tenant}; a subscription belongs to exactly one tenant, and here the tenant is ${claim.tenant}`,
      });
    }
  }
  return problems;
}

/** The vault name in https://<name>.vault.azure.net/, or undefined. */
function vaultNameOf(uri: string): string | undefined {
  return /^https:\/\/([^./]+)\.vault\.azure\.net\/?$/i.exec(uri)?.[1];
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Reports every later entry whose value repeats an earlier one. */
function duplicates(
  entries: { path: (string | number)[]; value: unknown; shown?: unknown }[],
  what: string,
  rule: string,
  normalise: (value: string) => string = (value) => value,
): Problem[] {
  const seen = new Map<string, string>();
  const problems: Problem[] = [];
  for (const { path, value, shown } of entries) {
    if (typeof value !== "string") continue;
    const key = normalise(value);
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, formatPath(path));
    } else {
      problems.push({
        path,
        received: shown ?? value,
        message: `${what} is already used at ${first}; ${rule}`,
      });
    }
  }
  return problems;
}

/** What every rule reads: the parsed file as it is, and a few things picked out of it. */
interface RegistryView {
  readonly data: unknown;
  readonly customers: unknown[];
  readonly providerTenant: unknown;
  readonly backends: AzurermBackendEntry[];
  /** Resource groups the stacks create, as "subscription/name", by where the registry names them. */
  readonly createdGroups: { path: (string | number)[]; value: string | undefined }[];
}

/** Per customer: the customer's tenant and subscription ids. */
function customerIds({ customers, providerTenant }: RegistryView): Problem[] {
  const problems: Problem[] = [];
  customers.forEach((customer, index) => {
    const base = ["customers", index];
    const tenant = at(customer, ["tenantId"]);
    if (
      typeof tenant === "string" &&
      typeof providerTenant === "string" &&
      guid.test(tenant.toLowerCase()) &&
      tenant.toLowerCase() === providerTenant.toLowerCase()
    ) {
      problems.push({
        path: [...base, "tenantId"],
        received: tenant,
        message:
          "is the provider's own tenant (provider.tenantId); cross-tenant keys need the customer's tenant, a different one",
      });
    }

    const subscription = at(customer, ["subscriptionId"]);
    if (
      typeof subscription === "string" &&
      typeof tenant === "string" &&
      subscription.toLowerCase() === tenant.toLowerCase()
    ) {
      problems.push({
        path: [...base, "subscriptionId"],
        received: subscription,
        message:
          "is the same GUID as tenantId; a subscription id is never its tenant's id, so one of the two was pasted in the wrong place",
      });
    }
  });
  return problems;
}

/** Per customer: a vault this project creates (keyVault.name) or the customer's own (keyVault.uri), and the fields each needs. */
function keyVaultChoice({ customers }: RegistryView): Problem[] {
  const problems: Problem[] = [];
  customers.forEach((customer, index) => {
    const base = ["customers", index];
    const vaultName = at(customer, ["keyVault", "name"]);
    const vaultUri = at(customer, ["keyVault", "uri"]);
    if (vaultName !== undefined && vaultUri !== undefined) {
      problems.push({
        path: [...base, "keyVault"],
        message:
          "gives both name and uri; give name when this project creates the customer's vault, or uri when the customer runs its side itself",
      });
    } else if (vaultName === undefined && vaultUri === undefined && isRecord(at(customer, ["keyVault"]))) {
      problems.push({
        path: [...base, "keyVault"],
        message:
          "needs name (this project creates the vault in the customer's tenant) or uri (the customer runs its side and gives the vault's URI)",
      });
    }

    if (vaultUri !== undefined && vaultName === undefined) {
      for (const field of MANAGED_ONLY) {
        const value = at(customer, field);
        if (value !== undefined) {
          problems.push({
            path: [...base, ...field],
            received: value,
            message:
              "is only used when this project creates the customer's vault (keyVault.name); remove it, since keyVault.uri says the customer runs its side itself",
          });
        }
      }
    }
    if (vaultName !== undefined) {
      for (const field of ["subscriptionId", "location", "resourceGroup"]) {
        if (at(customer, [field]) === undefined) {
          problems.push({
            path: [...base, field],
            message: "is required when this project creates the customer's vault (keyVault.name is given)",
          });
        }
      }
    }
  });
  return problems;
}

/** Per customer: key type against vault tier, and Key Vault's minimum rotation interval. */
function keySettings({ customers }: RegistryView): Problem[] {
  const problems: Problem[] = [];
  customers.forEach((customer, index) => {
    const base = ["customers", index];
    const keyType = at(customer, ["key", "type"]);
    const sku = at(customer, ["keyVault", "sku"]) ?? "standard";
    if (keyType === "RSA-HSM" && sku !== "premium") {
      problems.push({
        path: [...base, "key", "type"],
        received: keyType,
        message: `needs a premium vault, but keyVault.sku is ${JSON.stringify(sku)}; set keyVault.sku: premium, or use RSA`,
      });
    }

    const rotateAfter = at(customer, ["key", "rotateAfter"]);
    if (typeof rotateAfter === "string" && durationDays(rotateAfter) < MIN_ROTATION_DAYS) {
      problems.push({
        path: [...base, "key", "rotateAfter"],
        received: rotateAfter,
        message: `is shorter than Key Vault's minimum rotation interval; allowed: at least P${MIN_ROTATION_DAYS}D`,
      });
    }
  });
  return problems;
}

/**
 * Resource groups that two stacks would both create in one subscription: the
 * second deploy would fail with "already exists".
 */
function resourceGroupClashes({ createdGroups }: RegistryView): Problem[] {
  return duplicates(
    createdGroups,
    "resource group",
    'each stack needs a resource group of its own in a subscription, or the second deploy fails with "already exists"',
    (value) => value.toLowerCase(),
  ).map((problem) => ({ ...problem, received: unscoped(problem.received) }));
}

/** State storage must exist apart from what the stacks create, and one account name means one account. */
function backendPlacement({ customers, backends, createdGroups: groups }: RegistryView): Problem[] {
  const problems: Problem[] = [];
  const createdGroups = new Map<string, string>();
  for (const entry of groups) {
    if (typeof entry.value === "string") createdGroups.set(entry.value.toLowerCase(), formatPath(entry.path));
  }
  const dataAccounts = new Map<string, string>();
  customers.forEach((customer, index) =>
    list(at(customer, ["storage", "accounts"])).forEach((account, accountIndex) => {
      const name = at(account, ["name"]);
      const path = formatPath(["customers", index, "storage", "accounts", accountIndex, "name"]);
      if (typeof name === "string" && !dataAccounts.has(name)) dataAccounts.set(name, path);
    }),
  );
  const stateAccounts = new Map<string, { path: string; where: string }>();
  for (const backend of backends) {
    const group = scoped(backend.subscriptionId, backend.resourceGroup);
    const creator = group === undefined ? undefined : createdGroups.get(group.toLowerCase());
    if (creator !== undefined) {
      problems.push({
        path: [...backend.path, "resourceGroup"],
        received: backend.resourceGroup,
        message: `is the resource group a stack creates (${creator}); keep state in a resource group of its own that exists before any deploy`,
      });
    }
    if (typeof backend.storageAccount !== "string") continue;
    const dataAccount = dataAccounts.get(backend.storageAccount);
    if (dataAccount !== undefined) {
      problems.push({
        path: [...backend.path, "storageAccount"],
        received: backend.storageAccount,
        message: `is a storage account a cmk stack creates (${dataAccount}); keep state in a separate account that exists before any deploy`,
      });
    }
    const where = [backend.tenantId, backend.subscriptionId, backend.resourceGroup].map(String).join("/");
    const first = stateAccounts.get(backend.storageAccount);
    if (first === undefined) {
      stateAccounts.set(backend.storageAccount, { path: formatPath(backend.path), where });
    } else if (first.where.toLowerCase() !== where.toLowerCase()) {
      problems.push({
        path: [...backend.path, "storageAccount"],
        received: backend.storageAccount,
        message: `is also the state account of ${first.path} with another tenant, subscription or resource group; storage account names are globally unique, so both must describe the same account`,
      });
    }
  }
  return problems;
}

/** Names Azure or Entra hold once: customers, tenants, redirect URIs, vaults, storage accounts. */
function uniqueNames({ data, customers }: RegistryView): Problem[] {
  return [
    ...duplicates(
      customers.map((customer, index) => ({ path: ["customers", index, "name"], value: at(customer, ["name"]) })),
      "customer name",
      "customer names must be unique",
      (value) => value.toLowerCase(),
    ),
    ...duplicates(
      customers.map((customer, index) => ({
        path: ["customers", index, "tenantId"],
        value: at(customer, ["tenantId"]),
      })),
      "customer tenant",
      "give each customer tenant one entry: two customer-<name> stacks would both manage the application's single service principal in that tenant",
      (value) => value.toLowerCase(),
    ),
    ...duplicates(
      list(at(data, ["provider", "application", "redirectUris"])).map((uri, index) => ({
        path: ["provider", "application", "redirectUris", index],
        value: uri,
      })),
      "redirect URI",
      "Entra keeps each redirect URI once",
    ),
    ...duplicates(
      customers.map((customer, index) => {
        const name = at(customer, ["keyVault", "name"]);
        const uri = at(customer, ["keyVault", "uri"]);
        // A vault given by URI is the same vault as one of that name elsewhere.
        return name !== undefined || typeof uri !== "string"
          ? { path: ["customers", index, "keyVault", "name"], value: name }
          : { path: ["customers", index, "keyVault", "uri"], value: vaultNameOf(uri), shown: uri };
      }),
      "key vault name",
      "key vault names are globally unique in Azure",
      (value) => value.toLowerCase(),
    ),
    ...duplicates(
      customers.flatMap((customer, index) =>
        list(at(customer, ["storage", "accounts"])).map((account, accountIndex) => ({
          path: ["customers", index, "storage", "accounts", accountIndex, "name"],
          value: at(account, ["name"]),
        })),
      ),
      "storage account name",
      "storage account names are globally unique in Azure",
    ),
  ];
}

/** The rules, each a small function of the whole registry; their problems are reported together. */
const RULES: readonly ((view: RegistryView) => Problem[])[] = [
  customerIds,
  keyVaultChoice,
  keySettings,
  resourceGroupClashes,
  subscriptionTenants,
  backendTenants,
  backendPlacement,
  uniqueNames,
];

export function checkRegistry(data: unknown): Problem[] {
  const customers = list(at(data, ["customers"]));
  const providerSubscription = at(data, ["provider", "subscriptionId"]);
  // Every storage resource group is in the provider's subscription, beside the provider's own.
  const createdGroups = [
    {
      path: ["provider", "resourceGroup"],
      value: scoped(providerSubscription, at(data, ["provider", "resourceGroup"])),
    },
    ...customers.map((customer, index) => ({
      path: ["customers", index, "storage", "resourceGroup"],
      value: scoped(providerSubscription, at(customer, ["storage", "resourceGroup"])),
    })),
    ...customers.map((customer, index) => ({
      path: ["customers", index, "resourceGroup"],
      value: scoped(at(customer, ["subscriptionId"]), at(customer, ["resourceGroup"])),
    })),
  ];
  const view: RegistryView = {
    data,
    customers,
    providerTenant: at(data, ["provider", "tenantId"]),
    backends: azurermBackends(data, customers),
    createdGroups,
  };
  return RULES.flatMap((rule) => rule(view));
}
