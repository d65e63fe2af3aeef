// Running one of the add-in's buttons, shared by the task pane (amanst.js) and the ribbon
// (ribbon.js). It replaces the reading and sending half of xlwings' runPython and keeps its
// other half, xlwings.runActions, which applies what the server sends back:
//
// 1. Excel on the web refuses any single exchange (context.sync) over 5 MB, requests and
//    responses alike ("Resource limits and performance optimization for Office Add-ins").
//    xlwings' getBookData loads the values and number formats of every sheet in one exchange,
//    which stops near 700 places. Here the sheets' structure comes from xlwings' own
//    getBookData in its lazy mode (no values), and the values are read sheet by sheet in blocks
//    of rows sized to stay far under the limit (BUDGET), halving a block that Excel refuses.
// 2. Each sheet read is sent packed, each distinct value once and an index per cell
//    (packValues; the server's addin/excel/packed.py unpacks it into xlwings' rows): a register
//    repeats its values, and the server then decodes a few thousand strings instead of one per
//    cell. The workbook is sent gzip-compressed (CompressionStream), so a city's register of
//    10,000 places fits the server's body limit; one that still does not, gets a Swedish message
//    before anything is sent.
// 3. What the server writes comes back as xlwings actions; our own action amanstWrite (below,
//    registered as an xlwings callback) writes a block of values together with its number
//    formats, so text stays text ("@"), dates are dates, numbers numbers.
// 4. The run is reported back to the server (POST /amanst/korning/<id>) once Excel has applied
//    the actions, or with the reason it failed, so "Senaste körningar" tells the truth.
// 5. Every message the user sees is Swedish, Office's own failures included.
import { xlAlert } from "./alerts/parent.js";
import { convertDateValues } from "./custom-scripts/workbook-metadata.js";

// The oldest Excel the add-in runs on is the manifest's minimum (addin/excel/excelapi.py), handed
// to the page with the limits; Excel does not install the add-in below it, but a click from an
// older Excel still gets a Swedish message instead of Office's error. Notes (1.18) and Table.resize
// (1.13) fall back: the server sends them only to an Excel that has them (book.excel_api).
// Bytes we aim for per exchange when reading: well under Excel on the web's 5 MB, because the
// real request and response carry more than the values we count.
export const BUDGET = 1_500_000;
const FIRST_BLOCK_ROWS = 2000;

const SIZE_CODES = ["RequestPayloadSizeLimitExceeded", "ResponsePayloadSizeLimitExceeded",
  "RangeExceedsLimit"];

export class AmanstError extends Error {}

export function amanstButtons() {
  const node = document.getElementById("amanst-buttons");
  return node ? JSON.parse(node.textContent) : [];
}

function limits() {
  const node = document.getElementById("amanst-limits");
  const defaults = { max_body_bytes: 6291456, max_book_bytes: 67108864, max_cells: 3355443,
    min_excel_api: "1.9" };
  return node ? Object.assign(defaults, JSON.parse(node.textContent)) : defaults;
}

async function getAuth() {
  return typeof globalThis.getAuth === "function"
    ? await globalThis.getAuth()
    : { token: "", provider: "" };
}

export function authHeaders(auth) {
  const headers = {};
  if (auth.token) headers["Authorization"] = auth.token;
  if (auth.provider) headers["Auth-Provider"] = auth.provider;
  return headers;
}

const appPath = () => (globalThis.config && globalThis.config.appPath) || "";
const mb = (bytes) => (bytes / 1_000_000).toFixed(1).replace(".", ",");

// --- which Excel this is ----------------------------------------------------------------------

export function excelApiVersion() {
  let best = null;
  for (let minor = 1; minor < 40; minor++) {
    if (Office.context.requirements.isSetSupported("ExcelApi", `1.${minor}`)) best = `1.${minor}`;
    else break;
  }
  return best;
}

function requireExcel() {
  const minimum = limits().min_excel_api;
  if (!Office.context.requirements.isSetSupported("ExcelApi", minimum)) {
    throw new AmanstError("Den här versionen av Excel är för gammal för tillägget (det behöver "
      + `ExcelApi ${minimum}, som finns i Microsoft 365, Excel 2021 och senare och i Excel `
      + "på webben). Uppdatera Excel eller öppna arbetsboken i Excel på webben.");
  }
}

