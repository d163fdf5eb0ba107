import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { Registry } from "../config/registry";
import { exampleRegistry, EXTERNAL_CUSTOMER, twoCustomerRegistry } from "../test-support/example-registry";
import {
  StackJson,
  standInValue,
  SynthesizedProject,
  terraformAvailable,
  TerraformResult,
  toStandIn,
} from "../test-support/terraform-stand-in";

// Real Terraform over the synthesized stacks, offline: backends, outputs and
// remote-state reads as synthesized, resources stood in for by terraform_data
// (see test-support/terraform-stand-in.ts). No provider download, no Azure.

const STATE_DIRECTORY = "terraform-state";
const EXAMPLE_STACKS = ["provider", "customer-contoso", "cmk-contoso"];
const FABRIKAM_VAULT_URI = EXTERNAL_CUSTOMER.keyVault.uri;

/** Address (`type.name`) of the only resource of a type in a synthesized stack. */
function onlyResource(stack: StackJson, type: string): string {
  const names = Object.keys(stack.resource?.[type] ?? {});
  if (names.length !== 1) throw new Error(`expected one ${type}, found ${names.length}`);
  return `${type}.${names[0]}`;
}

/** Shows Terraform's own output when a command did not end as expected. */
function outcome(stack: string, result: TerraformResult): { stack: string; ok: boolean; output: string } {
  return { stack, ok: result.ok, output: result.ok ? "" : result.raw };
}

function withoutOutputs(removed: readonly string[]) {
  return (standIn: StackJson): StackJson => ({
    ...standIn,
    output: Object.fromEntries(Object.entries(standIn.output ?? {}).filter(([name]) => !removed.includes(name))),
  });
}

describe("the terraform_data stand-in of a synthesized stack", () => {
  let project: SynthesizedProject;
  beforeAll(() => {
    project = new SynthesizedProject(exampleRegistry());
  });
  afterAll(() => project.remove());

  test.each(EXAMPLE_STACKS)("%s keeps backend, outputs and remote-state reads, and drops providers", (stack) => {
    const synthesized = project.synthesized(stack);
    const standIn = toStandIn(stack, synthesized);

    expect(standIn.terraform).toEqual({
      backend: synthesized.terraform?.backend,
      required_version: synthesized.terraform?.required_version,
    });
    expect(standIn.provider).toBeUndefined();
    expect(standIn.data?.terraform_remote_state).toEqual(synthesized.data?.terraform_remote_state);
    expect(Object.keys(standIn.data ?? {})).toEqual(
      synthesized.data?.terraform_remote_state ? ["terraform_remote_state"] : [],
    );
    expect(Object.keys(standIn.resource ?? {})).toEqual(["terraform_data"]);
    expect(Object.keys(standIn.output ?? {})).toEqual(Object.keys(synthesized.output ?? {}));
  });

  test("a reference to something that is not in the stack fails instead of being dropped", () => {
    const stack: StackJson = {
      resource: { azurerm_resource_group: { rg: { name: "${azurerm_key_vault.missing.name}" } } },
    };

    expect(() => toStandIn("broken", stack)).toThrow(
      'broken: cannot stand in for the reference "azurerm_key_vault.missing.name"',
    );
  });

  test("meta-arguments the stand-in does not model fail instead of being dropped", () => {
    const stack: StackJson = { resource: { azurerm_resource_group: { rg: { count: 2, name: "rg" } } } };

    expect(() => toStandIn("broken", stack)).toThrow("azurerm_resource_group.rg uses count");
  });
});

const hasTerraform = terraformAvailable();
// Selected at run time: without the CLI every test below is reported as
// skipped under a title that says why.
const withTerraform = hasTerraform ? describe : describe.skip;
const title = hasTerraform
  ? "real Terraform, offline, over the synthesized stacks"
  : "terraform CLI not on PATH: skipped (the offline Terraform run needs a terraform binary)";
if (!hasTerraform) {
  // Jest shows skipped titles only with --verbose: say it on every run.
  process.stderr.write(`__tests__/terraform-offline.test.ts: ${title}\n`);
}

