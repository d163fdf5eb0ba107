import { TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import type { CustomerEntry, Registry } from "../config/registry";
import { keyVaultUriFor } from "../constructs/azure-values";
import { CustomerStorage } from "../constructs/customer-storage";
import { azurermProvider } from "./azure-providers";
import {
  CMK_OUTPUT,
  cmkStackName,
  CUSTOMER_OUTPUT,
  customerStackName,
  PROVIDER_OUTPUT,
  PROVIDER_STACK,
} from "./contract";
import { readStackOutputs, useBackend } from "./state";

/**
 * The vendor's resources for one customer, in the provider's tenant (phase 3),
 * encrypted with the customer's key through the vendor's identity.
 */
export class CmkStack extends TerraformStack {
  readonly storage: CustomerStorage;

  constructor(scope: Construct, registry: Registry, customer: CustomerEntry) {
    const name = cmkStackName(customer.name);
    super(scope, name);
    const provider = registry.provider;

    useBackend(this, name, registry.backend);
    azurermProvider(this, provider.tenantId, provider.subscriptionId, {
      // Shared keys are off on every account: data-plane calls, if any, use
      // Entra ID, and none is needed, since the accounts are managed through
      // Azure Resource Manager alone.
      storageUseAzuread: true,
      storageDataPlane: false,
    });

    const identity = readStackOutputs(this, PROVIDER_STACK, registry.backend, [
      PROVIDER_OUTPUT.applicationClientId,
      PROVIDER_OUTPUT.identityId,
    ]);

    let keyVaultUri: string;
    let keyName: string;
    if (customer.key.kind === "managed") {
      const producer = customerStackName(customer.name);
      const key = readStackOutputs(
        this,
        producer,
        customer.key.backend,
        [CUSTOMER_OUTPUT.keyVaultUri, CUSTOMER_OUTPUT.keyName],
        {
          [CUSTOMER_OUTPUT.keyVaultUri]: {
            value: keyVaultUriFor(customer.key.vault.name),
            source: `customers[${customer.index}].keyVault.name in the registry`,
          },
          [CUSTOMER_OUTPUT.keyName]: {
            value: customer.key.key.name,
            source: `customers[${customer.index}].key.name in the registry`,
          },
        },
      );
      keyVaultUri = key.get(CUSTOMER_OUTPUT.keyVaultUri);
      keyName = key.get(CUSTOMER_OUTPUT.keyName);
    } else {
      keyVaultUri = customer.key.vaultUri;
      keyName = customer.key.keyName;
    }

    this.storage = new CustomerStorage(this, "customer-storage", {
      resourceGroupName: customer.storage.resourceGroup,
      location: customer.storage.location,
      accounts: customer.storage.accounts,
      identityId: identity.get(PROVIDER_OUTPUT.identityId),
      applicationClientId: identity.get(PROVIDER_OUTPUT.applicationClientId),
      keyVaultUri,
      keyName,
    });

    new TerraformOutput(this, CMK_OUTPUT.storageAccountIds, {
      value: Object.fromEntries(this.storage.accounts.map((account) => [account.node.id, account.account.id])),
      description: "ARM ids of this customer's storage accounts, by name.",
    });
  }
}
