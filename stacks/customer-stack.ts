import { DataAzurermClientConfig } from "@cdktf/provider-azurerm/lib/data-azurerm-client-config";
import { TimeProvider } from "@cdktf/provider-time/lib/provider";
import { Annotations, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import type { CustomerEntry, ManagedCustomerKey, Registry } from "../config/registry";
import { ApplicationInstall } from "../constructs/application-install";
import { CustomerKeyVault } from "../constructs/customer-key-vault";
import { azureadProvider, azurermProvider } from "./azure-providers";
import { CUSTOMER_OUTPUT, customerStackName, PROVIDER_OUTPUT, PROVIDER_STACK } from "./contract";
import { readStackOutputs, useBackend } from "./state";

/**
 * One customer's side, deployed with the customer's credentials in the
 * customer's tenant (phase 2): installs the vendor's application, creates the
 * vault and key, and grants the application use of that key alone.
 */
export class CustomerStack extends TerraformStack {
  readonly keyVault: CustomerKeyVault;
  readonly install: ApplicationInstall;

  constructor(scope: Construct, registry: Registry, customer: CustomerEntry & { key: ManagedCustomerKey }) {
    const name = customerStackName(customer.name);
    super(scope, name);
    const key = customer.key;

    useBackend(this, name, key.backend);
    azurermProvider(this, customer.tenantId, key.subscriptionId);
    azureadProvider(this, customer.tenantId);
    new TimeProvider(this, "time");

    const provider = readStackOutputs(this, PROVIDER_STACK, registry.backend, [PROVIDER_OUTPUT.applicationClientId]);

    this.install = new ApplicationInstall(this, "application-install", {
      clientId: provider.get(PROVIDER_OUTPUT.applicationClientId),
    });

    const deployer = new DataAzurermClientConfig(this, "deployer");

    this.keyVault = new CustomerKeyVault(this, "customer-key-vault", {
      tenantId: customer.tenantId,
      subscriptionId: key.subscriptionId,
      location: key.location,
      resourceGroupName: key.resourceGroup,
      vaultName: key.vault.name,
      sku: key.vault.sku,
      softDeleteRetentionDays: key.vault.softDeleteRetentionDays,
      deployerObjectId: deployer.objectId,
      roleWait: key.vault.roleWait,
      keyName: key.key.name,
      keyType: key.key.type,
      keySize: key.key.size,
      rotateAfter: key.key.rotateAfter,
      encryptionPrincipalObjectId: this.install.servicePrincipal.objectId,
    });

    if (key.key.size === 2048) {
      Annotations.of(this.keyVault.key).addWarning(
        `${registry.file}: customers[${customer.index}].key.size (customer "${customer.name}"): 2048 is accepted by every encrypting service, but 3072 (the default) is stronger.`,
      );
    }

    const outputs: Record<string, { value: string; description: string }> = {
      [CUSTOMER_OUTPUT.keyVaultUri]: {
        value: this.keyVault.vault.vaultUri,
        description: "URI of the customer's vault: the vendor's encrypted resources reach the key through it.",
      },
      [CUSTOMER_OUTPUT.keyName]: {
        value: this.keyVault.key.name,
        description: "Name of the customer-managed key.",
      },
      [CUSTOMER_OUTPUT.keyVersionlessId]: {
        value: this.keyVault.key.versionlessId,
        description: "Key URL without a version: services that take it follow rotation.",
      },
      [CUSTOMER_OUTPUT.customerTenantId]: {
        value: customer.tenantId,
        description: "The customer's tenant id.",
      },
      [CUSTOMER_OUTPUT.servicePrincipalObjectId]: {
        value: this.install.servicePrincipal.objectId,
        description: "Object id of the vendor application's service principal in the customer's tenant.",
      },
    };
    for (const [outputName, output] of Object.entries(outputs)) {
      new TerraformOutput(this, outputName, output);
    }
  }
}