withTerraform(title, () => {
  const projects: SynthesizedProject[] = [];
  afterAll(() => projects.forEach((project) => project.remove()));

  /** A fresh project with every stack replaced by its stand-in. */
  function standInProject(registry: Registry): SynthesizedProject {
    const project = new SynthesizedProject(registry);
    projects.push(project);
    for (const stack of project.stacks) project.useStandIn(stack);
    return project;
  }

  describe("the example registry, deployed in order", () => {
    const order = EXAMPLE_STACKS;
    let project: SynthesizedProject;
    const results = new Map<string, TerraformResult>();

    beforeAll(() => {
      project = standInProject(exampleRegistry());
      for (const stack of order) results.set(stack, project.deploy(stack));
    });

    test("synthesizes exactly the three stacks", () => {
      expect(project.stacks).toEqual(order);
    });

    test.each(order)("%s: init and apply succeed with Terraform's built-in provider alone", (stack) => {
      const result = results.get(stack) as TerraformResult;

      expect(outcome(stack, result)).toEqual({ stack, ok: true, output: "" });
      expect(result.output).toContain("terraform.io/builtin/terraform is built in to Terraform");
      expect(result.output).not.toContain("Installing");
      expect(result.output).toContain("Apply complete!");
    });

    test("state files land in terraform-state/ at the project root, outside cdktf.out", () => {
      for (const stack of order) {
        expect(existsSync(project.statePath(STATE_DIRECTORY, stack))).toBe(true);
      }
      const stateFiles = readdirSync(join(project.root, "cdktf.out"), { recursive: true })
        .map(String)
        .filter((file) => file.endsWith(".tfstate") && !file.includes(".terraform/"));
      expect(stateFiles).toEqual([]);
    });

    test("customer-contoso's service principal receives the application client id from provider's state", () => {
      const application = onlyResource(project.synthesized("provider"), "azuread_application");
      const servicePrincipal = onlyResource(project.synthesized("customer-contoso"), "azuread_service_principal");

      expect(project.standInOutput("customer-contoso", servicePrincipal).client_id).toBe(
        standInValue(application, "client_id"),
      );
    });

    test("cmk-contoso's storage CMK receives the customer's vault and key and the provider's identity and app", () => {
      const provider = project.synthesized("provider");
      const cmk = project.synthesized("cmk-contoso");
      const identity = onlyResource(provider, "azurerm_user_assigned_identity");

      expect(
        project.standInOutput("cmk-contoso", onlyResource(cmk, "azurerm_storage_account_customer_managed_key")),
      ).toMatchObject({
        // The vault's URI as Azure computes it from the vault's name (see COMPUTED in the stand-in).
        key_vault_uri: "https://contosovault1122.vault.azure.net/",
        // The key's name is an argument, so the customer stack passes the registry's value on.
        key_name: "mastercmkkey",
        user_assigned_identity_id: standInValue(identity, "id"),
        federated_identity_client_id: standInValue(onlyResource(provider, "azuread_application"), "client_id"),
      });
      expect(project.standInOutput("cmk-contoso", onlyResource(cmk, "azurerm_storage_account"))).toMatchObject({
        identity: { type: "UserAssigned", identity_ids: [standInValue(identity, "id")] },
      });
    });
  });

  describe("a stack deployed before the stacks it reads", () => {
    test.each([
      { stack: "customer-contoso", missing: ["provider"] },
      { stack: "cmk-contoso", missing: ["provider", "customer-contoso"] },
    ])("$stack fails and names $missing as the stack(s) to deploy first", ({ stack, missing }) => {
      const project = standInProject(exampleRegistry());

      const result = project.deploy(stack);

      expect(result.ok).toBe(false);
      for (const producer of missing) {
        expect(result.output).toContain(
          `Error: Unable to find remote state with data.terraform_remote_state.requires-stack-${producer},`,
        );
      }
      expect(result.output).not.toContain("Apply complete!");
    });
  });

  describe("a producer's state that lacks an output", () => {
    test.each([
      {
        consumer: "customer-contoso",
        producer: "provider",
        lacks: ["application_client_id"],
        message:
          'The state of stack "provider" lacks the outputs application_client_id. Deploy that stack first: npx cdktf deploy provider',
      },
      {
        consumer: "cmk-contoso",
        producer: "provider",
        lacks: ["identity_id"],
        message:
          'The state of stack "provider" lacks the outputs identity_id. Deploy that stack first: npx cdktf deploy provider',
      },
      {
        consumer: "cmk-contoso",
        producer: "customer-contoso",
        lacks: ["key_vault_uri", "key_name"],
        message:
          'The state of stack "customer-contoso" lacks the outputs key_name, key_vault_uri. Deploy that stack first: npx cdktf deploy customer-contoso',
      },
    ])(
      "$consumer fails its plan with the postcondition message when $producer lacks $lacks",
      ({ consumer, producer: lacking, lacks, message }) => {
        const project = standInProject(exampleRegistry());
        const producers = project.stacks.slice(0, project.stacks.indexOf(consumer));
        for (const producer of producers) {
          project.useStandIn(producer, withoutOutputs(producer === lacking ? lacks : []));
          expect(outcome(producer, project.deploy(producer))).toEqual({ stack: producer, ok: true, output: "" });
        }

        const result = project.deploy(consumer);

        expect(result.ok).toBe(false);
        expect(result.output).toContain(`Error: Resource postcondition failed`);
        expect(result.output).toContain(message);
        expect(result.output).not.toContain("Unsupported attribute");
      },
    );
  });

  describe("a customer state that disagrees with the registry", () => {
    test.each([
      {
        output: "key_vault_uri",
        value: "https://attackervault.vault.azure.net/",
        message:
          'The state of stack "customer-contoso" gives key_vault_uri = https://attackervault.vault.azure.net/, but the registry says https://contosovault1122.vault.azure.net/',
      },
      {
        output: "key_name",
        value: "otherkey",
        message: 'The state of stack "customer-contoso" gives key_name = otherkey, but the registry says mastercmkkey',
      },
    ])(
      "stops cmk-contoso's plan when the customer state's $output is not the registry's",
      ({ output, value, message }) => {
        const project = standInProject(exampleRegistry());
        project.useStandIn("provider");
        expect(outcome("provider", project.deploy("provider"))).toEqual({ stack: "provider", ok: true, output: "" });
        project.useStandIn("customer-contoso", (standIn) => ({
          ...standIn,
          output: { ...standIn.output, [output]: { value } },
        }));
        expect(outcome("customer-contoso", project.deploy("customer-contoso"))).toEqual({
          stack: "customer-contoso",
          ok: true,
          output: "",
        });

        const result = project.deploy("cmk-contoso");

        expect(result.ok).toBe(false);
        expect(result.output).toContain("Error: Resource postcondition failed");
        expect(result.output.replace(/\s+/g, " ")).toContain(message);
      },
    );
  });

  describe("a customer that runs its side itself (keyVault.uri)", () => {
    let project: SynthesizedProject;

    beforeAll(() => {
      project = standInProject(twoCustomerRegistry());
    });

    test("gets no customer stack, and its cmk stack reads the provider's state alone", () => {
      expect(project.stacks).toEqual(["provider", "customer-contoso", "cmk-contoso", "cmk-fabrikam"]);
      expect(Object.keys(project.synthesized("cmk-fabrikam").data?.terraform_remote_state ?? {})).toEqual([
        "requires-stack-provider",
      ]);
    });

    test("cmk-fabrikam applies right after provider and uses the registry's vault URI and key name", () => {
      for (const stack of ["provider", "cmk-fabrikam"]) {
        expect(outcome(stack, project.deploy(stack))).toEqual({ stack, ok: true, output: "" });
      }
      const cmk = project.synthesized("cmk-fabrikam");
      const application = onlyResource(project.synthesized("provider"), "azuread_application");

      expect(
        project.standInOutput("cmk-fabrikam", onlyResource(cmk, "azurerm_storage_account_customer_managed_key")),
      ).toMatchObject({
        key_vault_uri: FABRIKAM_VAULT_URI,
        key_name: EXTERNAL_CUSTOMER.key.name,
        federated_identity_client_id: standInValue(application, "client_id"),
      });
      expect(existsSync(project.statePath(STATE_DIRECTORY, "cmk-fabrikam"))).toBe(true);
      expect(existsSync(project.statePath(STATE_DIRECTORY, "customer-contoso"))).toBe(false);
    });
  });
});
