// VeriAssist for VS Code: starts `veriassist lsp` and forwards the editor's commands to it.
// The server does the work (diagnostics, generate, fix, check); this file only wires VS Code to it.

import * as vscode from "vscode";
import {
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
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
  const command = vscode.workspace.getConfiguration("veriassist").get<string>("serverPath") || "veriassist";
  const serverOptions: ServerOptions = { command, args: ["lsp"] };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "verilog" },
      { scheme: "file", language: "systemverilog" },
      // Spec files, so "Generate module from spec" works on spec.md / design_description.txt.
      { scheme: "file", language: "markdown" },
      { scheme: "file", language: "plaintext" },
    ],
    initializationOptions: settings(),
    synchronize: { configurationSection: "veriassist" },
  };
  return new LanguageClient("veriassist", "VeriAssist", serverOptions, clientOptions);
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  client = makeClient();
  try {
    await client.start();
  } catch (error) {
    const command = vscode.workspace.getConfiguration("veriassist").get<string>("serverPath") || "veriassist";
    const choice = await vscode.window.showErrorMessage(
      `VeriAssist: could not start \`${command} lsp\`: ${String(error)}. ` +
        "Install VeriAssist (`pip install veriassist`) or set veriassist.serverPath.",
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
