/**
 * Fixed values of the cross-tenant token chain and the built-in roles it uses.
 * A wrong value here is accepted by Azure at deploy time and fails only when a
 * service first uses the key, so each one is pinned and tested.
 */

/** Audience of the managed identity's token that the application accepts (public cloud). */
export const TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";

/** Issuer of the managed identity's tokens: the provider's own tenant, v2.0 endpoint. */
export function federatedCredentialIssuer(providerTenantId: string): string {
  return `https://login.microsoftonline.com/${providerTenantId}/v2.0`;
}

/** A vault's data-plane URI in the public cloud, as Azure reports it. */
export function keyVaultUriFor(vaultName: string): string {
  return `https://${vaultName}.vault.azure.net/`;
}

/** The URL a customer's administrator opens to install the application in its tenant. */
export function adminConsentUrl(customerTenant: string, clientId: string): string {
  return `https://login.microsoftonline.com/${customerTenant}/adminconsent?client_id=${clientId}`;
}

/** Built-in role definition GUIDs, the same in every tenant. */
export const ROLE = {
  keyVaultCryptoServiceEncryptionUser: "e147488a-f6f5-4113-8e2d-b22465e65bf6",
  keyVaultCryptoOfficer: "14b46e9e-c2b7-41b4-b07b-48a6ebf60603",
} as const;

/**
 * A role definition id with the subscription prefix: without it, azurerm sees
 * a difference on every plan and replaces the assignment.
 */
export function roleDefinitionId(subscriptionId: string, roleGuid: string): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`;
}

/** The only operations a customer-managed key needs. */
export const KEY_OPERATIONS = ["unwrapKey", "wrapKey"] as const;
