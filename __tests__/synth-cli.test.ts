import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import * as path from "node:path";
import {
  filesUnder,
  hashesUnder,
  PROJECT_ROOT,
  ProjectCopy,
  SYNTH_TIMEOUT_MS,
  SynthRun,
} from "../test-support/project-copy";
import { FABRIKAM_VAULT_URI, problemsIn, registryText, twoCustomerText } from "../test-support/registry-fixtures";

/**
 * The real `npx cdktf synth`, run in copies of the project in temporary
 * folders. Each run takes seconds, so each scenario synthesizes once in its
 * beforeAll and its tests only read what was written.
 */

const HOOK_TIMEOUT_MS = 2 * SYNTH_TIMEOUT_MS + 30_000;

type TerraformJson = Record<string, Record<string, Record<string, unknown>> | undefined>;

function stackJson(copy: ProjectCopy, stack: string): TerraformJson {
  return JSON.parse(readFileSync(copy.path("cdktf.out", "stacks", stack, "cdk.tf.json"), "utf8")) as TerraformJson;
}

function resourceTypes(json: TerraformJson): string[] {
  return Object.keys(json.resource ?? {}).sort();
}

/** A failed run shows its output in the assertion's diff. */
function expectSuccess(run: SynthRun): void {
  expect({ status: run.status, output: run.output }).toEqual({ status: 0, output: expect.any(String) });
}

const EXAMPLE_STACK_FILES = ["cmk-contoso/cdk.tf.json", "customer-contoso/cdk.tf.json", "provider/cdk.tf.json"];

/** The example's stack files as paths under cdktf.out. */
const EXAMPLE_OUTPUT_FILES = EXAMPLE_STACK_FILES.map((file) => `stacks/${file}`);

describe("npx cdktf synth on the example registry", () => {
  const copies: ProjectCopy[] = [];
  let first: ProjectCopy;
  let second: ProjectCopy;
  let firstRun: SynthRun;
  let secondRun: SynthRun;

  beforeAll(() => {
    first = new ProjectCopy();
    copies.push(first);
    second = new ProjectCopy();
    copies.push(second);
    firstRun = first.synth();
    secondRun = second.synth();
  }, HOOK_TIMEOUT_MS);

  afterAll(() => copies.forEach((copy) => copy.remove()));

  test("exits with 0 in both copies", () => {
    expectSuccess(firstRun);
    expectSuccess(secondRun);
  });

  test("writes provider, customer-contoso and cmk-contoso and nothing else under stacks/", () => {
    expect(filesUnder(first.path("cdktf.out", "stacks"))).toEqual(EXAMPLE_STACK_FILES);
  });

  test.each([
    [
      "provider",
      ["azuread_application", "azuread_application_federated_identity_credential", "azurerm_user_assigned_identity"],
    ],
    [
      "customer-contoso",
      ["azuread_service_principal", "azurerm_key_vault", "azurerm_key_vault_key", "azurerm_role_assignment"],
    ],
    ["cmk-contoso", ["azurerm_storage_account", "azurerm_storage_account_customer_managed_key"]],
  ])("%s parses as JSON and holds %j", (stack, types) => {
    expect(resourceTypes(stackJson(first, stack))).toEqual(expect.arrayContaining(types));
  });

  test("the two copies, at different paths, write byte-identical files", () => {
    const firstFiles = filesUnder(first.path("cdktf.out"));
    expect(firstFiles).toEqual(expect.arrayContaining(EXAMPLE_OUTPUT_FILES));
    expect(filesUnder(second.path("cdktf.out"))).toEqual(firstFiles);
    for (const file of firstFiles) {
      const a = readFileSync(first.path("cdktf.out", file));
      const b = readFileSync(second.path("cdktf.out", file));
      expect({ file, identical: a.equals(b) }).toEqual({ file, identical: true });
    }
  });

  test("no file names either copy's folder, the project folder or the home folder", () => {
    const machinePaths = [first.root, second.root, PROJECT_ROOT, homedir()];
    for (const copy of [first, second]) {
      for (const file of filesUnder(copy.path("cdktf.out"))) {
        const text = readFileSync(copy.path("cdktf.out", file), "utf8");
        const found = machinePaths.filter((machinePath) => text.includes(machinePath));
        expect({ file, found }).toEqual({ file, found: [] });
      }
    }
  });

  describe("then CMK_REGISTRY points at a registry with several problems", () => {
    const BAD_REGISTRY = "bad-registry.yaml";
    const badText = registryText((document) => {
      document.provider.tenantId = "not-a-guid";
      const contoso = document.customers[0];
      contoso.keyVault.name = "a--b";
      contoso.key.size = 1024;
      contoso.storage.accounts.push({ name: "contosodata01" });
      document.backend = { type: "local", directory: "../state" };
    });
    const expectedPlaces = [
      "backend.directory",
      "provider.tenantId",
      'customers[0].keyVault.name (customer "contoso")',
      'customers[0].key.size (customer "contoso")',
      'customers[0].storage.accounts[1].name (customer "contoso")',
    ];
    let before: Record<string, string>;
    let run: SynthRun;

    beforeAll(() => {
      before = hashesUnder(second.path("cdktf.out"));
      second.write(BAD_REGISTRY, badText);
      run = second.synth({ CMK_REGISTRY: BAD_REGISTRY });
    }, HOOK_TIMEOUT_MS);

    test("exits with a non-zero code", () => {
      expect(typeof run.status).toBe("number");
      expect(run.status).not.toBe(0);
    });

    test("lists every problem, each naming the file and the field", () => {
      const problems = problemsIn(badText, BAD_REGISTRY);
      expect(problems).toHaveLength(expectedPlaces.length);
      for (const place of expectedPlaces) {
        expect(problems).toContainEqual(expect.stringContaining(`${BAD_REGISTRY}: ${place}: `));
      }
      expect(run.output).toContain(`${BAD_REGISTRY}: the registry has ${problems.length} problems:`);
      for (const problem of problems) expect(run.output).toContain(problem);
    });

    test("leaves cdktf.out exactly as the good synth wrote it", () => {
      expect(Object.keys(before)).toEqual(expect.arrayContaining(EXAMPLE_OUTPUT_FILES));
      expect(hashesUnder(second.path("cdktf.out"))).toEqual(before);
    });
  });
});

