import { App } from "cdktf";
import { DEFAULT_REGISTRY_FILE, loadRegistry, RegistryError } from "./config/registry";
import { addStacks } from "./stacks/cross-tenant-cmk";

// Read and validate the whole registry before any stack exists: a bad registry
// stops here with every problem listed, and nothing is synthesized.
const registryFile = process.env.CMK_REGISTRY || DEFAULT_REGISTRY_FILE;
let registry;
try {
  registry = loadRegistry(registryFile);
} catch (error) {
  if (!(error instanceof RegistryError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}

const app = new App();
addStacks(app, registry);
app.synth();
