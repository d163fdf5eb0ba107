import { StorageAccount } from "@cdktf/provider-azurerm/lib/storage-account";
import { StorageAccountCustomerManagedKeyA } from "@cdktf/provider-azurerm/lib/storage-account-customer-managed-key";
import { Construct } from "constructs";

export interface EncryptedStorageAccountProps {
  readonly name: string;
  readonly location: string;
  readonly resourceGroupName: string;
  /** @default "LRS" */
  readonly replication?: "LRS" | "ZRS" | "GRS" | "RAGRS" | "GZRS" | "RAGZRS";
  /** @default "Hot" */
  readonly accessTier?: "Hot" | "Cool" | "Cold";
  /**
   * A second layer of platform encryption; fixed at creation.
   * @default true
   */
  readonly infrastructureEncryption?: boolean;
  /** ARM id of the vendor's user-assigned identity registered on the application. */
  readonly identityId: string;
  /** Client id of the vendor's multi-tenant application. */
  readonly applicationClientId: string;
  /** URI of the customer's vault, in the customer's tenant. */
  readonly keyVaultUri: string;
  readonly keyName: string;
}

/**
 * A StorageV2 account whose blobs, files, queues and tables are encrypted with
 * a key in the customer's tenant, reached through the vendor's identity acting
 * as the multi-tenant application.
 *
 * The construct id of the account is part of its Terraform address: renaming
 * it would plan the account's replacement, that is the loss of its data
 * (prevent_destroy stops the plan).
 */
export class EncryptedStorageAccount extends Construct {
  readonly account: StorageAccount;
  readonly customerManagedKey: StorageAccountCustomerManagedKeyA;

  constructor(scope: Construct, id: string, props: EncryptedStorageAccountProps) {
    super(scope, id);

    this.account = new StorageAccount(this, "account", {
      name: props.name,
      location: props.location,
      resourceGroupName: props.resourceGroupName,
      accountKind: "StorageV2",
      accountTier: "Standard",
      accountReplicationType: props.replication ?? "LRS",
      accessTier: props.accessTier ?? "Hot",
      identity: { type: "UserAssigned", identityIds: [props.identityId] },
      // Account-scoped keys put queues and tables under the customer's key too;
      // both settings force a new account, so they must be right at creation.
      queueEncryptionKeyType: "Account",
      tableEncryptionKeyType: "Account",
      infrastructureEncryptionEnabled: props.infrastructureEncryption ?? true,
      minTlsVersion: "TLS1_2",
      httpsTrafficOnlyEnabled: true,
      allowNestedItemsToBePublic: false,
      sharedAccessKeyEnabled: false,
      defaultToOauthAuthentication: true,
      crossTenantReplicationEnabled: false,
      lifecycle: {
        preventDestroy: true,
        // The key is set by the separate resource below, which alone can carry
        // the federated client id.
        ignoreChanges: ["customer_managed_key"],
      },
    });

    this.customerManagedKey = new StorageAccountCustomerManagedKeyA(this, "customer-managed-key", {
      storageAccountId: this.account.id,
      // The URI, not the vault's ARM id: the vault is in another tenant.
      keyVaultUri: props.keyVaultUri,
      keyName: props.keyName,
      // No key version: the account follows the key's automatic rotation.
      userAssignedIdentityId: props.identityId,
      federatedIdentityClientId: props.applicationClientId,
      // Destroying this resource silently returns the account to Microsoft-
      // managed keys: the customer would lose control of its data's key.
      lifecycle: { preventDestroy: true },
    });
  }
}