// --- reading ----------------------------------------------------------------------------------

function isSizeError(error) {
  return error && SIZE_CODES.includes(error.code);
}

function lastCell(address) {
  // "Platser!A1:P183" → [row count, column count] from A1 to the last cell.
  const cell = address.split("!").pop().split(":").pop().replace(/\$/g, "");
  const m = /^([A-Z]+)(\d+)$/.exec(cell);
  let col = 0;
  for (const ch of m[1]) col = col * 26 + ch.charCodeAt(0) - 64;
  return [Number(m[2]), col];
}

const jsonBytes = (value) => new TextEncoder().encode(JSON.stringify(value)).length;

// The values from A1 to the last used cell of one sheet, in blocks of rows, each exchange well
// under the limit. Dates come back as serial numbers; their number formats (read with them)
// say which, as in xlwings' convertDateValues.
async function readValues(context, sheetName, address, progress) {
  const [rowCount, colCount] = lastCell(address);
  const sheet = context.workbook.worksheets.getItem(sheetName);
  const values = [];
  let rows = Math.max(1, Math.min(FIRST_BLOCK_ROWS, Math.floor(BUDGET / (colCount * 24))));
  let top = 0;
  while (top < rowCount) {
    const count = Math.min(rows, rowCount - top);
    const range = sheet.getRangeByIndexes(top, 0, count, colCount).load("values, numberFormat");
    try {
      await context.sync();
    } catch (error) {
      if (isSizeError(error) && count > 1) {
        rows = Math.max(1, Math.floor(count / 2));  // Excel refused it: try half as many rows
        continue;
      }
      throw error;
    }
    const block = range.values;
    const used = jsonBytes(block) + jsonBytes(range.numberFormat);
    convertDateValues(block, range.numberFormat);
    for (const row of block) values.push(row);
    top += count;
    // The next block as large as the budget allows, judged by this one's bytes per row.
    rows = Math.max(1, Math.floor((BUDGET * count) / Math.max(used, 1)));
    if (progress) progress(sheetName, top, rowCount);
  }
  return values;
}

// A sheet's rows as the server's addin/excel/packed.py reads them: each distinct value once, in
// the order first met, and for every cell, row after row, its position among them. A Map tells
// 1 from "1" and true (SameValueZero), as the server does. Rows of unequal width (which Excel
// never gives) are left as they are.
export function packValues(values) {
  const width = values.length ? values[0].length : 0;
  if (!width || values.some((row) => row.length !== width)) return null;
  const distinct = [];
  const seen = new Map();
  const index = new Array(values.length * width);
  let at = 0;
  for (const row of values) {
    for (const value of row) {
      let position = seen.get(value);
      if (position === undefined) {
        position = distinct.length;
        seen.set(value, position);
        distinct.push(value);
      }
      index[at++] = position;
    }
  }
  return { width, distinct, index };
}

export async function readBook(context, meta, progress) {
  const include = meta.include || "";
  // xlwings' own payload, without values: sheets, used ranges, tables, notes, names.
  const payload = await globalThis.xlwings.getBookData({ include, lazy: true }, context);
  const wanted = include.split(",").map((s) => s.trim()).filter(Boolean);
  for (const sheet of payload.sheets) {
    if (wanted.length && !wanted.includes(sheet.name)) continue;
    if (!sheet.used_range_address) {
      sheet.values = [[""]];  // an empty sheet: a 1×1 window, as xlwings sends it
      continue;
    }
    const values = await readValues(context, sheet.name, sheet.used_range_address, progress);
    const packed = packValues(values);
    if (packed) {
      sheet.values = [[]];  // as xlwings sends a sheet it has not read
      sheet.amanst_packed = packed;
    } else {
      sheet.values = values;
    }
  }
  payload.book.excel_api = excelApiVersion();
  return payload;
}

// --- sending ----------------------------------------------------------------------------------

