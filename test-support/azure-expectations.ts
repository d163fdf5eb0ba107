/**
 * Expected values written from ../shared/AZURE.md, not from the code under
 * test: if the code drifts from them, the tests say so.
 */

/** The example registry's tenants and subscriptions (registry/registry.yaml). */
export const PROVIDER_TENANT = "11111111-1111-4111-8111-111111111111";
export const PROVIDER_SUBSCRIPTION = "22222222-2222-4222-8222-222222222222";
export const CUSTOMER_TENANT = "33333333-3333-4333-8333-333333333333";
export const CUSTOMER_SUBSCRIPTION = "44444444-4444-4444-8444-444444444444";

/** Built-in role definition GUIDs (AZURE.md section 6). */
export const CRYPTO_SERVICE_ENCRYPTION_USER = "e147488a-f6f5-4113-8e2d-b22465e65bf6";
export const CRYPTO_OFFICER = "14b46e9e-c2b7-41b4-b07b-48a6ebf60603";

/**
 * The azurerm provider's key_vault features that keep data safe on destroy
 * (AZURE.md section 5): never purge, always recover.
 */
export const DATA_SAFE_KEY_VAULT_FEATURES: readonly [string, boolean][] = [
  ["purge_soft_delete_on_destroy", false],
  ["purge_soft_deleted_keys_on_destroy", false],
  ["recover_soft_deleted_key_vaults", true],
  ["recover_soft_deleted_keys", true],
];
