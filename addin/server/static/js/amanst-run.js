// Running one of the add-in's buttons through xlwings.runPython, with its sheets (include) and
// the user's sign-in; shared by the task pane (amanst.js) and the ribbon (ribbon.js).
export function amanstButtons() {
  const node = document.getElementById("amanst-buttons");
  return node ? JSON.parse(node.textContent) : [];
}

export async function runScript(meta, { args = [], errorDisplayMode = "alert" } = {}) {
  const auth =
    typeof globalThis.getAuth === "function"
      ? await globalThis.getAuth()
      : { token: "", provider: "" };
  await globalThis.xlwings.runPython({
    scriptName: meta.function_name,
    include: meta.include,
    auth: auth.token,
    headers: { "Auth-Provider": auth.provider },
    errorDisplayMode: errorDisplayMode,
    args: args,
  });
}