async function gzip(text) {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function tooLarge(what) {
  return new AmanstError(`Arbetsboken är för stor för att skickas till servern (${what}). Inget `
    + "har skickats och inget har ändrats. Dela upp registret per år eller förvaltning, eller "
    + "flytta äldre bedömningar till en arkivbok. Kommandoraden (amanst validate) har ingen "
    + "storleksgräns.");
}

export async function encode(payload) {
  const { max_body_bytes: maxBody, max_book_bytes: maxBook, max_cells: maxCells } = limits();
  // packed sheets are held to the cells max_book_bytes of unpacked JSON hold (addin/excel/packed.py)
  const cells = payload.sheets.reduce(
    (n, sheet) => n + (sheet.amanst_packed ? sheet.amanst_packed.index.length : 0), 0);
  if (cells > maxCells) {
    throw tooLarge(`${cells.toLocaleString("sv-SE")} celler, gränsen är `
      + `${maxCells.toLocaleString("sv-SE")}`);
  }
  const text = JSON.stringify(payload);
  const size = new TextEncoder().encode(text).length;
  if (size > maxBook) throw tooLarge(`${mb(size)} MB, gränsen är ${mb(maxBook)} MB`);
  if (typeof CompressionStream === "function") {
    const body = await gzip(text);
    if (body.length > maxBody) {
      throw tooLarge(`${mb(body.length)} MB komprimerat, gränsen är ${mb(maxBody)} MB`);
    }
    return { body, headers: { "Content-Encoding": "gzip" }, size, sent: body.length };
  }
  if (size > maxBody) throw tooLarge(`${mb(size)} MB, gränsen är ${mb(maxBody)} MB`);
  return { body: text, headers: {}, size, sent: size };
}

function serverMessage(status, data) {
  const detail = data && typeof data.detail === "string" ? data.detail : null;
  if (status === 401) {
    return "Du är inte inloggad, eller inloggningen har gått ut. Stäng och öppna tillägget igen.";
  }
  if (detail && status < 500) return detail;
  if (detail && /[åäöÅÄÖ]/.test(detail)) return detail;  // our own Swedish message
  if (status === 413) return tooLarge("servern tog inte emot den").message;
  return `Servern kunde inte köra knappen (fel ${status}). Inget i arbetsboken har ändrats. `
    + "Försök igen om en stund; kontakta supporten om felet finns kvar.";
}

async function post(url, encoded, auth, runId) {
  let response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: Object.assign({ "Content-Type": "application/json", "X-Amanst-Korning": runId },
        authHeaders(auth), encoded.headers),
      body: encoded.body,
    });
  } catch (error) {
    throw new AmanstError("Servern svarar inte. Kontrollera nätverket och försök igen. Inget i "
      + "arbetsboken har ändrats.");
  }
  // xlwings Server answers an XlwingsError (our Swedish message) as plain text with 400, and
  // everything else as JSON.
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch (error) {
    data = { detail: text };
  }
  if (!response.ok) throw new AmanstError(serverMessage(response.status, data));
  return data;
}

// --- Office's own failures, in Swedish ----------------------------------------------------------

export function swedish(error, { applying = false } = {}) {
  if (error instanceof AmanstError) return error.message;
  const cause = error && error.cause ? error.cause : error;
  const code = cause && cause.code;
  const partly = applying
    ? " En del av ändringarna kan redan ha gjorts: kontrollera arbetsboken och klicka igen."
    : " Inget i arbetsboken har ändrats.";
  if (SIZE_CODES.includes(code)) {
    return "Excel tog inte emot ändringen: den var större än Excel på webben tillåter i ett "
      + "utbyte (5 MB)." + partly;
  }
  const known = {
    ItemNotFound: "Excel hittade inte ett blad eller en cell som knappen behöver (har bladet "
      + "bytt namn eller tagits bort?).",
    ItemAlreadyExists: "Ett blad med det namnet finns redan.",
    AccessDenied: "Excel tillät inte ändringen; bladet eller arbetsboken kan vara skyddad.",
    InvalidOperationInCellEditMode: "Excel redigerar en cell. Tryck Enter eller Esc och klicka "
      + "igen.",
    ActivityLimitReached: "Excel är upptaget. Vänta en stund och klicka igen.",
    RequestAborted: "Excel avbröt körningen.",
    ApiNotFound: "Den här versionen av Excel saknar en funktion som knappen behöver. Uppdatera "
      + "Excel.",
    NoteApiUnsupported: "Den här versionen av Excel kan inte lägga till anteckningar.",
    InvalidArgument: "Excel tog inte emot en ändring (ogiltigt värde).",
    InvalidOperation: "Excel kunde inte göra en ändring just nu.",
    GeneralException: "Excel kunde inte göra ändringen.",
  };
  const text = known[code] || (applying
    ? "Excel kunde inte göra alla ändringar som knappen skickade."
    : "Excel kunde inte läsa arbetsboken.");
  const step = Number.isInteger(error && error.actionIndex) ? ` (steg ${error.actionIndex + 1})` : "";
  return text + step + partly;
}

