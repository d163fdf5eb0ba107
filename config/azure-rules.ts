/**
 * Naming and value rules that Azure and Entra ID enforce, kept in one place so
 * that the registry schema and the constructs agree. Each rule carries the
 * sentence that tells a user what is allowed.
 */

export interface Rule {
  /** What is allowed, phrased for an error message. */
  readonly allowed: string;
  readonly test: (value: string) => boolean;
}

function pattern(re: RegExp, allowed: string): Rule {
  return { allowed, test: (value) => re.test(value) };
}

const NIL_GUID = "00000000-0000-0000-0000-000000000000";

/**
 * Lowercase GUIDs only, and not the nil GUID: a tenant id is part of the token
 * issuer, which Entra compares as text.
 */
export const guid: Rule = {
  allowed: "a GUID in lowercase, like 72f988bf-86f1-41af-91ab-2d7cd011db47 (not the all-zero GUID)",
  test: (value) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(value) && value !== NIL_GUID,
};

export const customerName = pattern(
  /^(?!.*--)[a-z](?:[a-z0-9-]{0,30}[a-z0-9])?$/,
  "1 to 32 lowercase letters, digits and single hyphens, starting with a letter and ending with a letter or digit (it becomes the stack ids customer-<name> and cmk-<name>)",
);

export const location = pattern(
  /^[a-z][a-z0-9]{1,39}$/,
  "an Azure region name in lowercase without spaces, like eastus2 or westeurope",
);

export const resourceGroupName: Rule = {
  allowed: "1 to 90 letters, digits, underscores, hyphens, periods and parentheses, not ending with a period",
  test: (value) => /^[\p{L}\p{N}_.()-]{1,90}$/u.test(value) && !value.endsWith("."),
};

export const keyVaultName = pattern(
  /^(?!.*--)[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/,
  "3 to 24 letters, digits and single hyphens, starting with a letter and ending with a letter or digit (globally unique)",
);

export const keyName = pattern(/^[a-zA-Z0-9-]{1,127}$/, "1 to 127 letters, digits and hyphens");

export const identityName = pattern(
  /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,127}$/,
  "3 to 128 letters, digits, hyphens and underscores, starting with a letter or digit",
);

/** Entra's rule; the azuread provider itself checks only the length. */
export const credentialDisplayName = pattern(
  /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,119}$/,
  "3 to 120 letters, digits, hyphens and underscores, starting with a letter or digit (Entra's rule; the name cannot be changed later)",
);

/** Shown to every customer's administrator at consent: no control or invisible formatting characters. */
export const applicationDisplayName: Rule = {
  allowed:
    "1 to 120 characters, not blank, without leading or trailing spaces, control characters or invisible formatting characters",
  test: (value) => value.length >= 1 && value.length <= 120 && value.trim() === value && /^[^\p{C}]+$/u.test(value),
};

export const storageAccountName = pattern(/^[a-z0-9]{3,24}$/, "3 to 24 lowercase letters and digits (globally unique)");

/** Entra's limits on a web redirect URI. */
export const redirectUri: Rule = {
  allowed:
    "an https:// URL of at most 256 characters, without a fragment (#), wildcards (*), spaces or the characters ! $ ' ( ) , ; (Entra's rules)",
  test: (value) =>
    value.length <= 256 &&
    /^https:\/\/[a-zA-Z0-9.-]+(?::\d+)?(?:\/[^\s#*!$'(),;]*)?$/.test(value) &&
    !/\p{C}/u.test(value),
};

/** Public-cloud vault URI: the cross-tenant audience used here is the public cloud's. */
export const keyVaultUri = pattern(
  /^https:\/\/(?!.*--)[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]\.vault\.azure\.net\/?$/,
  "a public-cloud vault URI, https://<vault name>.vault.azure.net/",
);

/** ISO 8601 durations as Key Vault rotation policies take them. */
export const isoDuration = pattern(
  /^P(?=\d)(?:\d+Y)?(?:\d+M)?(?:\d+D)?$/,
  "an ISO 8601 duration in years, months and days, like P90D, P18M or P1Y",
);

/** Approximate length of an ISO 8601 duration in days (years 365, months 30). */
export function durationDays(value: string): number {
  const match = /^P(?=\d)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?$/.exec(value);
  if (!match) return Number.NaN;
  const [years, months, days] = match.slice(1).map((part) => Number(part ?? 0));
  return years * 365 + months * 30 + days;
}

const MAX_WAIT_SECONDS = 3600;

/** A time_sleep duration from 0s to 1h: longer would only stall a deploy. */
export const waitDuration: Rule = {
  allowed: "a duration from 0s to 1h, like 30s, 10m or 1h",
  test: (value) => {
    const match = /^(?=\d)(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(value);
    if (!match) return false;
    const [hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0));
    return hours * 3600 + minutes * 60 + seconds <= MAX_WAIT_SECONDS;
  },
};

/**
 * Folders that tools delete or rewrite, state kept there would be lost; any
 * folder whose name starts with cdktf.out counts (cdktf.out.hcl, for review).
 * Compared without case, as macOS and Windows file systems do.
 */
function inToolFolder(first: string): boolean {
  const folder = first.toLowerCase();
  return folder.startsWith("cdktf.out") || folder === "node_modules" || folder === ".git";
}

/** A path relative to the project folder, without `..` and outside the folders tools delete. */
export const stateDirectory: Rule = {
  allowed:
    "a relative path inside the project folder: ASCII letters, digits, '.', '_' and '-' in '/'-separated parts, no '.' or '..' parts and none ending in .tfstate, not inside cdktf.out*, node_modules or .git; like terraform-state",
  test: (value) =>
    /^[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)*$/.test(value) &&
    !value.split("/").some((part) => part === ".." || part === "." || part.toLowerCase().endsWith(".tfstate")) &&
    !inToolFolder(value.split("/")[0]),
};

export const storageContainerName = pattern(
  /^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/,
  "3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit",
);
