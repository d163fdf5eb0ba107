import {
  AzurermBackend,
  DataTerraformRemoteStateAzurerm,
  DataTerraformRemoteStateLocal,
  LocalBackend,
  TerraformStack,
} from "cdktf";
import { Construct } from "constructs";
import type { Backend } from "../config/registry";

/**
 * Where cdktf runs Terraform for each stack, relative to the project folder:
 * local state paths are written relative to it so that the synthesized JSON
 * holds no path of the machine it was made on.
 */
const STACK_WORKING_DIRECTORY_DEPTH = ["cdktf.out", "stacks", "<stack>"].length;

/** Path of a stack's local state file as Terraform resolves it from any stack's working directory. */
export function localStatePath(directory: string, stack: string): string {
  return `${"../".repeat(STACK_WORKING_DIRECTORY_DEPTH)}${directory}/${stack}.tfstate`;
}

function stateKey(stack: string): string {
  return `${stack}.tfstate`;
}

/**
 * Oldest Terraform that runs these stacks: postconditions on data sources
 * (the remote-state checks) need 1.2.
 */
export const REQUIRED_TERRAFORM = ">= 1.2.0";

/** Gives a stack the backend that the registry names for it, and the Terraform it needs. */
export function useBackend(stack: TerraformStack, stackName: string, backend: Backend): void {
  stack.addOverride("terraform.required_version", REQUIRED_TERRAFORM);
  if (backend.type === "local") {
    new LocalBackend(stack, { path: localStatePath(backend.directory, stackName) });
  } else {
    new AzurermBackend(stack, {
      tenantId: backend.tenantId,
      subscriptionId: backend.subscriptionId,
      resourceGroupName: backend.resourceGroup,
      storageAccountName: backend.storageAccount,
      containerName: backend.container,
      key: stateKey(stackName),
      useAzureadAuth: true,
    });
  }
}

/** Outputs of another stack, read from its state. */
export interface StackOutputs {
  get(output: string): string;
}

/** Terraform name of the remote-state data source that reads a producer stack. */
export function remoteStateName(producer: string): string {
  return `requires-stack-${producer}`;
}

/**
 * Reads the named outputs of another stack. Both ways a producer can be
 * missing stop the plan with an error that names the stack to deploy first:
 * - no state at all: Terraform's own "Unable to find remote state" error,
 *   which names the data source, and so the stack: requires-stack-<producer>;
 * - a state without one of the outputs: a postcondition whose message lists
 *   the missing outputs and the command to run, instead of an "unsupported
 *   attribute" error on some later resource.
 * `pinned` outputs must also equal the registry's values: state written by
 * someone else (a customer's own backend) cannot redirect what this stack uses.
 */
export function readStackOutputs(
  scope: Construct,
  producer: string,
  backend: Backend,
  outputs: readonly string[],
  pinned: Readonly<Record<string, { readonly value: string; readonly source: string }>> = {},
): StackOutputs {
  const state =
    backend.type === "local"
      ? new DataTerraformRemoteStateLocal(scope, remoteStateName(producer), {
          path: localStatePath(backend.directory, producer),
        })
      : new DataTerraformRemoteStateAzurerm(scope, remoteStateName(producer), {
          tenantId: backend.tenantId,
          subscriptionId: backend.subscriptionId,
          resourceGroupName: backend.resourceGroup,
          storageAccountName: backend.storageAccount,
          containerName: backend.container,
          key: stateKey(producer),
          useAzureadAuth: true,
        });

  const wanted = `[${outputs.map((output) => JSON.stringify(output)).join(", ")}]`;
  const missing = `setsubtract(${wanted}, keys(self.outputs))`;
  // Pinned outputs must equal what the registry says, compared as Azure
  // compares names (case-insensitive, trailing "/" ignored). A missing output
  // counts as equal here: the first postcondition reports it.
  const pins = Object.entries(pinned).map(([output, { value, source }]) => {
    const expected = JSON.stringify(value.toLowerCase().replace(/\/$/, ""));
    const actual = `lower(trimsuffix(try(self.outputs[${JSON.stringify(output)}], ${expected}), "/"))`;
    return {
      condition: `\${${actual} == ${expected}}`,
      error_message: `The state of stack "${producer}" gives ${output} = \${try(self.outputs[${JSON.stringify(output)}], "")}, but the registry says ${value} (${source}). The stack's state does not match the registry: find out which is right before deploying.`,
    };
  });
  state.addOverride("lifecycle", {
    postcondition: [
      {
        condition: `\${length(${missing}) == 0}`,
        error_message: `The state of stack "${producer}" lacks the outputs \${join(", ", sort(${missing}))}. Deploy that stack first: npx cdktf deploy ${producer}`,
      },
      ...pins,
    ],
  });

  return { get: (output) => state.getString(output) };
}