// --- the run ----------------------------------------------------------------------------------

function newRunId() {
  return globalThis.crypto && crypto.randomUUID
    ? crypto.randomUUID()
    : `${Date.now().toString(16)}-${Math.random().toString(16).slice(2)}`;
}

async function report(runId, ok, message) {
  try {
    await fetch(`${appPath()}/amanst/korning/${encodeURIComponent(runId)}`, {
      method: "POST",
      headers: Object.assign({ "Content-Type": "application/json" }, authHeaders(await getAuth())),
      body: JSON.stringify(ok ? { ok: true } : { ok: false, fel: message }),
    });
  } catch (error) {
    console.error(error);  // the run itself is done; the list just won't say so
  }
}

export function hideError() {
  const bar = document.querySelector("#global-error-alert");
  if (bar) {
    bar.classList.add("d-none");
    const span = bar.querySelector("span");
    if (span) span.textContent = "";
  }
}

function showError(message, errorDisplayMode) {
  if (errorDisplayMode === "alert") {
    return xlAlert(message, "Fel", "ok", "critical", "");
  }
  const bar = document.querySelector("#global-error-alert");
  if (bar) {
    bar.classList.remove("d-none");
    bar.querySelector("span").textContent = message;
    bar.focus && bar.focus();
  }
  return undefined;
}

export async function runScript(meta, { args = [], errorDisplayMode = "alert", progress } = {}) {
  hideError();
  const runId = newRunId();
  let sent = false;
  let applying = false;
  try {
    await Office.onReady();
    requireExcel();
    const auth = await getAuth();
    await Excel.run(async (context) => {
      const payload = await readBook(context, meta, progress);
      if (args.length > 0) payload.args = args;
      const encoded = await encode(payload);
      const url = `${window.location.origin}${appPath()}/xlwings/custom-scripts-call/`
        + encodeURIComponent(meta.function_name);
      const data = await post(url, encoded, auth, runId);
      sent = true;
      applying = true;
      if (data != null) await globalThis.xlwings.runActions(data, context);
      await context.sync();
    });
    if (sent) await report(runId, true);
    return true;
  } catch (error) {
    console.error(error);
    const message = swedish(error, { applying });
    if (sent) await report(runId, false, message);
    await showError(message, errorDisplayMode);
    return false;
  }
}

// --- the action that writes a block with its number formats ---------------------------------------

// args: sheet position, top row and left column (0-based), the values, and the number formats
// (null keeps a cell's format: "Blank and null values in Excel add-ins"). The formats are set
// first in the same batch, so a text cell is "@" before its string arrives and Excel keeps it.
async function amanstWrite(context, sheetPosition, top, left, values, formats) {
  const sheets = context.workbook.worksheets.load("items");
  await context.sync();
  const sheet = sheets.items[sheetPosition];
  const range = sheet.getRangeByIndexes(top, left, values.length, values[0].length);
  if (formats) range.numberFormat = formats;
  range.values = values;
  await context.sync();
}

export function registerActions() {
  if (globalThis.xlwings && globalThis.xlwings.registerCallback) {
    globalThis.xlwings.registerCallback(amanstWrite);
  }
}