describe("npx cdktf synth with CMK_REGISTRY naming a registry with an external customer", () => {
  const REGISTRY = path.join("registries", "two-customers.yaml");
  let copy: ProjectCopy;
  let run: SynthRun;

  beforeAll(() => {
    copy = new ProjectCopy();
    copy.write(REGISTRY, twoCustomerText());
    run = copy.synth({ CMK_REGISTRY: REGISTRY });
  }, HOOK_TIMEOUT_MS);

  afterAll(() => copy?.remove());

  test("exits with 0", () => expectSuccess(run));

  test("writes provider, customer-contoso, cmk-contoso and cmk-fabrikam, and no customer-fabrikam", () => {
    expect(filesUnder(copy.path("cdktf.out", "stacks"))).toEqual([
      "cmk-contoso/cdk.tf.json",
      "cmk-fabrikam/cdk.tf.json",
      "customer-contoso/cdk.tf.json",
      "provider/cdk.tf.json",
    ]);
  });

  test("cmk-fabrikam encrypts with the vault URI and key name from the registry", () => {
    const json = stackJson(copy, "cmk-fabrikam");
    const keys = Object.values(json.resource?.azurerm_storage_account_customer_managed_key ?? {});
    expect(keys).toEqual([expect.objectContaining({ key_vault_uri: FABRIKAM_VAULT_URI, key_name: "fabrikam-cmk" })]);
  });

  test("no stack reads the state of a customer-fabrikam stack", () => {
    for (const file of filesUnder(copy.path("cdktf.out", "stacks"))) {
      expect({ file, text: readFileSync(copy.path("cdktf.out", "stacks", file), "utf8") }).toEqual({
        file,
        text: expect.not.stringContaining("customer-fabrikam"),
      });
    }
  });
});
