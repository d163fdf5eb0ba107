import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { loadRegistry, Registry, RegistryError } from "../config/registry";
import {
  azurermBackend,
  CustomerDocument,
  deleteIn,
  EXAMPLE_REGISTRY_FILE,
  exampleText,
  fabrikam,
  FABRIKAM_VAULT_URI,
  FILE,
  northwind,
  problemsIn,
  registryError,
  RegistryDocument,
  registryText,
  registryWithSeveralProblems,
  setIn,
  validRegistry,
} from "../test-support/registry-fixtures";

type Path = readonly (string | number)[];

/** One problem a bad registry must produce. */
interface Expected {
  /** The field path exactly as the message gives it, with the customer label where there is one. */
  readonly where: string;
  /** A distinctive part of the message: what is wrong or what is allowed. */
  readonly message: string;
  /** The value the message must show as received; omitted where there is none to show. */
  readonly received?: unknown;
}

interface BadCase {
  readonly title: string;
  readonly edit: (document: RegistryDocument) => void;
  readonly expected: readonly Expected[];
}

const CONTOSO = ' (customer "contoso")';

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The problem line: "<file>: <where>: ... <message> ... (received <value>)".
 * Values longer than the message shows are matched on their beginning.
 */
function problemLine({ where, message, received }: Expected, file = FILE): RegExp {
  let pattern = `^${escape(`${file}: ${where}: `)}.*${escape(message)}`;
  if (received !== undefined) {
    // Messages show invisible formatting characters as \u escapes.
    const shown = JSON.stringify(received).replace(
      /\p{Cf}/gu,
      (char) => `\\u${char.codePointAt(0)!.toString(16).padStart(4, "0")}`,
    );
    pattern +=
      shown.length <= 80 ? `.*${escape(` (received ${shown})`)}$` : `.*${escape(` (received ${shown.slice(0, 40)}`)}`;
  }
  return new RegExp(pattern, "s");
}

function expectProblems(problems: readonly string[], expected: readonly Expected[]): void {
  expect(problems).toEqual(
    expect.arrayContaining(expected.map((problem) => expect.stringMatching(problemLine(problem)))),
  );
  expect(problems).toHaveLength(expected.length);
}

/** One case per value: the field at `fieldPath` set to it, one problem expected. */
function invalidValues(
  fieldPath: Path,
  where: string,
  message: string,
  values: readonly (readonly [why: string, value: unknown])[],
): BadCase[] {
  return values.map(([why, value]) => ({
    title: `${where.replace(/ \(customer .*\)$/, "")} ${why}`,
    edit: (document) => setIn(document, fieldPath, value),
    expected: [{ where, message, received: value }],
  }));
}

/** A field the schema does not know, added next to the real ones. */
function unknownField(fieldPath: Path, where: string, value: unknown = "x"): BadCase {
  const field = String(fieldPath[fieldPath.length - 1]);
  return {
    title: `unknown field "${field}" in ${where.replace(/ \(customer .*\)$/, "")}`,
    edit: (document) => setIn(document, fieldPath, value),
    expected: [{ where, message: `unknown field "${field}"; allowed fields here: ` }],
  };
}

const GUID = "a GUID in lowercase";
const UPPERCASE_GUID = "72F988BF-86F1-41AF-91AB-2D7CD011DB47";

const guidCases: BadCase[] = [
  ...invalidValues(["provider", "tenantId"], "provider.tenantId", GUID, [
    ["is a domain name, not a GUID", "bestserviceprovider.onmicrosoft.com"],
    ["is an uppercase GUID", UPPERCASE_GUID],
  ]),
  ...invalidValues(["provider", "subscriptionId"], "provider.subscriptionId", GUID, [
    ["is a GUID in braces", "{22222222-2222-4222-8222-222222222222}"],
    ["is an uppercase GUID", "2222AAAA-2222-4222-8222-222222222222"],
  ]),
  ...invalidValues(["customers", 0, "tenantId"], `customers[0].tenantId${CONTOSO}`, GUID, [
    ["is a domain name, not a GUID", "contoso.onmicrosoft.com"],
    ["is an uppercase GUID", "3333AAAA-3333-4333-8333-333333333333"],
  ]),
  ...invalidValues(["customers", 0, "subscriptionId"], `customers[0].subscriptionId${CONTOSO}`, GUID, [
    ["is a GUID cut short", "44444444-4444-4444-8444"],
    ["is an uppercase GUID", "4444AAAA-4444-4444-8444-444444444444"],
  ]),
];

const nameCases: BadCase[] = [
  ...invalidValues(
    ["customers", 0, "keyVault", "name"],
    `customers[0].keyVault.name${CONTOSO}`,
    "must be 3 to 24 letters, digits and single hyphens",
    [
      ["has two hyphens in a row", "a--b"],
      ["is too short", "kv"],
      ["is too long (25)", "contosovault1122abcdefghi"],
      ["starts with a digit", "1contosovault"],
      ["ends with a hyphen", "contosovault-"],
      ["has an underscore", "contoso_vault"],
    ],
  ),
  ...invalidValues(
    ["customers", 0, "storage", "accounts", 0, "name"],
    `customers[0].storage.accounts[0].name${CONTOSO}`,
    "must be 3 to 24 lowercase letters and digits",
    [
      ["has uppercase letters", "ContosoData01"],
      ["is too short", "st"],
      ["is too long (25)", "contosodata01abcdefghijkl"],
      ["has a hyphen", "contoso-data"],
    ],
  ),
  ...invalidValues(
    ["provider", "resourceGroup"],
    "provider.resourceGroup",
    "must be 1 to 90 letters, digits, underscores, hyphens, periods and parentheses, not ending with a period",
    [
      ["ends with a period", "XTCMKDemo."],
      ["is too long (91)", "r".repeat(91)],
    ],
  ),
  ...invalidValues(
    ["customers", 0, "resourceGroup"],
    `customers[0].resourceGroup${CONTOSO}`,
    "not ending with a period",
    [["ends with a period", "CMKKeys."]],
  ),
  ...invalidValues(
    ["customers", 0, "storage", "resourceGroup"],
    `customers[0].storage.resourceGroup${CONTOSO}`,
    "must be 1 to 90 letters, digits",
    [
      ["has a space", "rg contoso data"],
      ["is too long (91)", "r".repeat(91)],
    ],
  ),
  ...invalidValues(
    ["customers", 0, "key", "name"],
    `customers[0].key.name${CONTOSO}`,
    "must be 1 to 127 letters, digits and hyphens",
    [
      ["has a space", "master cmk key"],
      ["has an underscore", "master_cmk_key"],
      ["is too long (128)", "k".repeat(128)],
    ],
  ),
  ...invalidValues(
    ["provider", "identity", "name"],
    "provider.identity.name",
    "must be 3 to 128 letters, digits, hyphens and underscores, starting with a letter or digit",
    [
      ["is too short", "id"],
      ["starts with a hyphen", "-xtcmkFIC"],
      ["has a period", "xtcmk.FIC"],
      ["is too long (129)", "i".repeat(129)],
    ],
  ),
  ...invalidValues(
    ["provider", "federatedCredential", "displayName"],
    "provider.federatedCredential.displayName",
    "must be 3 to 120 letters, digits, hyphens and underscores, starting with a letter or digit",
    [
      ["is too short", "xt"],
      ["is too long (121)", "x".repeat(121)],
      ["starts with a hyphen", "-xtcmk-storage"],
      ["starts with an underscore", "_xtcmk-storage"],
      ["has a space", "xtcmk storage"],
      ["has a period", "xtcmk.storage"],
    ],
  ),
  ...invalidValues(["provider", "application", "displayName"], "provider.application.displayName", "not blank", [
    ["is empty", ""],
    ["is blank", "   "],
    ["starts with a space", " XTCMKDemoApp"],
    ["is too long (121)", "a".repeat(121)],
  ]),
];

/** A bad customer name appears in the customer label as received. */
const customerNameCases: BadCase[] = (
  [
    ["has uppercase letters (stack ids are lowercase)", "Contoso"],
    ["has an underscore", "con_toso"],
    ["starts with a digit", "1contoso"],
    ["ends with a hyphen", "contoso-"],
    ["has two hyphens in a row", "con--toso"],
    ["is too long (33)", "c".repeat(33)],
    ["is empty", ""],
  ] as const
).flatMap(([why, name]) =>
  invalidValues(
    ["customers", 0, "name"],
    `customers[0].name (customer ${JSON.stringify(name)})`,
    "lowercase letters, digits and single hyphens, starting with a letter and ending with a letter or digit",
    [[why, name]],
  ),
);

const keyCases: BadCase[] = [
  ...invalidValues(
    ["customers", 0, "key", "size"],
    `customers[0].key.size${CONTOSO}`,
    "must be one of 2048, 3072, 4096",
    [
      ["is 1024", 1024],
      ["is 8192", 8192],
      ["is a string", "3072"],
    ],
  ),
  ...invalidValues(["customers", 0, "key", "type"], `customers[0].key.type${CONTOSO}`, "must be one of RSA, RSA-HSM", [
    ["is EC (EC keys cannot serve as CMK)", "EC"],
    ["is lowercase rsa", "rsa"],
  ]),
  {
    title: "key type RSA-HSM with the default (standard) vault",
    edit: (document) => setIn(document, ["customers", 0, "key", "type"], "RSA-HSM"),
    expected: [{ where: `customers[0].key.type${CONTOSO}`, message: "needs a premium vault", received: "RSA-HSM" }],
  },
  {
    title: "key type RSA-HSM with keyVault.sku standard",
    edit: (document) => {
      setIn(document, ["customers", 0, "key", "type"], "RSA-HSM");
      setIn(document, ["customers", 0, "keyVault", "sku"], "standard");
    },
    expected: [{ where: `customers[0].key.type${CONTOSO}`, message: "needs a premium vault", received: "RSA-HSM" }],
  },
  ...invalidValues(
    ["customers", 0, "keyVault", "sku"],
    `customers[0].keyVault.sku${CONTOSO}`,
    "one of standard, premium",
    [["is not a vault SKU", "Premium_LRS"]],
  ),
  ...invalidValues(["customers", 0, "key", "rotateAfter"], `customers[0].key.rotateAfter${CONTOSO}`, "at least P7D", [
    ["is shorter than 7 days (P1D)", "P1D"],
    ["is shorter than 7 days (P6D)", "P6D"],
    ["is zero", "P0D"],
  ]),
  // "P" is malformed; it must not also be reported as too short.
  ...invalidValues(
    ["customers", 0, "key", "rotateAfter"],
    `customers[0].key.rotateAfter${CONTOSO}`,
    "must be an ISO 8601 duration",
    [
      ["is plain words", "90 days"],
      ["is in hours", "PT1H"],
      ["is in weeks", "P1W"],
      ["has no number", "P"],
    ],
  ),
  ...invalidValues(
    ["customers", 0, "keyVault", "softDeleteRetentionDays"],
    `customers[0].keyVault.softDeleteRetentionDays${CONTOSO}`,
    "must be a whole number of days from 7 to 90",
    [
      ["is 6", 6],
      ["is 91", 91],
      ["is not whole", 30.5],
      ["is a string", "90"],
    ],
  ),
];

const unknownFieldCases: BadCase[] = [
  unknownField(["custmers"], "(top level)", []),
  unknownField(["provider", "tenantID"], "provider"),
  unknownField(["provider", "application", "redirectUri"], "provider.application"),
  unknownField(["provider", "identity", "clientId"], "provider.identity"),
  unknownField(["provider", "federatedCredential", "subject"], "provider.federatedCredential"),
  unknownField(["backend", "dir"], "backend", "state"),
  unknownField(["customers", 0, "keyvault"], `customers[0]${CONTOSO}`, {}),
  unknownField(["customers", 0, "keyVault", "purgeProtection"], `customers[0].keyVault${CONTOSO}`, false),
  unknownField(["customers", 0, "key", "keySize"], `customers[0].key${CONTOSO}`, 4096),
  unknownField(["customers", 0, "storage", "acounts"], `customers[0].storage${CONTOSO}`, []),
  unknownField(
    ["customers", 0, "storage", "accounts", 0, "replicationType"],
    `customers[0].storage.accounts[0]${CONTOSO}`,
    "GRS",
  ),
];

/** Adds a fresh second customer, changed by `edit`. */
function addCustomer(make: () => CustomerDocument, edit: (customer: CustomerDocument) => void) {
  return (document: RegistryDocument) => {
    const customer = make();
    edit(customer);
    document.customers.push(customer);
  };
}

const duplicateCases: BadCase[] = [
  {
    title: "a customer name used twice",
    edit: addCustomer(northwind, (customer) => (customer.name = "contoso")),
    expected: [
      { where: `customers[1].name${CONTOSO}`, message: "already used at customers[0].name", received: "contoso" },
    ],
  },
  {
    title: "a storage account name used twice by one customer",
    edit: (document) => document.customers[0].storage.accounts.push({ name: "contosodata01" }),
    expected: [
      {
        where: `customers[0].storage.accounts[1].name${CONTOSO}`,
        message: "already used at customers[0].storage.accounts[0].name",
        received: "contosodata01",
      },
    ],
  },
  {
    title: "a storage account name used by two customers",
    edit: addCustomer(northwind, (customer) => (customer.storage.accounts[0].name = "contosodata01")),
    expected: [
      {
        where: 'customers[1].storage.accounts[0].name (customer "northwind")',
        message: "already used at customers[0].storage.accounts[0].name",
        received: "contosodata01",
      },
    ],
  },
  {
    title: "a storage account name used by a managed and an external customer",
    edit: addCustomer(fabrikam, (customer) => (customer.storage.accounts[0].name = "contosodata01")),
    expected: [
      {
        where: 'customers[1].storage.accounts[0].name (customer "fabrikam")',
        message: "already used at customers[0].storage.accounts[0].name",
        received: "contosodata01",
      },
    ],
  },
  {
    title: "a key vault name used by two customers",
    edit: addCustomer(northwind, (customer) => (customer.keyVault.name = "contosovault1122")),
    expected: [
      {
        where: 'customers[1].keyVault.name (customer "northwind")',
        message: "already used at customers[0].keyVault.name",
        received: "contosovault1122",
      },
    ],
  },
  {
    title: "a key vault name used by two customers, differing only by case (vault names are case-insensitive)",
    edit: addCustomer(northwind, (customer) => (customer.keyVault.name = "ContosoVault1122")),
    expected: [
      {
        where: 'customers[1].keyVault.name (customer "northwind")',
        message: "already used at customers[0].keyVault.name",
        received: "ContosoVault1122",
      },
    ],
  },
  {
    // A vault lives in one tenant: contoso's vault cannot be fabrikam's too.
    title: "a key vault this project creates for one customer given as another customer's keyVault.uri",
    edit: addCustomer(fabrikam, (customer) => (customer.keyVault.uri = "https://contosovault1122.vault.azure.net/")),
    expected: [
      {
        where: 'customers[1].keyVault.uri (customer "fabrikam")',
        message: "already used at customers[0].keyVault.name",
        received: "https://contosovault1122.vault.azure.net/",
      },
    ],
  },
  {
    title: "a storage resource group that is the provider's own resource group",
    edit: (document) => (document.customers[0].storage.resourceGroup = "XTCMKDemo"),
    expected: [
      {
        where: `customers[0].storage.resourceGroup${CONTOSO}`,
        message: "already used at provider.resourceGroup",
        received: "XTCMKDemo",
      },
    ],
  },
  {
    title: "two customers' storage resource groups, differing only by case",
    edit: addCustomer(northwind, (customer) => (customer.storage.resourceGroup = "RG-Contoso-Data")),
    expected: [
      {
        where: 'customers[1].storage.resourceGroup (customer "northwind")',
        message: "already used at customers[0].storage.resourceGroup",
        received: "RG-Contoso-Data",
      },
    ],
  },
];

const PROVIDER_TENANT_LOWER = UPPERCASE_GUID.toLowerCase();

const tenantCases: BadCase[] = [
  {
    title: "a customer in the provider's tenant",
    edit: (document) => (document.customers[0].tenantId = document.provider.tenantId),
    expected: [
      {
        where: `customers[0].tenantId${CONTOSO}`,
        message: "is the provider's own tenant",
        received: "11111111-1111-4111-8111-111111111111",
      },
    ],
  },
  {
    title: "a customer in the provider's tenant, written in uppercase",
    edit: (document) => {
      document.provider.tenantId = PROVIDER_TENANT_LOWER;
      document.customers[0].tenantId = UPPERCASE_GUID;
    },
    expected: [
      { where: `customers[0].tenantId${CONTOSO}`, message: GUID, received: UPPERCASE_GUID },
      { where: `customers[0].tenantId${CONTOSO}`, message: "is the provider's own tenant", received: UPPERCASE_GUID },
    ],
  },
  {
    title: "an external customer in the provider's tenant",
    edit: addCustomer(fabrikam, (customer) => (customer.tenantId = "11111111-1111-4111-8111-111111111111")),
    expected: [
      {
        where: 'customers[1].tenantId (customer "fabrikam")',
        message: "is the provider's own tenant",
        received: "11111111-1111-4111-8111-111111111111",
      },
    ],
  },
  {
    title: "a customer vault in the provider's subscription",
    edit: (document) => (document.customers[0].subscriptionId = document.provider.subscriptionId),
    expected: [
      {
        where: `customers[0].subscriptionId${CONTOSO}`,
        message:
          "is also given at provider.subscriptionId, in tenant 11111111-1111-4111-8111-111111111111; a subscription belongs to exactly one tenant",
        received: "22222222-2222-4222-8222-222222222222",
      },
    ],
  },
];

/** Fields that only a customer whose vault this project creates may give. */
const MANAGED_ONLY_FIELDS: readonly (readonly [Path, unknown])[] = [
  [["subscriptionId"], "88888888-8888-4888-8888-888888888888"],
  [["location"], "westeurope"],
  [["resourceGroup"], "rg-fabrikam-keys"],
  [["backend"], { type: "local", directory: "fabrikam-state" }],
  [["keyVault", "sku"], "premium"],
  [["keyVault", "softDeleteRetentionDays"], 30],
  [["keyVault", "roleWait"], "10m"],
  [["key", "type"], "RSA"],
  [["key", "size"], 2048],
  [["key", "rotateAfter"], "P90D"],
];

const keyVaultCases: BadCase[] = [
  {
    title: "keyVault with both name and uri",
    edit: (document) => (document.customers[0].keyVault.uri = "https://contosovault1122.vault.azure.net/"),
    expected: [{ where: `customers[0].keyVault${CONTOSO}`, message: "gives both name and uri" }],
  },
  {
    title: "keyVault with neither name nor uri",
    edit: (document) => (document.customers[0].keyVault = {}),
    expected: [{ where: `customers[0].keyVault${CONTOSO}`, message: "needs name" }],
  },
  {
    title: "keyVault with only a sku",
    edit: (document) => (document.customers[0].keyVault = { sku: "premium" }),
    expected: [{ where: `customers[0].keyVault${CONTOSO}`, message: "needs name" }],
  },
  ...invalidValues(
    ["customers", 0, "keyVault", "uri"],
    `customers[0].keyVault.uri${CONTOSO}`,
    "must be a public-cloud vault URI",
    [["is a China-cloud vault", "https://contoso.vault.azure.cn/"]],
  ).map((badCase) => ({
    ...badCase,
    edit: (document: RegistryDocument) => {
      document.customers[0] = { ...fabrikam(), name: "contoso" };
      badCase.edit(document);
    },
  })),
  ...MANAGED_ONLY_FIELDS.map(([field, value]): BadCase => {
    const where = `customers[1].${field.join(".")} (customer "fabrikam")`;
    return {
      title: `${field.join(".")} given with keyVault.uri`,
      edit: addCustomer(fabrikam, (customer) => setIn(customer, field, value)),
      expected: [{ where, message: "is only used when this project creates the customer's vault", received: value }],
    };
  }),
  ...["subscriptionId", "location", "resourceGroup"].map((field): BadCase => ({
    title: `${field} missing with keyVault.name`,
    edit: (document) => deleteIn(document, ["customers", 0, field]),
    expected: [
      {
        where: `customers[0].${field}${CONTOSO}`,
        message: "is required when this project creates the customer's vault",
      },
    ],
  })),
];

const STATE_DIRECTORY = "must be a relative path inside the project folder";

const backendCases: BadCase[] = [
  {
    // The message should name the type received, not call the type field an object.
    title: "backend of an unknown type",
    edit: (document) => (document.backend = { type: "s3" }),
    expected: [{ where: "backend.type", message: '"local" or "azurerm"', received: "s3" }],
  },
  ...invalidValues(["backend", "directory"], "backend.directory", STATE_DIRECTORY, [
    ["climbs out with '..'", "../terraform-state"],
    ["climbs out with '..' further in", "state/../../elsewhere"],
    ["is inside cdktf.out (the CLI deletes stack folders)", "cdktf.out/state"],
    ["is cdktf.out itself", "cdktf.out"],
    ["is an absolute path", "/var/lib/terraform-state"],
    ["is a Windows absolute path", "C:/terraform-state"],
    // `npm ci` deletes node_modules, and the state with it.
    ["is inside node_modules", "node_modules/terraform-state"],
    // The folder the README suggests for reviewing HCL.
    ["is a cdktf.out sibling such as cdktf.out.hcl", "cdktf.out.hcl/state"],
    // macOS and Windows compare names without case.
    ["is cdktf.out in another case", "CDKTF.OUT/state"],
    ["is .git in another case", ".GIT"],
  ]),
  {
    title: "a customer's backend directory that climbs out with '..'",
    edit: (document) => setIn(document, ["customers", 0, "backend"], { type: "local", directory: "../contoso-state" }),
    expected: [
      { where: `customers[0].backend.directory${CONTOSO}`, message: STATE_DIRECTORY, received: "../contoso-state" },
    ],
  },
  ...invalidValues(
    ["backend", "storageAccount"],
    "backend.storageAccount",
    "must be 3 to 24 lowercase letters and digits",
    [["of an azurerm backend has uppercase letters", "BspTfState01"]],
  ).map((badCase) => ({
    ...badCase,
    edit: (document: RegistryDocument) => {
      document.backend = azurermBackend();
      badCase.edit(document);
    },
  })),
];

/** A second customer like northwind, in contoso's tenant. */
function northwindInContosoTenant(customer: CustomerDocument): void {
  customer.tenantId = "33333333-3333-4333-8333-333333333333";
}

/** Inputs a fresh user found accepted that would fail later in Azure, or mislead. */
const lateFailureCases: BadCase[] = [
  ...invalidValues(["provider", "tenantId"], "provider.tenantId", "not the all-zero GUID", [
    ["is the all-zero GUID", "00000000-0000-0000-0000-000000000000"],
  ]),
  ...invalidValues(
    ["provider", "application", "displayName"],
    "provider.application.displayName",
    "without leading or trailing spaces, control characters or invisible formatting characters",
    [
      ["holds a NUL character", "XTCMK\u0000DemoApp"],
      ["holds a line break", "XTCMK\nDemoApp"],
      ["holds a zero-width space", "XTCMK\u200bDemoApp"],
      ["holds a right-to-left override", "XTCMK\u202eDemoApp"],
    ],
  ),
  ...invalidValues(
    ["provider", "application", "redirectUris", 0],
    "provider.application.redirectUris[0]",
    "an https:// URL of at most 256 characters",
    [
      ["is longer than 256 characters", `https://www.bestserviceprovider.com/${"a".repeat(221)}`],
      ["holds characters Entra refuses", "https://www.bestserviceprovider.com/a(b);c,d$e!f'"],
      ["has a fragment", "https://www.bestserviceprovider.com/#consent"],
      ["has a wildcard", "https://*.bestserviceprovider.com/"],
      ["is http", "http://www.bestserviceprovider.com/"],
    ],
  ),
  {
    title: "more than 256 redirect URIs",
    edit: (document) =>
      setIn(
        document,
        ["provider", "application", "redirectUris"],
        Array.from({ length: 257 }, (_, index) => `https://www.bestserviceprovider.com/${index}`),
      ),
    expected: [{ where: "provider.application.redirectUris", message: "at most 256 URLs" }],
  },
  {
    title: "a redirect URI listed twice",
    edit: (document) =>
      setIn(document, ["provider", "application", "redirectUris", 1], "https://www.bestserviceprovider.com/"),
    expected: [
      {
        where: "provider.application.redirectUris[1]",
        message: "already used at provider.application.redirectUris[0]",
        received: "https://www.bestserviceprovider.com/",
      },
    ],
  },
  ...invalidValues(
    ["customers", 0, "keyVault", "roleWait"],
    `customers[0].keyVault.roleWait${CONTOSO}`,
    "from 0s to 1h",
    [
      ["is longer than an hour", "2h"],
      ["is in days", "1d"],
    ],
  ),
  ...invalidValues(
    ["customers", 0, "storage", "accounts", 0, "name"],
    `customers[0].storage.accounts[0].name${CONTOSO}`,
    "YAML read this value as a number: put it in quotes",
    [["is a bare number", 123456]],
  ),
  ...invalidValues(["customers", 0, "key", "name"], `customers[0].key.name${CONTOSO}`, "read this value as a boolean", [
    ["is a bare boolean", true],
  ]),
  {
    title: "two customers in one tenant",
    edit: addCustomer(northwind, northwindInContosoTenant),
    expected: [
      {
        where: 'customers[1].tenantId (customer "northwind")',
        message: "already used at customers[0].tenantId; give each customer tenant one entry",
        received: "33333333-3333-4333-8333-333333333333",
      },
    ],
  },
  {
    title: "one subscription given for two customer tenants",
    edit: addCustomer(northwind, (customer) => (customer.subscriptionId = "44444444-4444-4444-8444-444444444444")),
    expected: [
      {
        where: 'customers[1].subscriptionId (customer "northwind")',
        message: "is also given at customers[0].subscriptionId, in tenant 33333333-3333-4333-8333-333333333333",
        received: "44444444-4444-4444-8444-444444444444",
      },
    ],
  },
  {
    title: "a state backend in the provider's subscription under another tenant",
    edit: (document) => (document.backend = { ...azurermBackend(), tenantId: "99999999-9999-4999-8999-999999999999" }),
    expected: [
      {
        where: "backend.subscriptionId",
        message: "is also given at provider.subscriptionId, in tenant 11111111-1111-4111-8111-111111111111",
        received: "22222222-2222-4222-8222-222222222222",
      },
      {
        where: "backend.tenantId",
        message: "must be the provider's tenant (provider.tenantId)",
        received: "99999999-9999-4999-8999-999999999999",
      },
    ],
  },
  {
    title: "a state backend in the resource group the provider stack creates",
    edit: (document) => (document.backend = { ...azurermBackend(), resourceGroup: "XTCMKDemo" }),
    expected: [
      {
        where: "backend.resourceGroup",
        message: "is the resource group a stack creates (provider.resourceGroup)",
        received: "XTCMKDemo",
      },
    ],
  },
  {
    title: "a state backend in a storage account a cmk stack creates",
    edit: (document) => (document.backend = { ...azurermBackend(), storageAccount: "contosodata01" }),
    expected: [
      {
        where: "backend.storageAccount",
        message: "is a storage account a cmk stack creates (customers[0].storage.accounts[0].name)",
        received: "contosodata01",
      },
    ],
  },
  {
    title: "one state account described in two tenants",
    edit: (document) => {
      document.backend = azurermBackend();
      setIn(document, ["customers", 0, "backend"], {
        ...azurermBackend(),
        tenantId: "33333333-3333-4333-8333-333333333333",
        subscriptionId: "44444444-4444-4444-8444-444444444444",
      });
    },
    expected: [
      {
        where: `customers[0].backend.storageAccount${CONTOSO}`,
        message: "is also the state account of backend with another tenant, subscription or resource group",
        received: "bsptfstate01",
      },
    ],
  },
];

/** Cases found by the second review: state placement and pasted ids. */
const trustCases: BadCase[] = [
  {
    title: "a customer's own state backend in another customer's tenant",
    edit: addCustomer(northwind, (customer) =>
      setIn(customer, ["backend"], {
        ...azurermBackend(),
        tenantId: "33333333-3333-4333-8333-333333333333",
        subscriptionId: "44444444-4444-4444-8444-444444444444",
        storageAccount: "contosostate01",
      }),
    ),
    expected: [
      {
        where: 'customers[1].backend.tenantId (customer "northwind")',
        message: "must be the provider's tenant or this customer's own",
        received: "33333333-3333-4333-8333-333333333333",
      },
    ],
  },
  {
    title: "the shared state backend in a customer's tenant",
    edit: (document) =>
      (document.backend = {
        ...azurermBackend(),
        tenantId: "33333333-3333-4333-8333-333333333333",
        subscriptionId: "44444444-4444-4444-8444-444444444444",
      }),
    expected: [
      {
        where: "backend.tenantId",
        message: "must be the provider's tenant (provider.tenantId)",
        received: "33333333-3333-4333-8333-333333333333",
      },
    ],
  },
  {
    title: "a local state directory that is another stack's state file",
    edit: (document) =>
      setIn(document, ["customers", 0, "backend"], { type: "local", directory: "terraform-state/provider.tfstate" }),
    expected: [
      {
        where: `customers[0].backend.directory${CONTOSO}`,
        message: "none ending in .tfstate",
        received: "terraform-state/provider.tfstate",
      },
    ],
  },
  {
    title: "a subscription id that is the customer's tenant id",
    edit: (document) => (document.customers[0].subscriptionId = document.customers[0].tenantId),
    expected: [
      {
        where: `customers[0].subscriptionId${CONTOSO}`,
        message: "is the same GUID as tenantId",
        received: "33333333-3333-4333-8333-333333333333",
      },
    ],
  },
];

const badCases: BadCase[] = [
  ...trustCases,
  ...lateFailureCases,
  ...guidCases,
  ...nameCases,
  ...customerNameCases,
  ...keyCases,
  ...unknownFieldCases,
  ...duplicateCases,
  ...tenantCases,
  ...keyVaultCases,
  ...backendCases,
];

describe("messages cannot be forged by the registry's text", () => {
  test("an unknown field whose name holds a line break and a terminal escape is shown escaped, on one line", () => {
    const problems = problemsIn(registryText((document) => setIn(document, ["provider", "\u001b[31mred\nfake"], 1)));

    expect(problems).toEqual([expect.stringContaining('unknown field "\\u001b[31mred\\nfake"')]);
    expect(problems[0]).not.toMatch(/\p{Cc}/u);
  });
});

describe("a registry file that is too large", () => {
  test("is refused before it is parsed, with its size and the limit", () => {
    const folder = mkdtempSync(path.join(tmpdir(), "cmk-registry-"));
    const file = path.join(folder, "huge.yaml");
    writeFileSync(file, `# ${"x".repeat(1024 * 1024)}\n${exampleText()}`);
    try {
      expect(() => loadRegistry(file)).toThrow(
        /huge\.yaml: the file is \d+ bytes; a registry may be at most 1048576 bytes/,
      );
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe("a registry with one mistake", () => {
  test.each(badCases)("rejects $title", ({ edit, expected }) => {
    expectProblems(problemsIn(registryText(edit)), expected);
  });
});

interface GoodCase {
  readonly title: string;
  readonly edit: (document: RegistryDocument) => void;
  /** What the validated registry must hold, beyond being accepted. */
  readonly check?: (registry: Registry) => void;
}

function validValues(fieldPath: Path, what: string, values: readonly unknown[]): GoodCase[] {
  return values.map((value) => ({
    title: `${what} ${JSON.stringify(value)}`,
    edit: (document) => setIn(document, fieldPath, value),
  }));
}

function managedKey(registry: Registry, index = 0) {
  const key = registry.customers[index].key;
  if (key.kind !== "managed") throw new Error(`customer ${index} is not managed`);
  return key;
}

const goodCases: GoodCase[] = [
  { title: "the example registry as shipped", edit: () => undefined },
  {
    title: "an external customer with keyVault.uri and key name only",
    edit: (document) => document.customers.push(fabrikam()),
    check: (registry) =>
      expect(registry.customers[1].key).toEqual({
        kind: "external",
        vaultUri: FABRIKAM_VAULT_URI,
        keyName: "fabrikam-cmk",
      }),
  },
  ...validValues(["customers", 0, "keyVault", "uri"], "an external customer's vault URI", [
    "https://fabrikamkeys.vault.azure.net",
  ]).map((goodCase) => ({
    ...goodCase,
    edit: (document: RegistryDocument) => {
      document.customers[0] = { ...fabrikam(), name: "contoso" };
      goodCase.edit(document);
    },
  })),
  {
    title: "a second managed customer",
    edit: (document) => document.customers.push(northwind()),
  },
  {
    title: "key type RSA-HSM with a premium vault",
    edit: (document) => {
      setIn(document, ["customers", 0, "key", "type"], "RSA-HSM");
      setIn(document, ["customers", 0, "keyVault", "sku"], "premium");
    },
    check: (registry) => expect(managedKey(registry).key.type).toBe("RSA-HSM"),
  },
  ...([2048, 3072, 4096] as const).map((size): GoodCase => ({
    title: `key size ${size}`,
    edit: (document) => setIn(document, ["customers", 0, "key", "size"], size),
    check: (registry) => expect(managedKey(registry).key.size).toBe(size),
  })),
  ...validValues(["customers", 0, "key", "type"], "key type", ["RSA"]),
  ...validValues(["customers", 0, "key", "rotateAfter"], "rotateAfter", ["P7D", "P90D", "P18M", "P1Y6M"]),
  ...validValues(["customers", 0, "keyVault", "softDeleteRetentionDays"], "softDeleteRetentionDays", [7, 90]),
  ...validValues(["provider", "tenantId"], "provider tenant id", [PROVIDER_TENANT_LOWER]),
  ...validValues(["customers", 0, "keyVault", "name"], "key vault name", [
    "kv1",
    "a-b-c",
    "contosovault1122abcdefgh",
    "Contoso-Keys",
  ]),
  ...validValues(["customers", 0, "storage", "accounts", 0, "name"], "storage account name", [
    "st1",
    "contosodata01abcdefghijk",
  ]),
  ...validValues(["provider", "resourceGroup"], "resource group", [
    "rg-(bsp)_identity.v1",
    "rg-müller",
    "r".repeat(90),
  ]),
  ...validValues(["customers", 0, "key", "name"], "key name", ["Master-CMK-2", "k".repeat(127)]),
  ...validValues(["provider", "identity", "name"], "identity name", ["id1", "xtcmk_fic-1", "i".repeat(128)]),
  ...validValues(["provider", "federatedCredential", "displayName"], "credential display name", [
    "x_1",
    "1xtcmk_storage-cmk",
    "x".repeat(120),
  ]),
  ...validValues(["provider", "application", "displayName"], "application display name", [
    "XTCMK Demo App",
    "a".repeat(120),
  ]),
  ...validValues(["customers", 0, "name"], "customer name", ["a", "contoso-2", "c0ntoso", "c".repeat(32)]),
  ...validValues(["backend", "directory"], "backend directory", ["state/cmk", "cdktf-state", "state.cdktf.out"]),
  {
    title: "a customer resource group named like the provider's, in another subscription",
    edit: (document) => setIn(document, ["customers", 0, "resourceGroup"], "XTCMKDemo"),
  },
  {
    title: "an azurerm backend",
    edit: (document) => (document.backend = azurermBackend()),
    check: (registry) => {
      expect(registry.backend).toEqual(azurermBackend());
      expect(managedKey(registry).backend).toEqual(registry.backend);
    },
  },
  {
    title: "a customer backend override",
    edit: (document) => setIn(document, ["customers", 0, "backend"], { type: "local", directory: "contoso-state" }),
    check: (registry) => {
      expect(managedKey(registry).backend).toEqual({ type: "local", directory: "contoso-state" });
      expect(registry.backend).toEqual({ type: "local", directory: "terraform-state" });
    },
  },
  {
    title: "a customer's azurerm backend override",
    edit: (document) =>
      setIn(document, ["customers", 0, "backend"], {
        ...azurermBackend(),
        tenantId: "33333333-3333-4333-8333-333333333333",
        subscriptionId: "44444444-4444-4444-8444-444444444444",
      }),
    check: (registry) => expect(managedKey(registry).backend.type).toBe("azurerm"),
  },
];

describe("a valid registry", () => {
  test.each(goodCases)("accepts $title", ({ edit, check }) => {
    const text = registryText(edit);
    expect(problemsIn(text)).toEqual([]);
    check?.(validRegistry(text));
  });

  test("the example file loads from disk with the stacks' defaults", () => {
    const registry = loadRegistry(EXAMPLE_REGISTRY_FILE);
    expect(registry.file).toBe(EXAMPLE_REGISTRY_FILE);
    expect(registry.customers.map((customer) => customer.name)).toEqual(["contoso"]);
    expect(managedKey(registry)).toMatchObject({
      vault: { name: "contosovault1122" },
      key: { name: "mastercmkkey", type: "RSA", size: 3072 },
    });
  });
});

describe("a registry that is not valid YAML", () => {
  /** "<line>:<col>" of the first occurrence of `marker` in the text, both counted from 1. */
  function position(text: string, marker: string): string {
    const lines = text.split("\n");
    const line = lines.findIndex((candidate) => candidate.includes(marker));
    expect(line).toBeGreaterThanOrEqual(0);
    return `${line + 1}:${lines[line].indexOf(marker) + 1}`;
  }

  test("an unknown tag is an error, not a silently dropped annotation", () => {
    const text = exampleText().replace("      name: mastercmkkey\n", "      name: !env mastercmkkey\n");
    expect(problemsIn(text)).toEqual([expect.stringMatching(/^registry\.yaml:\d+:\d+: not valid YAML: .*!env/)]);
  });

  test("an alias bomb is refused with a message, not a stack trace", () => {
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let level = 1; level < 8; level++) {
      const previous = String.fromCharCode(96 + level);
      const name = String.fromCharCode(97 + level);
      levels.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(", ")}]`);
    }
    expect(problemsIn(levels.join("\n"))).toEqual([
      expect.stringMatching(/^registry\.yaml: not valid YAML here: .*alias.*write the values out/),
    ]);
  });

  test("a few anchors reused by every customer are fine", () => {
    const text = exampleText()
      .replace("  location: eastus2\n", "  location: &region eastus2\n")
      .replace("    location: eastus2\n", "    location: *region\n");
    expect(problemsIn(text)).toEqual([]);
  });

  test("a duplicate key is reported at file:line:col", () => {
    const text = exampleText().replace(
      "      name: contosovault1122\n",
      "      name: contosovault1122\n      name: contosovault2233\n",
    );
    expect(problemsIn(text)).toEqual([
      `${FILE}:${position(text, "name: contosovault2233")}: not valid YAML: Map keys must be unique`,
    ]);
  });

  test("a duplicate top-level key is reported at file:line:col", () => {
    const text = `${exampleText()}\nbackend:\n  type: local\n`;
    const lines = text.split("\n");
    const second = lines.lastIndexOf("backend:") + 1;
    expect(problemsIn(text)).toEqual([`${FILE}:${second}:1: not valid YAML: Map keys must be unique`]);
  });

  test("broken syntax is reported at file:line:col", () => {
    const text = exampleText().replace("  name: BestServiceProvider\n", "  name: Best: ServiceProvider\n");
    expect(problemsIn(text)).toEqual([
      expect.stringMatching(new RegExp(`^${escape(`${FILE}:${position(text, "Best: ")}: not valid YAML: `)}\\S`)),
    ]);
  });

  test("a tab used as indentation is reported first, at its line", () => {
    const text = exampleText().replace(
      "  name: BestServiceProvider\n",
      "  name: BestServiceProvider\n\tlocation: eastus2\n",
    );
    const line = text.split("\n").indexOf("\tlocation: eastus2") + 1;
    expect(problemsIn(text)[0]).toBe(`${FILE}:${line}:1: not valid YAML: Tabs are not allowed as indentation`);
  });
});

describe("a registry file with nothing usable in it", () => {
  test.each([
    ["empty", ""],
    ["blank", "  \n\n"],
    ["only comments", "# a registry\n# to be written\n"],
  ])("an %s file says it holds no registry and names the required sections", (_, text) => {
    const problems = problemsIn(text);
    expect(problems).toEqual([
      expect.stringMatching(/^registry\.yaml: the file holds no registry .*provider: and customers:/),
    ]);
  });

  test("a list instead of a mapping at the top level", () => {
    expectProblems(problemsIn("- provider\n- customers\n"), [
      {
        where: "(top level)",
        message: "must be an object with the fields backend, provider, customers",
        received: ["provider", "customers"],
      },
    ]);
  });

  test("no customers", () => {
    expectProblems(problemsIn(registryText((document) => (document.customers = []))), [
      { where: "customers", message: "must list at least one customer", received: [] },
    ]);
  });

  test.each([
    ["a folder", () => mkdtempSync(path.join(tmpdir(), "cmk-registry-folder-"))],
    ["a device", () => "/dev/null"],
  ])("%s is refused as not a regular file", (_what, make) => {
    const file = make();
    expect(() => loadRegistry(file)).toThrow(new RegExp(`${escape(file)}: not a regular file`));
  });

  test("a file that is not UTF-8 is refused instead of read with replacement characters", () => {
    const folder = mkdtempSync(path.join(tmpdir(), "cmk-registry-"));
    const file = path.join(folder, "latin1.yaml");
    writeFileSync(file, Buffer.from(exampleText().replace("XTCMKDemoApp", "XTCMKD\u00e9moApp"), "latin1"));
    try {
      expect(() => loadRegistry(file)).toThrow(/latin1\.yaml: not valid UTF-8 text/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  test("a missing file names the file and CMK_REGISTRY", () => {
    const file = path.join(tmpdir(), "cmk-registry-does-not-exist", "registry.yaml");
    expect(() => loadRegistry(file)).toThrow(RegistryError);
    let problems: readonly string[] = [];
    try {
      loadRegistry(file);
    } catch (error) {
      problems = (error as RegistryError).problems;
    }
    expect(problems).toEqual([
      expect.stringMatching(new RegExp(`^${escape(`${file}: cannot read`)}.*ENOENT.*CMK_REGISTRY`)),
    ]);
  });
});

describe("a registry with several mistakes", () => {
  test("reports every problem together, each line starting with the file name", () => {
    const { text, where } = registryWithSeveralProblems();
    const file = "registries/acme.yaml";
    const error = registryError(text, file);

    expect(error.problems).toHaveLength(where.length);
    for (const place of where) {
      expect(error.problems).toContainEqual(expect.stringMatching(new RegExp(`^${escape(`${file}: ${place}: `)}`)));
    }
    const [heading, ...lines] = error.message.split("\n");
    expect(heading).toBe(`${file}: the registry has ${where.length} problems:`);
    expect(lines).toEqual(error.problems.map((problem) => `  - ${problem}`));
    for (const line of lines) expect(line).toMatch(new RegExp(`^  - ${escape(file)}: `));
  });

  test("schema problems do not hide cross-field problems", () => {
    const text = registryText((document) => {
      document.provider.tenantId = "not-a-guid";
      document.customers.push({ ...northwind(), name: "contoso", tenantId: "6666-not-a-guid" });
    });
    expectProblems(problemsIn(text), [
      { where: "provider.tenantId", message: GUID, received: "not-a-guid" },
      { where: `customers[1].tenantId${CONTOSO}`, message: GUID, received: "6666-not-a-guid" },
      { where: `customers[1].name${CONTOSO}`, message: "already used at customers[0].name", received: "contoso" },
    ]);
  });
});
