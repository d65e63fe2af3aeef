// The "Arbetsmarknad" ribbon tab: one ExecuteFunction per button of addin/excel/scripts.py.
// The manifest names each action after the script's function name; the sheets to send (include)
// come from the same list the task pane uses, so the ribbon sends exactly what the task pane does.
// Replaces xlwings Server's example ribbon.js (loaded with "defer", after the page is parsed).
(function () {
  const node = document.getElementById("amanst-buttons");
  const buttons = node ? JSON.parse(node.textContent) : [];
  for (const meta of buttons) {
    Office.actions.associate(meta.function_name, async function (event) {
      try {
        const auth =
          typeof globalThis.getAuth === "function"
            ? await globalThis.getAuth()
            : { token: "", provider: "" };
        await globalThis.xlwings.runPython({
          scriptName: meta.function_name,
          include: meta.include,
          auth: auth.token,
          headers: { "Auth-Provider": auth.provider },
        });
      } finally {
        event.completed();
      }
    });
  }
})();
