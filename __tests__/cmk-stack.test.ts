import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { StorageAccount } from "@cdktf/provider-azurerm/lib/storage-account";
import { StorageAccountCustomerManagedKeyA } from "@cdktf/provider-azurerm/lib/storage-account-customer-managed-key";
import type { Registry } from "../config/registry";
import { PROVIDER_SUBSCRIPTION, PROVIDER_TENANT } from "../test-support/azure-expectations";
import {
  CUSTOMER_AZURERM_BACKEND,
  customerBackendRegistry,
  exampleRegistry,
  registryWith,
  twoCustomerRegistry,
} from "../test-support/example-registry";
import {
  onlyResource,
  parse,
  providerBlock,
  reference,
  remoteOutput,
  remoteStates,
  remoteStateWith,
  resourcesOf,
  stackIds,
  synthStack,
  withApp,
} from "../test-support/synth";

const PROVIDER_STATE_PATH = "../../../terraform-state/provider.tfstate";
const CUSTOMER_STATE_PATH = "../../../terraform-state/customer-contoso.tfstate";

function synthCmk(registry: Registry = exampleRegistry(), customer = "contoso"): string {
  return synthStack(registry, `cmk-${customer}`);
}

function providerOutput(json: string, output: string): string {
  return remoteOutput(remoteStateWith(json, "path", PROVIDER_STATE_PATH), output);
}

function customerOutput(json: string, output: string): string {
  return remoteOutput(remoteStateWith(json, "path", CUSTOMER_STATE_PATH), output);
}

describe("storage account", () => {
  test.each([
    ["name", "contosodata01"],
    ["account_kind", "StorageV2"],
    ["min_tls_version", "TLS1_2"],
    ["https_traffic_only_enabled", true],
    ["allow_nested_items_to_be_public", false],
    ["shared_access_key_enabled", false],
    ["cross_tenant_replication_enabled", false],
    ["queue_encryption_key_type", "Account"],
    ["table_encryption_key_type", "Account"],
  ])("%s = %p", (field, value) => {
    expect(synthCmk()).toHaveResourceWithProperties(StorageAccount, { [field]: value });
  });

  test("is in the provider's region when the storage entry names none", () => {
    expect(synthCmk()).toHaveResourceWithProperties(StorageAccount, { location: "eastus2" });
  });

  test("attaches the provider stack's user-assigned identity, read from its state", () => {
    const json = synthCmk();

    expect(json).toHaveResourceWithProperties(StorageAccount, {
      identity: { type: "UserAssigned", identity_ids: [providerOutput(json, "identity_id")] },
    });
  });

  test("has no inline customer_managed_key block, which cannot carry a federated client id", () => {
    expect(onlyResource(synthCmk(), StorageAccount)).not.toHaveProperty("customer_managed_key");
  });

  test("ignores changes to the inline customer_managed_key", () => {
    expect(onlyResource(synthCmk(), StorageAccount)).toHaveProperty(
      "lifecycle.ignore_changes",
      expect.arrayContaining(["customer_managed_key"]),
    );
  });

  test("cannot be destroyed by a plan", () => {
    expect(onlyResource(synthCmk(), StorageAccount)).toHaveProperty("lifecycle.prevent_destroy", true);
  });
});

