import { AzureadProvider } from "@cdktf/provider-azuread/lib/provider";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { Construct } from "constructs";

/**
 * The azurerm provider pinned to one tenant and subscription, with Key Vault
 * features that never purge a deleted vault or key and recover soft-deleted
 * ones instead of failing on a name clash. Credentials come from the
 * environment (Azure CLI, OIDC, managed identity or ARM_* variables).
 */
export function azurermProvider(
  scope: Construct,
  tenantId: string,
  subscriptionId: string,
  options: {
    /** Storage data-plane calls authenticate with Entra ID instead of account keys. */
    readonly storageUseAzuread?: boolean;
    /**
     * Whether the provider may call the storage data plane at all. Off for
     * storage accounts whose shared keys are off: the account is then managed
     * through Azure Resource Manager alone, with no data role for the deployer.
     */
    readonly storageDataPlane?: boolean;
  } = {},
): AzurermProvider {
  return new AzurermProvider(scope, "azurerm", {
    tenantId,
    subscriptionId,
    storageUseAzuread: options.storageUseAzuread,
    features: [
      {
        keyVault: [
          {
            purgeSoftDeleteOnDestroy: false,
            purgeSoftDeletedKeysOnDestroy: false,
            purgeSoftDeletedSecretsOnDestroy: false,
            purgeSoftDeletedCertificatesOnDestroy: false,
            purgeSoftDeletedHardwareSecurityModulesOnDestroy: false,
            purgeSoftDeletedHardwareSecurityModuleKeysOnDestroy: false,
            recoverSoftDeletedKeyVaults: true,
            recoverSoftDeletedKeys: true,
          },
        ],
        resourceGroup: [{ preventDeletionIfContainsResources: true }],
        ...(options.storageDataPlane === false ? { storage: [{ dataPlaneAvailable: false }] } : {}),
      },
    ],
  });
}

/** The azuread provider pinned to one tenant; credentials from the environment. */
export function azureadProvider(scope: Construct, tenantId: string): AzureadProvider {
  return new AzureadProvider(scope, "azuread", { tenantId });
}
