// The task pane's buttons and its list of the signed-in user's last runs.
// Every button is declared in addin/excel/scripts.py; the page lists them in #amanst-buttons
// with the sheets each one needs (include), so only those are sent to the server.
import { runScript, amanstButtons } from "./amanst-run.js";

function authHeaders(auth) {
  const headers = {};
  if (auth.token) headers["Authorization"] = auth.token;
  if (auth.provider) headers["Auth-Provider"] = auth.provider;
  return headers;
}

async function getAuth() {
  return typeof globalThis.getAuth === "function"
    ? await globalThis.getAuth()
    : { token: "", provider: "" };
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

export async function refreshRuns() {
  const list = document.querySelector("#amanst-runs");
  if (!list) return;
  let data;
  try {
    const response = await fetch(`${config.appPath}/amanst/senaste`, {
      headers: authHeaders(await getAuth()),
    });
    if (!response.ok) return;
    data = await response.json();
  } catch (error) {
    console.error(error);
    return;
  }
  const user = document.querySelector("#amanst-user");
  if (user && data.anvandare) user.textContent = `Inloggad som ${data.anvandare}.`;
  if (!data.korningar || data.korningar.length === 0) return;
  list.replaceChildren();
  for (const run of data.korningar) {
    const item = el("li", "list-group-item px-0");
    item.append(el("span", "run-time", `${run.tid} `));
    item.append(el("strong", "", run.knapp));
    item.append(el("div", run.ok ? "" : "run-error", run.sammanfattning));
    for (const link of run.lankar || []) {
      const a = el("a", "d-block amanst-download", link.title);
      a.href = link.url;
      a.addEventListener("click", (event) => {
        event.preventDefault();
        download(link.url, a);
      });
      item.append(a);
    }
    list.append(item);
  }
}

// Downloads carry the sign-in token like every other request (a plain link would not), so the
// file is fetched here and handed to the browser as a blob. The server serves it only to the
// user it belongs to (addin/excel/files.py).
async function download(url, anchor) {
  try {
    const response = await fetch(url, { headers: authHeaders(await getAuth()) });
    if (!response.ok) {
      anchor.replaceWith(el("div", "run-error", "Filen kunde inte hämtas (den finns inte eller är inte din)."));
      return;
    }
    const blob = await response.blob();
    const objectUrl = URL.createObjectURL(blob);
    const save = document.createElement("a");
    save.href = objectUrl;
    save.download = url.split("/").pop();
    document.body.append(save);
    save.click();
    save.remove();
    setTimeout(() => URL.revokeObjectURL(objectUrl), 60000);
  } catch (error) {
    console.error(error);
  }
}

function argsFor(button) {
  const selectors = button.getAttribute("data-amanst-args");
  if (!selectors) return [];
  const values = selectors.split(",").map((s) => {
    const input = document.querySelector(s.trim());
    return input ? input.value.trim() : "";
  });
  return values.some((v) => v !== "") ? values : [];
}

function wireButtons() {
  const buttons = amanstButtons();
  document.querySelectorAll("[data-amanst-script]").forEach((button) => {
    const name = button.getAttribute("data-amanst-script");
    const meta = buttons.find((b) => b.function_name === name);
    button.addEventListener("click", async () => {
      button.setAttribute("disabled", "true");
      const spinner = el("span", "spinner-border spinner-border-sm ms-2");
      spinner.setAttribute("role", "status");
      button.querySelector("span").append(spinner);
      try {
        await runScript(meta, { args: argsFor(button), errorDisplayMode: "taskpane" });
      } finally {
        spinner.remove();
        button.removeAttribute("disabled");
        await refreshRuns();
      }
    });
  });
}

document.documentElement.lang = "sv";
wireButtons();
refreshRuns();