describe("customer-managed key resource", () => {
  test("cannot be destroyed by a plan (that would return the account to Microsoft-managed keys)", () => {
    expect(onlyResource(synthCmk(), StorageAccountCustomerManagedKeyA)).toHaveProperty(
      "lifecycle.prevent_destroy",
      true,
    );
  });

  test("key_vault_uri is the customer stack's key_vault_uri output", () => {
    const json = synthCmk();

    expect(json).toHaveResourceWithProperties(StorageAccountCustomerManagedKeyA, {
      key_vault_uri: customerOutput(json, "key_vault_uri"),
    });
  });

  test.each(["key_vault_id", "managed_hsm_key_id"])("sets no %s: the vault is in another tenant", (field) => {
    expect(onlyResource(synthCmk(), StorageAccountCustomerManagedKeyA)).not.toHaveProperty(field);
  });

  test("key_name is the customer stack's key_name output", () => {
    const json = synthCmk();

    expect(json).toHaveResourceWithProperties(StorageAccountCustomerManagedKeyA, {
      key_name: customerOutput(json, "key_name"),
    });
  });

  test("user_assigned_identity_id is the provider stack's identity_id output", () => {
    const json = synthCmk();

    expect(json).toHaveResourceWithProperties(StorageAccountCustomerManagedKeyA, {
      user_assigned_identity_id: providerOutput(json, "identity_id"),
    });
  });

  test("federated_identity_client_id is the provider stack's application_client_id output", () => {
    const json = synthCmk();

    expect(json).toHaveResourceWithProperties(StorageAccountCustomerManagedKeyA, {
      federated_identity_client_id: providerOutput(json, "application_client_id"),
    });
  });

  test("pins no key version, so that rotation is followed", () => {
    expect(onlyResource(synthCmk(), StorageAccountCustomerManagedKeyA)).not.toHaveProperty("key_version");
  });

  test("encrypts the stack's storage account", () => {
    const json = synthCmk();

    expect(json).toHaveResourceWithProperties(StorageAccountCustomerManagedKeyA, {
      storage_account_id: reference(json, StorageAccount, "id"),
    });
  });

  test("each of several accounts gets its own key resource", () => {
    const registry = registryWith((document) =>
      document.addIn(["customers", 0, "storage", "accounts"], document.createNode({ name: "contosodata02" })),
    );
    const json = synthCmk(registry);
    const accounts = Object.keys(resourcesOf(json, StorageAccount)).map(
      (name) => `\${${StorageAccount.tfResourceType}.${name}.id}`,
    );
    const encrypted = Object.values(resourcesOf(json, StorageAccountCustomerManagedKeyA)).map(
      (key) => key.storage_account_id,
    );

    expect(accounts).toHaveLength(2);
    expect(encrypted.sort()).toEqual(accounts.sort());
  });
});

describe("remote states", () => {
  test.each([
    ["key_vault_uri", "https://contosovault1122.vault.azure.net"],
    ["key_name", "mastercmkkey"],
  ])("the customer state's %s must equal the registry's value (%s)", (output, expected) => {
    const json = synthCmk();
    const state =
      remoteStates(json)[remoteStateWith(json, "path", "../../../terraform-state/customer-contoso.tfstate")];
    const conditions = (state.lifecycle as { postcondition: { condition: string }[] }).postcondition.map(
      (postcondition) => postcondition.condition,
    );

    expect(conditions).toContainEqual(
      `\${lower(trimsuffix(try(self.outputs["${output}"], "${expected}"), "/")) == "${expected}"}`,
    );
  });

  test("the provider state is not pinned: the vendor writes it", () => {
    const json = synthCmk();
    const state = remoteStates(json)[remoteStateWith(json, "path", "../../../terraform-state/provider.tfstate")];

    expect((state.lifecycle as { postcondition: unknown[] }).postcondition).toHaveLength(1);
  });

  test.each([
    ["provider", PROVIDER_STATE_PATH],
    ["customer-contoso", CUSTOMER_STATE_PATH],
  ])("stack %s's state is read from %s", (_producer, statePath) => {
    const json = synthCmk();

    expect(remoteStates(json)[remoteStateWith(json, "path", statePath)]).toHaveProperty("backend", "local");
  });

  test.each([
    ["provider", PROVIDER_STATE_PATH],
    ["customer-contoso", CUSTOMER_STATE_PATH],
  ])("a postcondition on stack %s's state names it and the command to deploy it first", (producer, statePath) => {
    const json = synthCmk();
    const state = remoteStates(json)[remoteStateWith(json, "path", statePath)];

    expect(state).toHaveProperty(
      ["lifecycle", "postcondition", 0, "error_message"],
      expect.stringContaining(`stack "${producer}"`),
    );
    expect(state).toHaveProperty(
      ["lifecycle", "postcondition", 0, "error_message"],
      expect.stringContaining(`npx cdktf deploy ${producer}`),
    );
  });

  test("no other state is read", () => {
    expect(Object.keys(remoteStates(synthCmk()))).toHaveLength(2);
  });
});

