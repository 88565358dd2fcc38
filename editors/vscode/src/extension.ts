// VeriAssist for VS Code: starts `veriassist lsp` and forwards the editor's commands to it.
// The server does the work (diagnostics, generate, fix, check); this file only wires VS Code to it.

import * as fs from "fs";
import * as path from "path";
import * as vscode from "vscode";
import {
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
} from "vscode-languageclient/node";

// Command ids the server registers; the extension's own ids differ so the two never collide
// (vscode-languageclient registers the server's commands with VS Code as well).
const SERVER_COMMANDS: Record<string, string> = {
  "veriassist.generateFromSpec": "veriassist.server.generateFromSpec",
  "veriassist.fix": "veriassist.server.fix",
  "veriassist.generateTestbench": "veriassist.server.generateTestbench",
  "veriassist.check": "veriassist.server.check",
};

let client: LanguageClient | undefined;
let status: vscode.StatusBarItem | undefined;

// The README's set-up, not a package index: VeriAssist is installed into the checkout's .venv.
const SETUP_HINT =
  "Run `bash tools/setup.sh demo` in the VeriAssist checkout (README, \"Set-up and use\"): it creates " +
  "`.venv/bin/veriassist` and links it as `~/.local/bin/veriassist`; or set veriassist.serverPath to that file.";

// The server: veriassist.serverPath when set, else a workspace folder's .venv, else `veriassist` on PATH.
export function serverCommand(): string {
  const configured = vscode.workspace.getConfiguration("veriassist").get<string>("serverPath");
  if (configured) {
    return configured;
  }
  const venv = process.platform === "win32" ? path.join(".venv", "Scripts", "veriassist.exe") : path.join(".venv", "bin", "veriassist");
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    if (folder.uri.scheme !== "file") {
      continue;
    }
    const candidate = path.join(folder.uri.fsPath, venv);
    if (fs.existsSync(candidate)) {
      return candidate;
    }
  }
  return "veriassist";
}

function showState(text: string, tooltip: string): void {
  if (status) {
    status.text = text;
    status.tooltip = tooltip;
    status.show();
  }
}

function settings(): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration("veriassist");
  return {
    model: config.get<string>("model") || null,
    baseUrl: config.get<string>("baseUrl") || null,
    iterations: config.get<number>("iterations"),
    testbench: config.get<string>("testbench") || null,
    sandbox: config.get<boolean>("sandbox"),
    debounceMs: config.get<number>("debounceMs"),
  };
}

function makeClient(): LanguageClient {
  const command = serverCommand();
  const serverOptions: ServerOptions = { command, args: ["lsp"] };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "verilog" },
      { scheme: "file", language: "systemverilog" },
      // Only the spec files the server reads (designs/ keeps spec.md), not every note and text file.
      { scheme: "file", pattern: "**/spec.md" },
      { scheme: "file", pattern: "**/design_description.txt" },
      { scheme: "file", pattern: "**/*_prompt.txt" },
    ],
    initializationOptions: settings(),
    synchronize: { configurationSection: "veriassist" },
  };
  const made = new LanguageClient("veriassist", "VeriAssist", serverOptions, clientOptions);
  made.onDidChangeState((event) => {
    if (event.newState === State.Running) {
      showState("$(check) VeriAssist", `VeriAssist: running \`${command} lsp\` (click for its output)`);
    } else if (event.newState === State.Starting) {
      showState("$(sync~spin) VeriAssist", `VeriAssist: starting \`${command} lsp\``);
    } else {
      showState("$(error) VeriAssist", "VeriAssist: the language server stopped (click for its output)");
    }
  });
  return made;
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  client = makeClient();
  showState("$(sync~spin) VeriAssist", "VeriAssist: starting the language server");
  try {
    await client.start();
  } catch (error) {
    showState("$(error) VeriAssist", "VeriAssist: the language server did not start (click for its output)");
    const choice = await vscode.window.showErrorMessage(
      `VeriAssist: could not start \`${serverCommand()} lsp\`: ${String(error)}. ${SETUP_HINT}`,
      "Open settings",
    );
    if (choice === "Open settings") {
      await vscode.commands.executeCommand("workbench.action.openSettings", "veriassist.serverPath");
    }
  }
  context.subscriptions.push({ dispose: () => void client?.stop() });
}

async function runOnEditor(command: string): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showWarningMessage("VeriAssist: open a Verilog file (or a spec) first.");
    return;
  }
  if (!client || !client.isRunning()) {
    void vscode.window.showErrorMessage("VeriAssist: the language server is not running.");
    return;
  }
  const args: unknown[] = [editor.document.uri.toString()];
  if (command === "veriassist.generateFromSpec") {
    // The selection, or the cursor inside the spec's comment block.
    args.push(client.code2ProtocolConverter.asRange(editor.selection));
  }
  try {
    // The server reports progress (cancellable) and shows the outcome itself.
    await client.sendRequest(ExecuteCommandRequest.type, { command: SERVER_COMMANDS[command], arguments: args });
  } catch (error) {
    void vscode.window.showErrorMessage(`VeriAssist: ${String(error)}`);
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 0);
  status.command = "veriassist.showOutput";
  context.subscriptions.push(
    status,
    vscode.commands.registerCommand("veriassist.showOutput", () => client?.outputChannel.show()),
  );
  for (const command of Object.keys(SERVER_COMMANDS)) {
    context.subscriptions.push(vscode.commands.registerCommand(command, () => runOnEditor(command)));
  }
  context.subscriptions.push(
    vscode.commands.registerCommand("veriassist.restartServer", async () => {
      if (client) {
        await client.stop();
      }
      await start(context);
    }),
  );
  await start(context);
}

export async function deactivate(): Promise<void> {
  if (client) {
    await client.stop();
  }
}
