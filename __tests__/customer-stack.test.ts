import { ServicePrincipal } from "@cdktf/provider-azuread/lib/service-principal";
import { AzureadProvider } from "@cdktf/provider-azuread/lib/provider";
import { DataAzurermClientConfig } from "@cdktf/provider-azurerm/lib/data-azurerm-client-config";
import { KeyVault } from "@cdktf/provider-azurerm/lib/key-vault";
import { KeyVaultKey } from "@cdktf/provider-azurerm/lib/key-vault-key";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { Sleep } from "@cdktf/provider-time/lib/sleep";
import type { Registry } from "../config/registry";
import {
  CRYPTO_OFFICER,
  CRYPTO_SERVICE_ENCRYPTION_USER,
  CUSTOMER_SUBSCRIPTION,
  CUSTOMER_TENANT,
} from "../test-support/azure-expectations";
import { customerBackendRegistry, exampleRegistry, registryWith } from "../test-support/example-registry";
import {
  address,
  Block,
  dataReference,
  onlyResource,
  onlyResourceName,
  parse,
  providerBlock,
  reference,
  remoteOutput,
  remoteStates,
  remoteStateWith,
  resourcesOf,
  synthApp,
  synthStack,
} from "../test-support/synth";

const PROVIDER_STATE_PATH = "../../../terraform-state/provider.tfstate";

function synthCustomer(registry: Registry = exampleRegistry()): string {
  return synthStack(registry, "customer-contoso");
}

function roleDefinition(roleGuid: string): string {
  return `/subscriptions/${CUSTOMER_SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`;
}

/** The Terraform name and block of the only role assignment that grants this role. */
function grantOf(json: string, roleGuid: string): [string, Block] {
  const grants = Object.entries(resourcesOf(json, RoleAssignment)).filter(([, grant]) =>
    String(grant.role_definition_id).endsWith(`/roleDefinitions/${roleGuid}`),
  );
  if (grants.length !== 1) throw new Error(`expected one assignment of role ${roleGuid}, found ${grants.length}`);
  return grants[0];
}

describe("service principal of the vendor's application", () => {
  test("client_id is the application_client_id output of the provider stack's state", () => {
    const json = synthCustomer();
    const providerState = remoteStateWith(json, "path", PROVIDER_STATE_PATH);

    expect(json).toHaveResourceWithProperties(ServicePrincipal, {
      client_id: remoteOutput(providerState, "application_client_id"),
    });
  });

  test("a customer who already consented is adopted (use_existing)", () => {
    expect(synthCustomer()).toHaveResourceWithProperties(ServicePrincipal, { use_existing: true });
  });

  test("cannot be destroyed by a plan", () => {
    expect(synthCustomer()).toHaveResourceWithProperties(ServicePrincipal, { lifecycle: { prevent_destroy: true } });
  });
});

describe("provider stack's state", () => {
  test("is read from the local state file of stack provider", () => {
    const json = synthCustomer();

    expect(remoteStates(json)[remoteStateWith(json, "path", PROVIDER_STATE_PATH)]).toHaveProperty("backend", "local");
  });

  test("is the only state read", () => {
    expect(Object.keys(remoteStates(synthCustomer()))).toHaveLength(1);
  });

  test("a postcondition names the stack and the command to deploy it first", () => {
    const json = synthCustomer();
    const state = remoteStates(json)[remoteStateWith(json, "path", PROVIDER_STATE_PATH)];
    const postcondition = (state.lifecycle as { postcondition: { condition: string; error_message: string }[] })
      .postcondition[0];

    expect(postcondition.condition).toContain('"application_client_id"');
    expect(postcondition.error_message).toContain('stack "provider"');
    expect(postcondition.error_message).toContain("npx cdktf deploy provider");
  });
});