describe("a customer that runs its side itself (keyVault.uri)", () => {
  test("has no customer stack, only its cmk stack", () => {
    const ids = withApp(twoCustomerRegistry(), stackIds);

    expect(ids).toContain("cmk-fabrikam");
    expect(ids).not.toContain("customer-fabrikam");
  });

  test("the managed customer beside it keeps both stacks", () => {
    expect(withApp(twoCustomerRegistry(), stackIds)).toEqual(
      expect.arrayContaining(["provider", "customer-contoso", "cmk-contoso"]),
    );
  });

  test("key_vault_uri is the URI from the registry", () => {
    expect(synthCmk(twoCustomerRegistry(), "fabrikam")).toHaveResourceWithProperties(
      StorageAccountCustomerManagedKeyA,
      { key_vault_uri: "https://fabrikamkeys.vault.azure.net/" },
    );
  });

  test("key_name is the name from the registry", () => {
    expect(synthCmk(twoCustomerRegistry(), "fabrikam")).toHaveResourceWithProperties(
      StorageAccountCustomerManagedKeyA,
      { key_name: "fabrikam-cmk" },
    );
  });

  test("federated_identity_client_id is still the provider stack's application_client_id output", () => {
    const json = synthCmk(twoCustomerRegistry(), "fabrikam");

    expect(json).toHaveResourceWithProperties(StorageAccountCustomerManagedKeyA, {
      federated_identity_client_id: providerOutput(json, "application_client_id"),
    });
  });

  test("reads the provider's state and no customer state", () => {
    const json = synthCmk(twoCustomerRegistry(), "fabrikam");

    expect(Object.values(remoteStates(json)).map((state) => state.config)).toEqual([{ path: PROVIDER_STATE_PATH }]);
  });
});

describe("a customer with its own azurerm backend", () => {
  function customerState(json: string) {
    return remoteStates(json)[remoteStateWith(json, "key", "customer-contoso.tfstate")];
  }

  test("its state is read with the azurerm remote state", () => {
    expect(customerState(synthCmk(customerBackendRegistry()))).toHaveProperty("backend", "azurerm");
  });

  test("through Entra ID auth (use_azuread_auth), not storage account keys", () => {
    expect(customerState(synthCmk(customerBackendRegistry()))).toHaveProperty("config.use_azuread_auth", true);
  });

  test.each([
    ["tenant_id", CUSTOMER_AZURERM_BACKEND.tenantId],
    ["subscription_id", CUSTOMER_AZURERM_BACKEND.subscriptionId],
    ["resource_group_name", "rg-contoso-tfstate"],
    ["storage_account_name", "contosotfstate01"],
    ["container_name", "tfstate"],
  ])("from the registry's backend: config.%s = %p", (field, value) => {
    expect(customerState(synthCmk(customerBackendRegistry()))).toHaveProperty(["config", field], value);
  });

  test("key_vault_uri comes from that state", () => {
    const json = synthCmk(customerBackendRegistry());
    const state = remoteStateWith(json, "key", "customer-contoso.tfstate");

    expect(json).toHaveResourceWithProperties(StorageAccountCustomerManagedKeyA, {
      key_vault_uri: remoteOutput(state, "key_vault_uri"),
    });
  });

  test("the provider's state is still read from the registry's local backend", () => {
    const json = synthCmk(customerBackendRegistry());

    expect(remoteStates(json)[remoteStateWith(json, "path", PROVIDER_STATE_PATH)]).toHaveProperty("backend", "local");
  });

  test("the cmk stack's own state stays in the registry's backend", () => {
    expect(parse(synthCmk(customerBackendRegistry())).terraform?.backend).toEqual({
      local: { path: "../../../terraform-state/cmk-contoso.tfstate" },
    });
  });
});

describe("provider", () => {
  test("only azurerm is configured", () => {
    expect(Object.keys(parse(synthCmk()).provider ?? {})).toEqual(["azurerm"]);
  });

  test.each([
    ["tenant_id", PROVIDER_TENANT],
    ["subscription_id", PROVIDER_SUBSCRIPTION],
  ])("azurerm pins %s to the provider's", (field, value) => {
    expect(providerBlock(synthCmk(), AzurermProvider)[field]).toBe(value);
  });

  test("storage_use_azuread is on, since shared keys are off", () => {
    expect(providerBlock(synthCmk(), AzurermProvider).storage_use_azuread).toBe(true);
  });

  test("features.storage.data_plane_available is off: the accounts are managed through ARM alone", () => {
    expect(providerBlock(synthCmk(), AzurermProvider)).toHaveProperty(
      ["features", 0, "storage", 0, "data_plane_available"],
      false,
    );
  });
});

test("by default, state is kept in terraform-state/cmk-contoso.tfstate, relative to the working directory", () => {
  expect(parse(synthCmk()).terraform?.backend).toEqual({
    local: { path: "../../../terraform-state/cmk-contoso.tfstate" },
  });
});

test("the cmk-contoso stack matches its reviewed snapshot (a change alarm: read the diff)", () => {
  expect(synthCmk()).toMatchSnapshot();
});
