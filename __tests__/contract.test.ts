import * as os from "node:os";
import * as path from "node:path";
import type { Registry } from "../config/registry";
import { customerBackendRegistry, exampleRegistry, twoCustomerRegistry } from "../test-support/example-registry";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { DATA_SAFE_KEY_VAULT_FEATURES } from "../test-support/azure-expectations";
import { checkStateContract, postconditionOutputs } from "../test-support/state-contract";
import { parse, providerBlock, remoteStates, stringsIn, synthApp, synthStack } from "../test-support/synth";

const REGISTRIES: [string, () => Registry][] = [
  ["the example registry", exampleRegistry],
  ["two customers, one of them external", twoCustomerRegistry],
  ["a customer with its own azurerm backend", customerBackendRegistry],
];

describe.each(REGISTRIES)("%s", (_name, registry) => {
  test("every remote-state output a stack reads is published by the stack whose state it reads", () => {
    expect(checkStateContract(synthApp(registry())).problems).toEqual([]);
  });

  test("the check has reads to check: every stack but provider reads the provider's application_client_id", () => {
    const app = synthApp(registry());
    const readers = checkStateContract(app)
      .reads.filter((read) => read.output === "application_client_id")
      .map((read) => read.consumer);
    const consumers = Object.keys(app.files).filter((id) => id !== "provider");

    expect(new Set(readers)).toEqual(new Set(consumers));
  });

  test("each remote state's postcondition requires every output the stack uses from it", () => {
    const app = synthApp(registry());
    const missing = checkStateContract(app)
      .reads.filter(({ consumer, state, output }) => {
        const block = remoteStates(app.files[consumer])[state];
        return block !== undefined && !postconditionOutputs(block).includes(output);
      })
      .map(({ consumer, state, output }) => `${consumer}: ${state}.outputs.${output}`);

    expect(missing).toEqual([]);
  });

  test("no two stacks share a state", () => {
    const app = synthApp(registry());
    const states = Object.entries(app.files).map(([id, text]) =>
      JSON.stringify(parse(text).terraform?.backend, (key, value) =>
        key === "path" ? path.resolve(app.outdir, app.workingDirectories[id], value) : value,
      ),
    );

    expect(new Set(states).size).toBe(states.length);
  });

  test("every stack requires Terraform 1.2 or later, which its remote-state postconditions need", () => {
    const versions = Object.values(synthApp(registry()).files).map((text) => parse(text).terraform?.required_version);

    expect(new Set(versions)).toEqual(new Set([">= 1.2.0"]));
  });

  test("no stack depends on another: each deploys on its own once its producers are deployed", () => {
    const dependencies = Object.values(synthApp(registry()).dependencies).flat();

    expect(dependencies).toEqual([]);
  });

  test("local state paths are relative: ../../../terraform-state/<stack>.tfstate", () => {
    const app = synthApp(registry());
    const paths = Object.entries(app.files).flatMap(([id, text]) => {
      const json = parse(text);
      const own = json.terraform?.backend?.local?.path;
      const read = Object.values(json.data?.terraform_remote_state ?? {}).map(
        (state) => (state.config as { path?: string }).path,
      );
      return [own, ...read].filter((value) => value !== undefined).map((value) => `${id}: ${value}`);
    });

    expect(paths.length).toBeGreaterThan(0);
    expect(
      paths.filter((entry) => !/^[a-z0-9-]+: \.\.\/\.\.\/\.\.\/terraform-state\/[a-z0-9-]+\.tfstate$/.test(entry)),
    ).toEqual([]);
  });

  test("the synthesized JSON holds no absolute path of this machine", () => {
    const app = synthApp(registry());
    const machinePaths = [app.outdir, process.cwd(), os.homedir(), os.tmpdir()];
    const found = Object.entries(app.files).flatMap(([id, text]) =>
      stringsIn(JSON.parse(text))
        .filter(
          (value) =>
            // ARM ids such as role definition ids start with /subscriptions/.
            (path.isAbsolute(value) && !value.startsWith("/subscriptions/")) ||
            /^[A-Za-z]:[\\/]/.test(value) ||
            machinePaths.some((machinePath) => value.includes(machinePath)),
        )
        .map((value) => `${id}: ${value}`),
    );

    expect(found).toEqual([]);
  });

  test("two synths give byte-identical stacks", () => {
    expect(synthApp(registry()).files).toEqual(synthApp(registry()).files);
  });
});

describe("the contract check itself", () => {
  test("reports an output that a consumer reads and its producer no longer publishes", () => {
    const app = synthApp(exampleRegistry());
    const provider = app.files.provider.replace(/"application_client_id":/g, '"application_client_id_renamed":');

    expect(checkStateContract({ ...app, files: { ...app.files, provider } }).problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^customer-contoso reads output application_client_id from stack provider/),
      ]),
    );
  });

  test("reports a remote state whose path points at no stack", () => {
    const app = synthApp(exampleRegistry());
    const cmk = app.files["cmk-contoso"].replace("terraform-state/provider.tfstate", "terraform-state/nowhere.tfstate");

    expect(checkStateContract({ ...app, files: { ...app.files, "cmk-contoso": cmk } }).problems).toEqual(
      expect.arrayContaining([expect.stringContaining("the state of 0 stacks")]),
    );
  });
});

describe.each(["provider", "customer-contoso", "cmk-contoso"])("the %s stack's azurerm provider", (stack) => {
  test.each(DATA_SAFE_KEY_VAULT_FEATURES)("features.key_vault sets %s = %p", (feature, value) => {
    expect(providerBlock(synthStack(exampleRegistry(), stack), AzurermProvider)).toHaveProperty(
      ["features", 0, "key_vault", 0, feature],
      value,
    );
  });
});
