import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { Construct } from "constructs";
import { EncryptedStorageAccount } from "./encrypted-storage-account";

export interface CustomerStorageProps {
  readonly resourceGroupName: string;
  readonly location: string;
  readonly accounts: readonly {
    readonly name: string;
    readonly replication?: "LRS" | "ZRS" | "GRS" | "RAGRS" | "GZRS" | "RAGZRS";
    readonly accessTier?: "Hot" | "Cool" | "Cold";
    readonly infrastructureEncryption?: boolean;
  }[];
  readonly identityId: string;
  readonly applicationClientId: string;
  readonly keyVaultUri: string;
  readonly keyName: string;
}

/**
 * One customer's storage in the vendor's tenant: a resource group and its
 * accounts, each encrypted with the customer's key. Each account's construct
 * id is its Azure name, so reordering the registry changes nothing.
 */
export class CustomerStorage extends Construct {
  readonly accounts: readonly EncryptedStorageAccount[];

  constructor(scope: Construct, id: string, props: CustomerStorageProps) {
    super(scope, id);

    const resourceGroup = new ResourceGroup(this, "resource-group", {
      name: props.resourceGroupName,
      location: props.location,
    });

    this.accounts = props.accounts.map(
      (account) =>
        new EncryptedStorageAccount(this, account.name, {
          name: account.name,
          replication: account.replication,
          accessTier: account.accessTier,
          infrastructureEncryption: account.infrastructureEncryption,
          location: props.location,
          resourceGroupName: resourceGroup.name,
          identityId: props.identityId,
          applicationClientId: props.applicationClientId,
          keyVaultUri: props.keyVaultUri,
          keyName: props.keyName,
        }),
    );
  }
}
