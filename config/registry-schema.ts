import { z } from "zod";
import * as rules from "./azure-rules";

/**
 * The registry's schema. Field names are camelCase; every object is strict so
 * that a misspelled field is an error rather than a silently dropped setting.
 * Cross-field rules (duplicates, tenants, key sizes) live in
 * `registry-checks.ts`, which runs even when this schema finds problems.
 */

/** "must be <allowed>", or "is required: <allowed>" when the field is missing. */
function expected(allowed: string) {
  return (issue: { input?: unknown }) => (issue.input === undefined ? `is required: ${allowed}` : `must be ${allowed}`);
}

/** Like `expected`, and says so when YAML read an unquoted value as a number or boolean. */
function expectedText(allowed: string) {
  return (issue: { input?: unknown }) =>
    typeof issue.input === "number" || typeof issue.input === "boolean"
      ? `must be text, but YAML read this value as a ${typeof issue.input}: put it in quotes; allowed: ${allowed}`
      : expected(allowed)(issue);
}

function text(rule: rules.Rule) {
  return z.string({ error: expectedText(rule.allowed) }).refine(rule.test, { error: `must be ${rule.allowed}` });
}

/** A strict object whose unknown-field error lists the fields that are allowed. */
function strict<T extends z.ZodRawShape>(shape: T) {
  const allowed = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? `unknown field ${issue.keys.map((key) => JSON.stringify(key)).join(", ")}; allowed fields here: ${allowed}`
        : issue.input === undefined
          ? "is required"
          : `must be an object with the fields ${allowed}`,
  });
}

export const REPLICATION_TYPES = ["LRS", "ZRS", "GRS", "RAGRS", "GZRS", "RAGZRS"] as const;
export const ACCESS_TIERS = ["Hot", "Cool", "Cold"] as const;
export const KEY_TYPES = ["RSA", "RSA-HSM"] as const;
/**
 * RSA sizes that every encrypting service this project deploys accepts:
 * Storage takes all three. Azure SQL TDE stops at 3072, so adding SQL servers
 * means narrowing this for the customers that use them.
 */
export const KEY_SIZES = [2048, 3072, 4096] as const;
export const VAULT_SKUS = ["standard", "premium"] as const;

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: expected(`one of ${values.join(", ")}`) });
}

const localBackend = strict({
  type: z.literal("local"),
  directory: text(rules.stateDirectory).default("terraform-state"),
});

const azurermBackend = strict({
  type: z.literal("azurerm"),
  tenantId: text(rules.guid),
  subscriptionId: text(rules.guid),
  resourceGroup: text(rules.resourceGroupName),
  storageAccount: text(rules.storageAccountName),
  container: text(rules.storageContainerName),
});

export const backendSchema = z.discriminatedUnion("type", [localBackend, azurermBackend], {
  error: (issue) => {
    if (issue.code === "invalid_union") {
      const type = (issue.input as { type?: unknown } | undefined)?.type;
      return type === undefined ? 'is required: "local" or "azurerm"' : 'must be "local" or "azurerm"';
    }
    return issue.input === undefined ? "is required" : 'must be an object whose type is "local" or "azurerm"';
  },
});

const providerSchema = strict({
  name: text(rules.applicationDisplayName),
  tenantId: text(rules.guid),
  subscriptionId: text(rules.guid),
  location: text(rules.location),
  resourceGroup: text(rules.resourceGroupName),
  application: strict({
    displayName: text(rules.applicationDisplayName),
    redirectUris: z
      .array(text(rules.redirectUri), { error: expected("a list of https:// URLs") })
      .min(1, { error: "must list at least one https:// URL: the admin-consent flow ends there" })
      .max(256, { error: "must list at most 256 URLs (Entra's limit for an application)" }),
  }),
  identity: strict({
    name: text(rules.identityName),
  }),
  federatedCredential: strict({
    displayName: text(rules.credentialDisplayName),
  }),
});

const keyVaultSchema = strict({
  name: text(rules.keyVaultName).optional(),
  uri: text(rules.keyVaultUri).optional(),
  sku: oneOf(VAULT_SKUS).optional(),
  softDeleteRetentionDays: z
    .number({ error: "must be a whole number of days from 7 to 90" })
    .int({ error: "must be a whole number of days from 7 to 90" })
    .min(7, { error: "must be a whole number of days from 7 to 90" })
    .max(90, { error: "must be a whole number of days from 7 to 90" })
    .optional(),
  roleWait: text(rules.waitDuration).optional(),
});

const keySchema = strict({
  name: text(rules.keyName),
  type: oneOf(KEY_TYPES).optional(),
  size: z
    .union(
      KEY_SIZES.map((size) => z.literal(size)),
      { error: expected(`one of ${KEY_SIZES.join(", ")}`) },
    )
    .optional(),
  rotateAfter: text(rules.isoDuration).optional(),
});

const storageAccountSchema = strict({
  name: text(rules.storageAccountName),
  replication: oneOf(REPLICATION_TYPES).default("LRS"),
  accessTier: oneOf(ACCESS_TIERS).default("Hot"),
  infrastructureEncryption: z.boolean({ error: "must be true or false" }).default(true),
});

const customerSchema = strict({
  name: text(rules.customerName),
  tenantId: text(rules.guid),
  subscriptionId: text(rules.guid).optional(),
  location: text(rules.location).optional(),
  resourceGroup: text(rules.resourceGroupName).optional(),
  keyVault: keyVaultSchema,
  key: keySchema,
  backend: backendSchema.optional(),
  storage: strict({
    resourceGroup: text(rules.resourceGroupName),
    location: text(rules.location).optional(),
    accounts: z
      .array(storageAccountSchema, { error: expected("a list of storage accounts") })
      .min(1, { error: "must list at least one storage account" }),
  }),
});

export const registrySchema = strict({
  backend: backendSchema.default({ type: "local", directory: "terraform-state" }),
  provider: providerSchema,
  customers: z
    .array(customerSchema, { error: expected("a list of customers") })
    .min(1, { error: "must list at least one customer" }),
});

export type RawRegistry = z.output<typeof registrySchema>;
export type Backend = z.output<typeof backendSchema>;