describe("key vault", () => {
  test.each([
    ["rbac_authorization_enabled", true],
    ["purge_protection_enabled", true],
    ["soft_delete_retention_days", 90],
    ["tenant_id", CUSTOMER_TENANT],
    ["name", "contosovault1122"],
    ["sku_name", "standard"],
  ])("%s = %p", (field, value) => {
    expect(synthCustomer()).toHaveResourceWithProperties(KeyVault, { [field]: value });
  });

  test("does not also set the deprecated enable_rbac_authorization", () => {
    expect(onlyResource(synthCustomer(), KeyVault)).not.toHaveProperty("enable_rbac_authorization");
  });

  test("cannot be destroyed by a plan", () => {
    expect(synthCustomer()).toHaveResourceWithProperties(KeyVault, { lifecycle: { prevent_destroy: true } });
  });

  test("soft_delete_retention_days follows the registry", () => {
    const registry = registryWith((document) =>
      document.setIn(["customers", 0, "keyVault", "softDeleteRetentionDays"], 30),
    );

    expect(synthCustomer(registry)).toHaveResourceWithProperties(KeyVault, { soft_delete_retention_days: 30 });
  });
});

describe("key", () => {
  test.each([
    ["name", "mastercmkkey"],
    ["key_type", "RSA"],
    ["key_size", 3072],
  ])("%s = %p", (field, value) => {
    expect(synthCustomer()).toHaveResourceWithProperties(KeyVaultKey, { [field]: value });
  });

  test("allows exactly the operations wrapKey and unwrapKey", () => {
    const operations = onlyResource(synthCustomer(), KeyVaultKey).key_opts as string[];

    expect([...operations].sort()).toEqual(["unwrapKey", "wrapKey"]);
  });

  test("lives in the customer's vault", () => {
    const json = synthCustomer();

    expect(json).toHaveResourceWithProperties(KeyVaultKey, { key_vault_id: reference(json, KeyVault, "id") });
  });

  test("rotates automatically", () => {
    expect(onlyResource(synthCustomer(), KeyVaultKey)).toHaveProperty("rotation_policy.automatic.time_after_creation");
  });

  test.each(["rotation_policy.expire_after", "rotation_policy.notify_before_expiry", "expiration_date"])(
    "sets no expiry that could cut a service off: no %s",
    (field) => {
      expect(onlyResource(synthCustomer(), KeyVaultKey)).not.toHaveProperty(field);
    },
  );

  test("rotation interval follows the registry", () => {
    const registry = registryWith((document) => document.setIn(["customers", 0, "key", "rotateAfter"], "P90D"));

    expect(onlyResource(synthCustomer(registry), KeyVaultKey)).toHaveProperty(
      "rotation_policy.automatic.time_after_creation",
      "P90D",
    );
  });

  test("cannot be destroyed by a plan", () => {
    expect(synthCustomer()).toHaveResourceWithProperties(KeyVaultKey, { lifecycle: { prevent_destroy: true } });
  });

  test("is 3072 bits when the registry gives no size", () => {
    const registry = registryWith((document) => document.deleteIn(["customers", 0, "key", "size"]));

    expect(synthCustomer(registry)).toHaveResourceWithProperties(KeyVaultKey, { key_size: 3072 });
  });

  test.each([2048, 4096])("key size %p from the registry is used", (size) => {
    const registry = registryWith((document) => document.setIn(["customers", 0, "key", "size"], size));

    expect(synthCustomer(registry)).toHaveResourceWithProperties(KeyVaultKey, { key_size: size });
  });
});

describe("key size warning", () => {
  function warningsFor(size: number): string[] {
    const registry = registryWith((document) => document.setIn(["customers", 0, "key", "size"], size));
    return synthApp(registry)
      .annotations["customer-contoso"].filter((annotation) => annotation.level === "@cdktf/warn")
      .map((annotation) => annotation.message);
  }

  test("a 2048-bit key is accepted with one warning that names the customer and the size", () => {
    expect(warningsFor(2048)).toEqual([
      expect.stringMatching(/^registry-variant\.yaml: customers\[0\]\.key\.size \(customer "contoso"\): 2048\b/),
    ]);
  });

  test.each([3072, 4096])("a %p-bit key gives no warning", (size) => {
    expect(warningsFor(size)).toEqual([]);
  });
});

