import { Application } from "@cdktf/provider-azuread/lib/application";
import { ApplicationFederatedIdentityCredential } from "@cdktf/provider-azuread/lib/application-federated-identity-credential";
import { DataAzureadClientConfig } from "@cdktf/provider-azuread/lib/data-azuread-client-config";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { UserAssignedIdentity } from "@cdktf/provider-azurerm/lib/user-assigned-identity";
import { Construct } from "constructs";
import { federatedCredentialIssuer, TOKEN_EXCHANGE_AUDIENCE } from "./azure-values";

export interface VendorIdentityProps {
  /** The provider's (vendor's) tenant: the issuer of the identity's tokens. */
  readonly tenantId: string;
  readonly location: string;
  readonly resourceGroupName: string;
  /** Display name of the multi-tenant application that customers install. */
  readonly applicationDisplayName: string;
  /** Reply addresses; the admin-consent flow redirects to the first one. */
  readonly redirectUris: readonly string[];
  readonly identityName: string;
  /** Display name of the federated identity credential; Entra cannot rename it. */
  readonly credentialDisplayName: string;
}

/**
 * The vendor's half of the token chain: a multi-tenant application, a
 * user-assigned managed identity, and the federated identity credential that
 * lets the identity act as the application in every customer's tenant.
 *
 * Construct ids below are part of each resource's Terraform address: renaming
 * one replaces the application or identity, which cuts every customer off.
 */
export class VendorIdentity extends Construct {
  readonly application: Application;
  readonly identity: UserAssignedIdentity;
  readonly credential: ApplicationFederatedIdentityCredential;

  constructor(scope: Construct, id: string, props: VendorIdentityProps) {
    super(scope, id);

    // The deployer stays an owner: with Application.ReadWrite.OwnedBy it would
    // otherwise lose access to the application it has just made.
    const deployer = new DataAzureadClientConfig(this, "deployer");

    const resourceGroup = new ResourceGroup(this, "resource-group", {
      name: props.resourceGroupName,
      location: props.location,
    });

    this.application = new Application(this, "application", {
      displayName: props.applicationDisplayName,
      signInAudience: "AzureADMultipleOrgs",
      owners: [deployer.objectId],
      preventDuplicateNames: true,
      web: { redirectUris: [...props.redirectUris] },
      // A new application has a new client id: every customer would have to
      // install it and grant it again, and their data would be unreachable.
      lifecycle: { preventDestroy: true },
    });

    this.identity = new UserAssignedIdentity(this, "identity", {
      name: props.identityName,
      location: props.location,
      resourceGroupName: resourceGroup.name,
      lifecycle: { preventDestroy: true },
    });

    this.credential = new ApplicationFederatedIdentityCredential(this, "federated-credential", {
      applicationId: this.application.id,
      displayName: props.credentialDisplayName,
      description: `Lets the managed identity ${props.identityName} act as this application in customers' tenants, to reach their encryption keys.`,
      issuer: federatedCredentialIssuer(props.tenantId),
      subject: this.identity.principalId,
      audiences: [TOKEN_EXCHANGE_AUDIENCE],
      // Every customer's encryption depends on this credential: a replacement
      // breaks token exchange for all of them until the new one replicates.
      lifecycle: { preventDestroy: true },
    });
  }
}
