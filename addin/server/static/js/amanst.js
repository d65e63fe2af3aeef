// The task pane: its buttons, the ribbon's commands, the last runs, and the Swedish page chrome.
// Every button is declared in addin/excel/scripts.py; the page lists them in #amanst-buttons
// with the sheets each one needs (include). Running one is amanst-run.js.
import {
  amanstButtons, authHeaders, hideError, registerActions, runScript,
} from "./amanst-run.js";

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

const STATUS_TEXT = { klar: "Klar", fel: "Misslyckades", vantar: "Väntar på Excel" };

function statusOf(run) {
  if (run.status) return run.status;
  return run.ok === false ? "fel" : "klar";
}

// The latest run at the top of the pane (visible without scrolling), the rest in the list.
function showLatest(run) {
  const box = document.querySelector("#amanst-status");
  if (!box) return;
  box.replaceChildren();
  if (!run) {
    box.dataset.status = "";
    box.append(el("span", "text-muted", "Inga körningar ännu."));
    return;
  }
  const status = statusOf(run);
  box.dataset.status = status;
  box.append(el("strong", "run-state", `${STATUS_TEXT[status]}: `));
  box.append(el("span", "", `${run.knapp} ${run.tid}. `));
  box.append(el("span", "run-summary", run.sammanfattning));
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
  const runs = data.korningar || [];
  showLatest(runs[0]);
  if (runs.length === 0) return;
  list.replaceChildren();
  for (const run of runs) {
    const status = statusOf(run);
    const item = el("li", `list-group-item px-0 run-${status}`);
    item.dataset.status = status;
    item.append(el("span", "run-time", `${run.tid} `));
    item.append(el("strong", "run-button", run.knapp));
    item.append(el("span", "visually-hidden", ` (${STATUS_TEXT[status]})`));
    item.append(el("div", status === "fel" ? "run-summary run-error" : "run-summary",
      run.sammanfattning));
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

function progress(sheet, done, total) {
  const box = document.querySelector("#amanst-progress");
  if (box) box.textContent = `Läser ${sheet}: ${done.toLocaleString("sv-SE")} av ${total.toLocaleString("sv-SE")} rader …`;
}

function wireButtons() {
  const buttons = amanstButtons();
  const all = () => document.querySelectorAll("[data-amanst-script]");
  all().forEach((button) => {
    const name = button.getAttribute("data-amanst-script");
    const meta = buttons.find((b) => b.function_name === name);
    button.addEventListener("click", async () => {
      hideError();
      // One run at a time: two runs on one workbook would interleave their changes.
      all().forEach((b) => b.setAttribute("disabled", "true"));
      const spinner = el("span", "spinner-border spinner-border-sm ms-2");
      spinner.setAttribute("role", "status");
      spinner.setAttribute("aria-label", "Kör");
      button.append(spinner);
      const box = document.querySelector("#amanst-progress");
      if (box) box.textContent = `${meta.label} körs …`;
      try {
        await runScript(meta, { args: argsFor(button), errorDisplayMode: "taskpane", progress });
      } finally {
        spinner.remove();
        if (box) box.textContent = "";
        await refreshRuns();
        all().forEach((b) => b.removeAttribute("disabled"));
        button.focus();
      }
    });
  });
}

// The ribbon's commands (ExecuteFunction), one per button, on the same page (the manifest's
// function file is this page). Errors show in a dialog, since a command has no pane.
function wireRibbon() {
  if (!globalThis.Office || !Office.actions) return;
  for (const meta of amanstButtons()) {
    Office.actions.associate(meta.function_name, async (event) => {
      try {
        await runScript(meta, { errorDisplayMode: "alert" });
        await refreshRuns();
      } finally {
        event.completed();
      }
    });
  }
}

// xlwings Server's page frame (base.html) has a few English texts of its own.
function swedishChrome() {
  const texts = {
    ".xlwings-office-ready-error-inner .mb-3": "Tillägget kunde inte startas.",
    "#xlwings-taskpane-reload-btn": "Ladda om",
    "#xlwings-taskpane-reload-cancel-btn": "Avbryt",
  };
  for (const [selector, text] of Object.entries(texts)) {
    const node = document.querySelector(selector);
    if (node) node.textContent = text;
  }
  document.querySelectorAll(".btn-close[aria-label='Close']").forEach((b) => b.setAttribute("aria-label", "Stäng"));
  const bar = document.querySelector("#global-error-alert");
  if (bar) bar.setAttribute("tabindex", "-1");
  document.title = "Arbetsmarknadsanställningar";
}

document.documentElement.lang = "sv";
swedishChrome();
registerActions();
wireButtons();
wireRibbon();
refreshRuns();
globalThis.amanstReady = true;