describe("role assignments", () => {
  test("there are exactly two: the deployer's and the application's", () => {
    expect(Object.keys(resourcesOf(synthCustomer(), RoleAssignment))).toHaveLength(2);
  });

  describe("Key Vault Crypto Service Encryption User for the application", () => {
    test("role_definition_id has the subscription prefix and the built-in role's GUID", () => {
      const [, grant] = grantOf(synthCustomer(), CRYPTO_SERVICE_ENCRYPTION_USER);

      expect(grant.role_definition_id).toBe(roleDefinition(CRYPTO_SERVICE_ENCRYPTION_USER));
    });

    test("principal is the service principal's object_id, not its id", () => {
      const json = synthCustomer();
      const [, grant] = grantOf(json, CRYPTO_SERVICE_ENCRYPTION_USER);

      expect(grant.principal_id).toBe(reference(json, ServicePrincipal, "object_id"));
    });

    test("principal_type is ServicePrincipal", () => {
      const [, grant] = grantOf(synthCustomer(), CRYPTO_SERVICE_ENCRYPTION_USER);

      expect(grant.principal_type).toBe("ServicePrincipal");
    });

    test("scope is the key's versionless ARM id", () => {
      const json = synthCustomer();
      const [, grant] = grantOf(json, CRYPTO_SERVICE_ENCRYPTION_USER);

      expect(grant.scope).toBe(reference(json, KeyVaultKey, "resource_versionless_id"));
    });

    test.each([
      ["vault", KeyVault, "id"],
      ["resource group", ResourceGroup, "id"],
    ] as const)("scope is not the %s", (_what, type, attribute) => {
      const json = synthCustomer();
      const [, grant] = grantOf(json, CRYPTO_SERVICE_ENCRYPTION_USER);

      expect(grant.scope).not.toBe(reference(json, type, attribute));
    });

    test("cannot be destroyed by a plan", () => {
      const [, grant] = grantOf(synthCustomer(), CRYPTO_SERVICE_ENCRYPTION_USER);

      expect(grant).toHaveProperty("lifecycle.prevent_destroy", true);
    });

    test("the service principal holds no other role", () => {
      const json = synthCustomer();
      const principal = reference(json, ServicePrincipal, "object_id");
      const roles = Object.values(resourcesOf(json, RoleAssignment))
        .filter((grant) => grant.principal_id === principal)
        .map((grant) => grant.role_definition_id);

      expect(roles).toEqual([roleDefinition(CRYPTO_SERVICE_ENCRYPTION_USER)]);
    });
  });

  describe("Key Vault Crypto Officer for the deployer", () => {
    test("can be replaced when another principal deploys (no prevent_destroy)", () => {
      const [, grant] = grantOf(synthCustomer(), CRYPTO_OFFICER);

      expect(grant).not.toHaveProperty("lifecycle.prevent_destroy");
    });

    test("role_definition_id has the subscription prefix and the built-in role's GUID", () => {
      const [, grant] = grantOf(synthCustomer(), CRYPTO_OFFICER);

      expect(grant.role_definition_id).toBe(roleDefinition(CRYPTO_OFFICER));
    });

    test("principal is the deployer's object id", () => {
      const json = synthCustomer();
      const [, grant] = grantOf(json, CRYPTO_OFFICER);

      expect(grant.principal_id).toBe(dataReference(json, DataAzurermClientConfig, "object_id"));
    });

    test("scope is the vault", () => {
      const json = synthCustomer();
      const [, grant] = grantOf(json, CRYPTO_OFFICER);

      expect(grant.scope).toBe(reference(json, KeyVault, "id"));
    });
  });
});

