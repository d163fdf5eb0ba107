/**
 * The names that connect the stacks: stack ids and the outputs each stack
 * publishes for the others. A rename here is a breaking change for every
 * deployed consumer, and for customers who read these outputs themselves.
 */

export const PROVIDER_STACK = "provider";

export function customerStackName(customer: string): string {
  return `customer-${customer}`;
}

export function cmkStackName(customer: string): string {
  return `cmk-${customer}`;
}

/** Outputs of the provider stack. */
export const PROVIDER_OUTPUT = {
  applicationClientId: "application_client_id",
  applicationObjectId: "application_object_id",
  identityId: "identity_id",
  identityPrincipalId: "identity_principal_id",
  providerTenantId: "provider_tenant_id",
  adminConsentUrl: "admin_consent_url",
} as const;

/** Outputs of each customer-<name> stack. */
export const CUSTOMER_OUTPUT = {
  keyVaultUri: "key_vault_uri",
  keyName: "key_name",
  keyVersionlessId: "key_versionless_id",
  customerTenantId: "customer_tenant_id",
  servicePrincipalObjectId: "service_principal_object_id",
} as const;

/** Outputs of each cmk-<name> stack. */
export const CMK_OUTPUT = {
  storageAccountIds: "storage_account_ids",
} as const;
