import { Application } from "@cdktf/provider-azuread/lib/application";
import { ApplicationFederatedIdentityCredential } from "@cdktf/provider-azuread/lib/application-federated-identity-credential";
import { DataAzureadClientConfig } from "@cdktf/provider-azuread/lib/data-azuread-client-config";
import { AzureadProvider } from "@cdktf/provider-azuread/lib/provider";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { UserAssignedIdentity } from "@cdktf/provider-azurerm/lib/user-assigned-identity";
import type { Registry } from "../config/registry";
import { PROVIDER_SUBSCRIPTION, PROVIDER_TENANT } from "../test-support/azure-expectations";
import { exampleRegistry, registryWith } from "../test-support/example-registry";
import { onlyResource, parse, providerBlock, reference, dataReference, synthStack } from "../test-support/synth";

function synthProvider(registry: Registry = exampleRegistry()): string {
  return synthStack(registry, "provider");
}

describe("federated identity credential", () => {
  test("cannot be destroyed by a plan", () => {
    expect(synthProvider()).toHaveResourceWithProperties(ApplicationFederatedIdentityCredential, {
      lifecycle: { prevent_destroy: true },
    });
  });

  test("issuer is the provider tenant's v2.0 token endpoint", () => {
    expect(synthProvider()).toHaveResourceWithProperties(ApplicationFederatedIdentityCredential, {
      issuer: `https://login.microsoftonline.com/${PROVIDER_TENANT}/v2.0`,
    });
  });

  test("issuer follows the registry's provider tenant", () => {
    const tenant = "abcdef01-2345-4678-89ab-cdef01234567";
    const registry = registryWith((document) => document.setIn(["provider", "tenantId"], tenant));

    expect(synthProvider(registry)).toHaveResourceWithProperties(ApplicationFederatedIdentityCredential, {
      issuer: `https://login.microsoftonline.com/${tenant}/v2.0`,
    });
  });

  test("subject is the identity's principal id, not its client id or resource id", () => {
    const json = synthProvider();

    expect(json).toHaveResourceWithProperties(ApplicationFederatedIdentityCredential, {
      subject: reference(json, UserAssignedIdentity, "principal_id"),
    });
  });

  test("audiences are exactly the public cloud's token exchange audience", () => {
    expect(synthProvider()).toHaveResourceWithProperties(ApplicationFederatedIdentityCredential, {
      audiences: ["api://AzureADTokenExchange"],
    });
  });

  test("application_id is the application's id, not its object id or client id", () => {
    const json = synthProvider();

    expect(json).toHaveResourceWithProperties(ApplicationFederatedIdentityCredential, {
      application_id: reference(json, Application, "id"),
    });
  });

  test("display name is the registry's", () => {
    expect(synthProvider()).toHaveResourceWithProperties(ApplicationFederatedIdentityCredential, {
      display_name: "xtcmk-storage-cmk",
    });
  });

  test("there is exactly one credential", () => {
    expect(() => onlyResource(synthProvider(), ApplicationFederatedIdentityCredential)).not.toThrow();
  });
});

describe("application", () => {
  test("signs in users of any organisation, so that customers can install it", () => {
    expect(synthProvider()).toHaveResourceWithProperties(Application, { sign_in_audience: "AzureADMultipleOrgs" });
  });

  test("the deployer stays its only owner", () => {
    const json = synthProvider();

    expect(json).toHaveResourceWithProperties(Application, {
      owners: [dataReference(json, DataAzureadClientConfig, "object_id")],
    });
  });

  test("cannot be destroyed by a plan", () => {
    expect(synthProvider()).toHaveResourceWithProperties(Application, { lifecycle: { prevent_destroy: true } });
  });

  test("display name is the registry's and duplicates are refused", () => {
    expect(synthProvider()).toHaveResourceWithProperties(Application, {
      display_name: "XTCMKDemoApp",
      prevent_duplicate_names: true,
    });
  });

  test("registers the reply address that the admin-consent flow ends on", () => {
    expect(synthProvider()).toHaveResourceWithProperties(Application, {
      web: { redirect_uris: ["https://www.bestserviceprovider.com/"] },
    });
  });
});

describe("user-assigned identity", () => {
  test("has the registry's name", () => {
    expect(synthProvider()).toHaveResourceWithProperties(UserAssignedIdentity, { name: "xtcmkFIC" });
  });

  test("cannot be destroyed by a plan", () => {
    expect(synthProvider()).toHaveResourceWithProperties(UserAssignedIdentity, {
      lifecycle: { prevent_destroy: true },
    });
  });
});

describe("outputs", () => {
  test.each([
    { output: "application_client_id", type: Application, attribute: "client_id" },
    { output: "application_object_id", type: Application, attribute: "object_id" },
    { output: "identity_id", type: UserAssignedIdentity, attribute: "id" },
    { output: "identity_principal_id", type: UserAssignedIdentity, attribute: "principal_id" },
  ])("$output is the $attribute of $type.tfResourceType", ({ output, type, attribute }) => {
    const json = synthProvider();

    expect(parse(json).output?.[output]?.value).toBe(reference(json, type, attribute));
  });

  test("provider_tenant_id is the provider's tenant", () => {
    expect(parse(synthProvider()).output?.provider_tenant_id?.value).toBe(PROVIDER_TENANT);
  });

  test("admin_consent_url asks any organisation's administrator to consent to the application's client id", () => {
    const json = synthProvider();
    const clientId = reference(json, Application, "client_id");

    expect(parse(json).output?.admin_consent_url?.value).toBe(
      `https://login.microsoftonline.com/organizations/adminconsent?client_id=${clientId}`,
    );
  });
});

describe("providers", () => {
  test("only azurerm and azuread are configured", () => {
    expect(Object.keys(parse(synthProvider()).provider ?? {}).sort()).toEqual(["azuread", "azurerm"]);
  });

  test.each([
    ["tenant_id", PROVIDER_TENANT],
    ["subscription_id", PROVIDER_SUBSCRIPTION],
  ])("azurerm pins %s to the provider's", (field, value) => {
    expect(providerBlock(synthProvider(), AzurermProvider)[field]).toBe(value);
  });

  test("azuread pins tenant_id to the provider's", () => {
    expect(providerBlock(synthProvider(), AzureadProvider).tenant_id).toBe(PROVIDER_TENANT);
  });
});

test("state is kept in terraform-state/provider.tfstate, relative to the stack's working directory", () => {
  expect(parse(synthProvider()).terraform?.backend).toEqual({
    local: { path: "../../../terraform-state/provider.tfstate" },
  });
});

test("reads no other stack's state", () => {
  expect(parse(synthProvider()).data?.terraform_remote_state).toBeUndefined();
});

test("the provider stack matches its reviewed snapshot (a change alarm: read the diff)", () => {
  expect(synthProvider()).toMatchSnapshot();
});
