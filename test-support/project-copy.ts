import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

/**
 * A copy of the project in a temporary folder, for running the real
 * `npx cdktf synth` without touching the working tree. node_modules is a
 * symlink to the project's own, so nothing is installed and nothing is fetched.
 */

/** The project folder these tests belong to. */
export const PROJECT_ROOT = path.resolve(__dirname, "..");

/** Top-level entries that are installed, generated or local state, never copied. */
const NOT_COPIED = new Set(["node_modules", "cdktf.out", "terraform-state", ".git"]);

/** How long one `cdktf synth` may take before the run is stopped. */
export const SYNTH_TIMEOUT_MS = 150_000;

export interface SynthRun {
  /** The exit code; null when the run was stopped by a signal or the timeout. */
  readonly status: number | null;
  /** stdout and stderr together, without colours or cursor movements. */
  readonly output: string;
}

// Colours, and the cursor movements of cdktf's progress spinner.
// eslint-disable-next-line no-control-regex
const TERMINAL_CODES = /\u001b\[[0-9;?]*[A-Za-z]/g;

export class ProjectCopy {
  /** The temporary folder holding the copy and its Terraform CLI configuration. */
  readonly root: string;
  /** The project copy: cdktf runs here. */
  readonly dir: string;
  private readonly terraformConfig: string;

  constructor() {
    this.root = mkdtempSync(path.join(tmpdir(), "cmk-synth-"));
    this.dir = path.join(this.root, "project");
    cpSync(PROJECT_ROOT, this.dir, {
      recursive: true,
      filter: (source) => !NOT_COPIED.has(path.relative(PROJECT_ROOT, source).split(path.sep)[0]),
    });
    symlinkSync(path.join(PROJECT_ROOT, "node_modules"), path.join(this.dir, "node_modules"), "dir");
    // An empty CLI configuration silences warnings about the machine's own one.
    this.terraformConfig = path.join(this.root, "terraformrc");
    writeFileSync(this.terraformConfig, "");
  }

  /** The absolute path of a file or folder inside the copy. */
  path(...parts: string[]): string {
    return path.join(this.dir, ...parts);
  }

  /** Writes a file inside the copy, creating its folder. */
  write(relativePath: string, text: string): void {
    mkdirSync(path.dirname(this.path(relativePath)), { recursive: true });
    writeFileSync(this.path(relativePath), text);
  }

  /**
   * Runs `npx cdktf synth` in the copy. CMK_REGISTRY is unset unless given, so
   * the caller's environment does not choose the registry.
   */
  synth(env: Record<string, string> = {}): SynthRun {
    const inherited = { ...process.env };
    delete inherited.CMK_REGISTRY;
    const result = spawnSync("npx", ["cdktf", "synth"], {
      cwd: this.dir,
      env: { ...inherited, CHECKPOINT_DISABLE: "1", TF_CLI_CONFIG_FILE: this.terraformConfig, ...env },
      encoding: "utf8",
      timeout: SYNTH_TIMEOUT_MS,
    });
    const output = `${result.stdout ?? ""}\n${result.stderr ?? ""}${result.error ? `\n${String(result.error)}` : ""}`;
    return { status: result.status, output: output.replace(TERMINAL_CODES, "") };
  }

  /** Removes the copy and everything in its temporary folder. */
  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Every file under a folder, as sorted paths relative to it with forward slashes; empty when it does not exist. */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => !entry.isDirectory())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"))
    .sort();
}

/** A SHA-256 of every file under a folder, by relative path. */
export function hashesUnder(dir: string): Record<string, string> {
  return Object.fromEntries(
    filesUnder(dir).map((file) => [
      file,
      createHash("sha256")
        .update(readFileSync(path.join(dir, file)))
        .digest("hex"),
    ]),
  );
}