describe("wait for the Crypto Officer grant to take effect", () => {
  test("the wait depends on the Crypto Officer grant", () => {
    const json = synthCustomer();
    const [officer] = grantOf(json, CRYPTO_OFFICER);

    expect(onlyResource(json, Sleep).depends_on).toContain(address(RoleAssignment, officer));
  });

  test("the key depends on the wait", () => {
    const json = synthCustomer();

    expect(onlyResource(json, KeyVaultKey).depends_on).toContain(address(Sleep, onlyResourceName(json, Sleep)));
  });

  test("waits 10 minutes by default, the time data-plane grants can take to apply", () => {
    expect(onlyResource(synthCustomer(), Sleep).create_duration).toBe("10m");
  });

  test("waits as long as the registry's keyVault.roleWait", () => {
    const registry = registryWith((document) => document.setIn(["customers", 0, "keyVault", "roleWait"], "90s"));

    expect(synthCustomer(registry)).toHaveResourceWithProperties(Sleep, { create_duration: "90s" });
  });
});

describe("outputs", () => {
  test.each([
    { output: "key_vault_uri", type: KeyVault, attribute: "vault_uri" },
    { output: "key_name", type: KeyVaultKey, attribute: "name" },
    { output: "key_versionless_id", type: KeyVaultKey, attribute: "versionless_id" },
    { output: "service_principal_object_id", type: ServicePrincipal, attribute: "object_id" },
  ])("$output is the $attribute of $type.tfResourceType", ({ output, type, attribute }) => {
    const json = synthCustomer();

    expect(parse(json).output?.[output]?.value).toBe(reference(json, type, attribute));
  });

  test("customer_tenant_id is the customer's tenant", () => {
    expect(parse(synthCustomer()).output?.customer_tenant_id?.value).toBe(CUSTOMER_TENANT);
  });
});

describe("providers", () => {
  test("only azurerm, azuread and time are configured", () => {
    expect(Object.keys(parse(synthCustomer()).provider ?? {}).sort()).toEqual(["azuread", "azurerm", "time"]);
  });

  test.each([
    ["tenant_id", CUSTOMER_TENANT],
    ["subscription_id", CUSTOMER_SUBSCRIPTION],
  ])("azurerm pins %s to the customer's", (field, value) => {
    expect(providerBlock(synthCustomer(), AzurermProvider)[field]).toBe(value);
  });

  test("azuread pins tenant_id to the customer's", () => {
    expect(providerBlock(synthCustomer(), AzureadProvider).tenant_id).toBe(CUSTOMER_TENANT);
  });
});

describe("backend", () => {
  test("by default, state is kept in terraform-state/customer-contoso.tfstate, relative to the working directory", () => {
    expect(parse(synthCustomer()).terraform?.backend).toEqual({
      local: { path: "../../../terraform-state/customer-contoso.tfstate" },
    });
  });

  test("a customer's own azurerm backend holds its state, with Entra ID auth", () => {
    expect(parse(synthCustomer(customerBackendRegistry())).terraform?.backend).toEqual({
      azurerm: {
        tenant_id: CUSTOMER_TENANT,
        subscription_id: CUSTOMER_SUBSCRIPTION,
        resource_group_name: "rg-contoso-tfstate",
        storage_account_name: "contosotfstate01",
        container_name: "tfstate",
        key: "customer-contoso.tfstate",
        use_azuread_auth: true,
      },
    });
  });

  test("with its own backend, the customer still reads the provider's state from the registry's backend", () => {
    const json = synthCustomer(customerBackendRegistry());

    expect(remoteStates(json)[remoteStateWith(json, "path", PROVIDER_STATE_PATH)]).toHaveProperty("backend", "local");
  });
});

test("the customer-contoso stack matches its reviewed snapshot (a change alarm: read the diff)", () => {
  expect(synthCustomer()).toMatchSnapshot();
});
