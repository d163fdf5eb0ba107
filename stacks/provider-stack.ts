import { TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import type { Registry } from "../config/registry";
import { adminConsentUrl } from "../constructs/azure-values";
import { VendorIdentity } from "../constructs/vendor-identity";
import { azureadProvider, azurermProvider } from "./azure-providers";
import { PROVIDER_OUTPUT, PROVIDER_STACK } from "./contract";
import { useBackend } from "./state";

/** The vendor's identity side, deployed once in the provider's tenant (phase 1). */
export class ProviderStack extends TerraformStack {
  readonly identity: VendorIdentity;

  constructor(scope: Construct, registry: Registry) {
    super(scope, PROVIDER_STACK);
    const provider = registry.provider;

    useBackend(this, PROVIDER_STACK, registry.backend);
    azurermProvider(this, provider.tenantId, provider.subscriptionId);
    azureadProvider(this, provider.tenantId);

    this.identity = new VendorIdentity(this, "vendor-identity", {
      tenantId: provider.tenantId,
      location: provider.location,
      resourceGroupName: provider.resourceGroup,
      applicationDisplayName: provider.applicationDisplayName,
      redirectUris: provider.redirectUris,
      identityName: provider.identityName,
      credentialDisplayName: provider.credentialDisplayName,
    });

    const outputs: Record<string, { value: string; description: string }> = {
      [PROVIDER_OUTPUT.applicationClientId]: {
        value: this.identity.application.clientId,
        description:
          "Client id of the multi-tenant application: customers install it, and storage uses it as federated identity client id.",
      },
      [PROVIDER_OUTPUT.applicationObjectId]: {
        value: this.identity.application.objectId,
        description: "Object id of the application in the provider's tenant.",
      },
      [PROVIDER_OUTPUT.identityId]: {
        value: this.identity.identity.id,
        description: "ARM id of the user-assigned identity that encrypted resources attach.",
      },
      [PROVIDER_OUTPUT.identityPrincipalId]: {
        value: this.identity.identity.principalId,
        description: "Principal id of the identity: the subject of the federated credential.",
      },
      [PROVIDER_OUTPUT.providerTenantId]: {
        value: provider.tenantId,
        description: "The provider's tenant id.",
      },
      [PROVIDER_OUTPUT.adminConsentUrl]: {
        value: adminConsentUrl("organizations", this.identity.application.clientId),
        description: "URL a customer's administrator can open to install the application instead of deploying it.",
      },
    };
    for (const [name, output] of Object.entries(outputs)) {
      new TerraformOutput(this, name, output);
    }
  }
}
