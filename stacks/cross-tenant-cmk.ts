import { App } from "cdktf";
import type { Registry } from "../config/registry";
import { CmkStack } from "./cmk-stack";
import { CustomerStack } from "./customer-stack";
import { ProviderStack } from "./provider-stack";

/**
 * Adds every stack the registry describes: provider, then for each customer
 * customer-<name> (unless the customer runs its side itself) and cmk-<name>.
 * Stacks depend on each other only through remote state, so each deploys on
 * its own once its producers have been deployed.
 */
export function addStacks(app: App, registry: Registry): void {
  new ProviderStack(app, registry);
  for (const customer of registry.customers) {
    if (customer.key.kind === "managed") {
      new CustomerStack(app, registry, { ...customer, key: customer.key });
    }
    new CmkStack(app, registry, customer);
  }
}
