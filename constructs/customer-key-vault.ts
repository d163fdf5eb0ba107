import { KeyVault } from "@cdktf/provider-azurerm/lib/key-vault";
import { KeyVaultKey } from "@cdktf/provider-azurerm/lib/key-vault-key";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { Sleep } from "@cdktf/provider-time/lib/sleep";
import { Construct } from "constructs";
import { KEY_OPERATIONS, ROLE, roleDefinitionId } from "./azure-values";

export interface CustomerKeyVaultProps {
  /** The customer's tenant, where the vault lives. */
  readonly tenantId: string;
  readonly subscriptionId: string;
  readonly location: string;
  readonly resourceGroupName: string;
  readonly vaultName: string;
  /**
   * Vault pricing tier; premium is needed for RSA-HSM keys.
   * @default "standard"
   */
  readonly sku?: "standard" | "premium";
  /**
   * Days a deleted vault or key stays recoverable; fixed once the vault exists.
   * @default 90
   */
  readonly softDeleteRetentionDays?: number;
  /** Object id of the principal that deploys this stack: it is granted Key Vault Crypto Officer. */
  readonly deployerObjectId: string;
  /**
   * How long to wait after granting the deployer Crypto Officer before
   * creating the key: data-plane role grants take minutes to take effect.
   * @default "10m"
   */
  readonly roleWait?: string;
  readonly keyName: string;
  /** @default "RSA" */
  readonly keyType?: "RSA" | "RSA-HSM";
  /** @default 3072 */
  readonly keySize?: 2048 | 3072 | 4096;
  /**
   * How long after its creation a key version is replaced by a new one.
   * @default "P1Y"
   */
  readonly rotateAfter?: string;
  /** Object id of the vendor application's service principal in this tenant. */
  readonly encryptionPrincipalObjectId: string;
}

/**
 * The customer's half: a vault that cannot lose its key, the key itself, and
 * the vendor application's right to wrap and unwrap with that key alone.
 *
 * Construct ids are part of each resource's Terraform address: renaming the
 * vault or key would plan their replacement (prevent_destroy stops it).
 */
export class CustomerKeyVault extends Construct {
  readonly vault: KeyVault;
  readonly key: KeyVaultKey;
  readonly encryptionUserAssignment: RoleAssignment;

  constructor(scope: Construct, id: string, props: CustomerKeyVaultProps) {
    super(scope, id);

    const resourceGroup = new ResourceGroup(this, "resource-group", {
      name: props.resourceGroupName,
      location: props.location,
    });

    this.vault = new KeyVault(this, "vault", {
      name: props.vaultName,
      location: props.location,
      resourceGroupName: resourceGroup.name,
      tenantId: props.tenantId,
      skuName: props.sku ?? "standard",
      rbacAuthorizationEnabled: true,
      // Storage and SQL refuse a key from a vault without purge protection; it
      // also keeps a deleted key recoverable for the retention period.
      purgeProtectionEnabled: true,
      softDeleteRetentionDays: props.softDeleteRetentionDays ?? 90,
      lifecycle: { preventDestroy: true },
    });

    const officer = new RoleAssignment(this, "deployer-crypto-officer", {
      scope: this.vault.id,
      roleDefinitionId: roleDefinitionId(props.subscriptionId, ROLE.keyVaultCryptoOfficer),
      principalId: props.deployerObjectId,
      description: "Lets the deployer create the customer-managed key and its rotation policy.",
    });

    const roleWait = new Sleep(this, "wait-for-crypto-officer", {
      createDuration: props.roleWait ?? "10m",
      triggers: { role_assignment_id: officer.id },
      dependsOn: [officer],
    });

    this.key = new KeyVaultKey(this, "key", {
      name: props.keyName,
      keyVaultId: this.vault.id,
      keyType: props.keyType ?? "RSA",
      keySize: props.keySize ?? 3072,
      keyOpts: [...KEY_OPERATIONS],
      // New versions are made automatically; no expiry is set, since an expired
      // version stops wrapping and cuts the vendor's services off.
      rotationPolicy: {
        automatic: { timeAfterCreation: props.rotateAfter ?? "P1Y" },
      },
      dependsOn: [roleWait],
      lifecycle: { preventDestroy: true },
    });

    this.encryptionUserAssignment = new RoleAssignment(this, "application-encryption-user", {
      // The key's versionless ARM id: the grant covers this key and no other.
      scope: this.key.resourceVersionlessId,
      roleDefinitionId: roleDefinitionId(props.subscriptionId, ROLE.keyVaultCryptoServiceEncryptionUser),
      principalId: props.encryptionPrincipalObjectId,
      principalType: "ServicePrincipal",
      description: "Lets the vendor's application wrap and unwrap data keys with this key.",
      // Without this grant the vendor's services lose the key, and the data
      // turns inaccessible; it is never replaced in passing.
      lifecycle: { preventDestroy: true },
    });
  }
}
