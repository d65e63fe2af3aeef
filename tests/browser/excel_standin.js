/*
 * A stand-in for office.js: Excel's JavaScript object model over an in-memory workbook, for the
 * browser tests. The task pane loads it in place of Microsoft's office.js (the test routes that
 * one URL here); everything else on the page, xlwings' client included, is the real thing.
 *
 * It behaves as Microsoft documents Excel, where our add-in depends on it:
 *
 * - Proxy objects and batches. Methods and property writes are queued and run, in order, when
 *   context.sync() is called; a property can be read only after load() and sync(), otherwise
 *   PropertyNotLoaded. A failing command stops the batch: the commands before it are applied,
 *   the rest are not. ("Application-specific API model", learn.microsoft.com/office/dev/add-ins/
 *   develop/application-specific-api-model: load, sync, proxy objects; "Error handling with the
 *   application-specific JavaScript APIs", .../testing/application-specific-api-error-handling.)
 * - The 5 MB limit of Excel on the web. In mode "web", a sync whose request or whose response is
 *   over 5 MB is refused with OfficeExtension.Error code RequestPayloadSizeLimitExceeded ("The
 *   request payload size has exceeded the limit. See the Resource limits and performance
 *   optimization for Office Add-ins article for more information.") or
 *   ResponsePayloadSizeLimitExceeded, and nothing of that request is applied ("Resource limits
 *   and performance optimization for Office Add-ins", section Excel add-ins: "Excel on the web
 *   has a payload size limit for requests and responses of 5MB"; the codes and messages are in
 *   the error-handling article above, which says they occur only in Excel on the web). A read of
 *   more than 5,000,000 cells fails with RangeExceedsLimit on every platform (same sections).
 *   The size of a request is the JSON of its commands and their arguments; of a response, the
 *   JSON of the values loaded. 5 MB is taken as 5,000,000 bytes, the smaller reading.
 * - What Excel does with a string written through Range.values: "If the returned value starts
 *   with a plus ("+"), minus ("-"), or equal sign ("="), Excel interprets this value as a
 *   formula" (Excel.Range.values, API reference); and, as when a user types it into a cell
 *   formatted General, text that looks like a number loses its leading zeros ("0012" → 12,
 *   Microsoft Support "Keep leading zeros"; more than 15 digits are cut, support KB 269370),
 *   a day and month become a date of the current year ("1-2"; Microsoft Support "Stop
 *   automatically changing numbers to dates"), "75 %" a percentage 0.75 with format 0%, TRUE
 *   and FALSE booleans. A cell formatted as text (number format "@") keeps the string as
 *   written ("format the cells as text before you enter any data ... all the characters remain
 *   as you type them", support KB 269370). A string that matches no rule, such as
 *   "19121212-1212", stays text. The workbook's "today" is set by the test (config.now), never
 *   the machine's clock.
 * - Requirement sets. It is told which ExcelApi version to emulate (config.api); isSetSupported
 *   answers accordingly (Office.RequirementSetSupport.isSetSupported), and every member newer
 *   than that version is absent from the objects, as on an older Excel. The version of each
 *   member is the "[Api set: ExcelApi x.y]" of its page in the Excel JavaScript API reference.
 *
 * Test-only hooks live on globalThis.ExcelStandIn (the workbook, statistics of every sync).
 * Configuration comes from globalThis.__excelStandInConfig, set by the test before the page loads:
 *   { mode: "web" | "desktop", api: "1.18", now: "2026-11-27T10:00:00", workbookUrl: "...",
 *     limit: 5000000 }
 */
(function () {
  "use strict";

  const CONFIG = Object.assign(
    { mode: "web", api: "1.18", now: "2026-11-27T10:00:00", limit: 5000000,
      workbookUrl: "/__standin__/workbook.json", cellLimit: 5000000 },
    globalThis.__excelStandInConfig || {},
  );
  const LIMIT = CONFIG.limit;
  const encoder = new TextEncoder();

  // --- version arithmetic ----------------------------------------------------------------------

  function versionAtLeast(have, want) {
    const a = String(have).split(".").map(Number);
    const b = String(want).split(".").map(Number);
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const x = a[i] || 0, y = b[i] || 0;
      if (x !== y) return x > y;
    }
    return true;
  }
  const supports = (set) => versionAtLeast(CONFIG.api, set);

  // Other requirement sets a task pane add-in meets on every current Excel.
  const OTHER_SETS = { DialogApi: "1.2", SharedRuntime: "1.1", RibbonApi: "1.1",
    AddinCommands: "1.1", IdentityAPI: "1.3" };

  // --- errors ---------------------------------------------------------------------------------

  class OfficeError extends Error {
    constructor(code, message, debugInfo) {
      super(message);
      this.name = "RichApi.Error";
      this.code = code;
      this.debugInfo = Object.assign({ code, message }, debugInfo || {});
    }
    toString() {
      return `${this.name}: ${this.message}`;
    }
  }
  const MESSAGES = {
    RequestPayloadSizeLimitExceeded: "The request payload size has exceeded the limit. See the "
      + "Resource limits and performance optimization for Office Add-ins article for more "
      + "information.",
    ResponsePayloadSizeLimitExceeded: "The response payload size has exceeded the limit. See the "
      + "Resource limits and performance optimization for Office Add-ins article for more "
      + "information.",
    RangeExceedsLimit: "The cell count in the range has exceeded the maximum supported number. "
      + "See the Resource limits and performance optimization for Office Add-ins article for "
      + "more information.",
    ItemNotFound: "The requested resource doesn't exist.",
    ItemAlreadyExists: "The resource being created already exists.",
    InvalidArgument: "The argument is invalid or missing or has an incorrect format.",
    InvalidOperation: "The operation attempted is invalid on the object.",
    PropertyNotLoaded: "The property isn't available. Before reading the property's value, call "
      + "the load method on the containing object and call \"context.sync()\" on the associated "
      + "request context.",
  };
  const FAIL_MESSAGES = {
    InvalidOperationInCellEditMode: "The operation isn't available while Excel is in Edit cell "
      + "mode. Exit Edit mode by using the Enter or Tab keys, or by selecting another cell, and "
      + "then try again.",
  };
  let failWrites = CONFIG.failWrites || null;
  const fail = (code, extra) => new OfficeError(code, MESSAGES[code] + (extra ? ` (${extra})` : ""));

  // --- addresses --------------------------------------------------------------------------------

  function colName(index) {
    let name = "";
    for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) {
      name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
    }
    return name;
  }
  function colIndex(letters) {
    let n = 0;
    for (const ch of letters.toUpperCase()) n = n * 26 + ch.charCodeAt(0) - 64;
    return n - 1;
  }
  function parseCell(text) {
    const m = /^\$?([A-Za-z]{1,3})\$?(\d+)$/.exec(text.trim());
    if (!m) return null;
    return [Number(m[2]) - 1, colIndex(m[1])];
  }
  function parseAddress(text) {
    // "A1", "A1:B2", "A:A", "1:1"; a sheet prefix is handled by the caller.
    const parts = text.split(":");
    const a = parseCell(parts[0]);
    const b = parts.length > 1 ? parseCell(parts[1]) : a;
    if (a && b) {
      return { r0: Math.min(a[0], b[0]), c0: Math.min(a[1], b[1]),
        rows: Math.abs(b[0] - a[0]) + 1, cols: Math.abs(b[1] - a[1]) + 1 };
    }
    const col = /^\$?([A-Za-z]{1,3})$/;
    if (parts.length === 2 && col.test(parts[0]) && col.test(parts[1])) {
      const c0 = colIndex(parts[0].replace("$", "")), c1 = colIndex(parts[1].replace("$", ""));
      return { r0: 0, c0: Math.min(c0, c1), rows: 1048576, cols: Math.abs(c1 - c0) + 1 };
    }
    return null;
  }
  function cellAddress(r, c) {
    return `${colName(c)}${r + 1}`;
  }
  function rangeAddress(r0, c0, rows, cols) {
    const a = cellAddress(r0, c0);
    return rows === 1 && cols === 1 ? a : `${a}:${cellAddress(r0 + rows - 1, c0 + cols - 1)}`;
  }
  function quoteSheet(name) {
    return /^[A-Za-z0-9_\u00C0-\u024F]+$/.test(name) ? name : `'${name.replace(/'/g, "''")}'`;
  }

  // --- dates and the parsing of typed text ------------------------------------------------------

  const EPOCH = Date.UTC(1899, 11, 30);
  function serialOf(y, m, d, hh = 0, mm = 0, ss = 0) {
    return (Date.UTC(y, m - 1, d, hh, mm, ss) - EPOCH) / 86400000;
  }
  function validDate(y, m, d) {
    const t = new Date(Date.UTC(y, m - 1, d));
    return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
  }
  function nowParts() {
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(CONFIG.now);
    return { year: Number(m[1]) };
  }
  const NUMBER = /^[+-]?(\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?$/;

  function toNumber(text) {
    const t = text.replace(/[\s\u00A0]/g, "").replace(",", ".");
    if (!NUMBER.test(t)) return null;
    const digits = t.replace(/^[+-]/, "").replace(/[eE].*$/, "").replace(".", "").replace(/^0+/, "");
    let value = Number(t);
    if (digits.length > 15) {  // "Excel stores only 15 significant digits" (KB 269370)
      value = Number(value.toPrecision(15));
    }
    return value;
  }

  // What a cell formatted General holds after `text` is written to it: [value, format, formula].
  function interpret(text) {
    if (text === "") return [null, null, null];
    const first = text[0];
    if (first === "=" && text.length > 1) return [formulaValue(text), null, text];
    const trimmed = text.trim();
    const number = toNumber(trimmed);
    if (number !== null) return [number, null, null];
    if (first === "+" || first === "-") {
      // Excel.Range.values: a leading + or - makes the rest a formula.
      return [formulaValue("=" + text), null, "=" + text];
    }
    const pct = /^([+-]?[\d.,]+)\s*%$/.exec(trimmed);
    if (pct && toNumber(pct[1]) !== null) return [toNumber(pct[1]) / 100, "0%", null];
    if (/^(TRUE|FALSE)$/i.test(trimmed)) return [trimmed.toUpperCase() === "TRUE", null, null];
    let m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(trimmed);
    if (m && validDate(+m[1], +m[2], +m[3])) {
      const time = m[4] !== undefined;
      return [serialOf(+m[1], +m[2], +m[3], +(m[4] || 0), +(m[5] || 0), +(m[6] || 0)),
        time ? "yyyy-mm-dd hh:mm" : "yyyy-mm-dd", null];
    }
    // Day and month (Swedish order, as Excel in sv-SE reads "1-2" or "1/2"): this year.
    m = /^(\d{1,2})[-/](\d{1,2})$/.exec(trimmed);
    if (m) {
      const year = nowParts().year;
      if (validDate(year, +m[2], +m[1])) return [serialOf(year, +m[2], +m[1]), "d mmm", null];
    }
    m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(trimmed);
    if (m && +m[1] < 24 && +m[2] < 60) {
      return [(+m[1] * 3600 + +m[2] * 60 + +(m[3] || 0)) / 86400, "hh:mm", null];
    }
    return [text, null, null];
  }

  // The stand-in calculates only a plain number and SUM of numbers; a formula naming anything
  // else (an unknown function such as SUMMA in the English API, a name such as "bra") is #NAME?,
  // as in Excel, whose API formulas are English. (No eval: the task pane's CSP forbids it.)
  function formulaValue(formula) {
    const body = formula.slice(1).trim();
    if (/^[-+]?\d+(\.\d+)?$/.test(body)) return Number(body);
    if (/^SUM\(([\d\s.,]+)\)$/i.test(body)) {
      return body.slice(4, -1).split(",").reduce((s, x) => s + Number(x), 0);
    }
    return "#NAME?";
  }

  // --- the workbook model -----------------------------------------------------------------------

  let nextId = 1;

  class SheetModel {
    constructor(name) {
      this.id = `{${String(nextId++).padStart(8, "0")}-0000-0000-0000-000000000000}`;
      this.name = name;
      this.visibility = "Visible";
      this.showGridlines = true;
      this.values = [];     // values[r][c]: number | string | boolean | null (empty)
      this.formats = [];    // formats[r][c]: number format code, undefined = "General"
      this.formulas = new Map();   // "r,c" → formula
      this.fills = new Map();      // "r,c" → "#RRGGBB"
      this.fonts = new Map();      // "r,c" → {bold, italic, color, size}
      this.wrap = new Map();
      this.validations = [];       // {r0, c0, rows, cols, rule}
      this.columnWidths = new Map();
      this.notes = new Map();      // "A1" → {content, authorName}
      this.tables = [];            // {name, r0, c0, rows, cols, style, showHeaders, ...}
      this.charts = [];            // {name, chartType, left, top, width, height, source}
      this.names = [];
      this.frozen = null;
    }
    get(r, c) {
      const row = this.values[r];
      const v = row ? row[c] : undefined;
      return v === undefined ? null : v;
    }
    format(r, c) {
      const row = this.formats[r];
      return (row && row[c]) || "General";
    }
    setRaw(r, c, value, format) {
      (this.values[r] || (this.values[r] = []))[c] = value;
      if (format !== undefined && format !== null) {
        (this.formats[r] || (this.formats[r] = []))[c] = format;
      }
    }
    setFormat(r, c, format) {
      (this.formats[r] || (this.formats[r] = []))[c] = format === "General" ? undefined : format;
    }
    // Writing one value through Range.values (see the header for where each rule comes from).
    write(r, c, value) {
      const key = `${r},${c}`;
      this.formulas.delete(key);
      if (value === null || value === undefined || value === "") {
        this.setRaw(r, c, null);
      } else if (typeof value === "string" && this.format(r, c) === "@") {
        this.setRaw(r, c, value);
      } else if (typeof value === "string") {
        const [v, fmt, formula] = interpret(value);
        this.setRaw(r, c, v);
        if (fmt && this.format(r, c) === "General") this.setFormat(r, c, fmt);
        if (formula) this.formulas.set(key, formula);
      } else if (typeof value === "number" || typeof value === "boolean") {
        this.setRaw(r, c, value);
      } else {
        throw fail("InvalidArgument", `unsupported value ${JSON.stringify(value)}`);
      }
    }
    // Excel's used range of values only: the smallest rectangle from the first to the last
    // cell that holds a value (Worksheet.getUsedRange(valuesOnly)).
    usedRange() {
      let r1 = -1, c1 = -1, r0 = Infinity, c0 = Infinity;
      for (let r = 0; r < this.values.length; r++) {
        const row = this.values[r];
        if (!row) continue;
        for (let c = 0; c < row.length; c++) {
          const v = row[c];
          if (v !== null && v !== undefined && v !== "") {
            if (r < r0) r0 = r;
            if (r > r1) r1 = r;
            if (c < c0) c0 = c;
            if (c > c1) c1 = c;
          }
        }
      }
      if (r1 < 0) return null;
      return { r0, c0, rows: r1 - r0 + 1, cols: c1 - c0 + 1 };
    }
  }

  class WorkbookModel {
    constructor(data) {
      this.name = data.name || "Bok1.xlsx";
      this.sheets = [];
      this.names = [];
      for (const s of data.sheets || []) {
        const sheet = new SheetModel(s.name);
        sheet.visibility = s.visibility || "Visible";
        (s.values || []).forEach((row, r) => {
          if (!row) return;
          sheet.values[r] = row.map((v) => (v === "" ? null : v));
        });
        (s.formats || []).forEach((row, r) => {
          if (row) sheet.formats[r] = row.map((f) => (f === null || f === "General" ? undefined : f));
        });
        for (const n of s.notes || []) sheet.notes.set(n.address, { content: n.content, authorName: n.author || "" });
        for (const [address, color] of Object.entries(s.fills || {})) {
          const [r, c] = parseCell(address);
          sheet.fills.set(`${r},${c}`, color);
        }
        for (const t of s.tables || []) {
          const a = parseAddress(t.address);
          sheet.tables.push(Object.assign({ style: "TableStyleMedium2", showHeaders: true,
            showTotals: false, showFilterButton: true }, t, a));
        }
        this.sheets.push(sheet);
      }
      for (const n of data.names || []) this.names.push({ name: n.name, formula: n.formula });
      this.active = Math.min(data.activeSheet || 0, this.sheets.length - 1);
      this.selection = { sheet: this.sheets[this.active], r0: 0, c0: 0, rows: 1, cols: 1 };
    }
    sheet(name) {
      const wanted = String(name).toLowerCase();
      return this.sheets.find((s) => s.name.toLowerCase() === wanted) || null;
    }
    resolveReference(text) {
      // "=Sheet!$A$1:$B$2" or "=tblX[Column]" → {sheet, r0, c0, rows, cols}
      const body = text.replace(/^=/, "");
      const structured = /^([A-Za-z_][\w.]*)\[([^\]]+)\]$/.exec(body);
      if (structured) {
        for (const sheet of this.sheets) {
          const t = sheet.tables.find((x) => x.name.toLowerCase() === structured[1].toLowerCase());
          if (!t) continue;
          for (let c = 0; c < t.cols; c++) {
            if (String(sheet.get(t.r0, t.c0 + c)) === structured[2]) {
              return { sheet, r0: t.r0 + 1, c0: t.c0 + c, rows: Math.max(t.rows - 1, 1), cols: 1 };
            }
          }
        }
        return null;
      }
      const bang = body.lastIndexOf("!");
      if (bang < 0) return null;
      const sheet = this.sheet(body.slice(0, bang).replace(/^'|'$/g, "").replace(/''/g, "'"));
      const a = sheet && parseAddress(body.slice(bang + 1));
      return a ? Object.assign({ sheet }, a) : null;
    }
  }

  // --- statistics the tests and the benchmark read ----------------------------------------------

  const stats = { syncs: 0, maxRequest: 0, maxResponse: 0, refused: 0, log: [] };
  function resetStats() {
    Object.assign(stats, { syncs: 0, maxRequest: 0, maxResponse: 0, refused: 0, log: [] });
  }
  const bytes = (value) => encoder.encode(JSON.stringify(value === undefined ? null : value)).length;

  // --- proxies, batches and sync ----------------------------------------------------------------

  class RequestContext {
    constructor() {
      this.queue = [];       // {cost, run}
      this.loads = [];       // {proxy, paths}
      this.created = [];     // proxies whose target is resolved at the next sync
      this.workbook = make("Workbook", this, () => model);
      this.application = this.workbook.application;
      this.trackedObjects = { add() {}, remove() {} };
    }
    enqueue(cost, run) {
      this.queue.push({ cost, run });
    }
    async sync() {
      await ready;
      const queue = this.queue, loads = this.loads, created = this.created;
      this.queue = [];
      this.loads = [];
      this.created = [];
      // Excel would get one request: its commands and their arguments, each with a little
      // overhead for the object paths.
      const request = queue.reduce((n, op) => n + op.cost + 40, 0) + loads.length * 60;
      stats.syncs += 1;
      stats.maxRequest = Math.max(stats.maxRequest, request);
      const entry = { request, response: 0 };
      stats.log.push(entry);
      if (failWrites && queue.some((op) => op.write)) {
        // A test's way to make Excel refuse a change, as it does while the user is editing a
        // cell (InvalidOperationInCellEditMode in the error-handling article's list).
        entry.refused = failWrites;
        throw new OfficeError(failWrites, FAIL_MESSAGES[failWrites] || MESSAGES.InvalidOperation);
      }
      if (CONFIG.mode === "web" && request > LIMIT) {
        stats.refused += 1;
        entry.refused = "request";
        throw fail("RequestPayloadSizeLimitExceeded");
      }
      // Run the commands and the loads in the order they were queued.
      const steps = queue.map((op) => ({ seq: op.seq, run: op.run }));
      for (const load of loads) steps.push({ seq: load.seq, load });
      for (const proxy of created) steps.push({ seq: proxy._seq, create: proxy });
      steps.sort((a, b) => a.seq - b.seq);
      const delivered = [];
      let response = 0;
      for (const step of steps) {
        if (step.run) {
          step.run();
        } else if (step.create) {
          step.create._settle();
        } else {
          const data = step.load.proxy._collect(step.load.paths);
          response += bytes(data.plain);
          delivered.push([step.load.proxy, data]);
        }
      }
      entry.response = response;
      stats.maxResponse = Math.max(stats.maxResponse, response);
      if (CONFIG.mode === "web" && response > LIMIT) {
        stats.refused += 1;
        entry.refused = "response";
        throw fail("ResponsePayloadSizeLimitExceeded");
      }
      for (const [proxy, data] of delivered) proxy._deliver(data);
    }
  }
  let seq = 0;
  const origEnqueue = RequestContext.prototype.enqueue;
  RequestContext.prototype.enqueue = function (cost, run) {
    origEnqueue.call(this, cost, run);
    this.queue[this.queue.length - 1].seq = seq++;
  };

  // Class definitions: each member with the ExcelApi version that introduced it.
  //   prop:   loadable scalar; get(target) and optional set(target, value)
  //   nav:    child object (no load needed); returns [className, resolver(target)]
  //   method: runs at sync; returns a value (ClientResult), nothing, or [className, resolver]
  const CLASSES = {};
  function define(name, members) {
    CLASSES[name] = members;
  }

  // Build a proxy of class `name` whose model object is found by `resolve()` at sync time.
  function make(name, ctx, resolve, options = {}) {
    const members = CLASSES[name];
    if (!members) throw new Error(`stand-in: no class ${name}`);
    const proxy = Object.create(ProxyBase.prototype);
    proxy._class = name;
    proxy._ctx = ctx;
    proxy._resolve = resolve;
    proxy._loaded = {};
    proxy._nullable = !!options.nullable;
    proxy._seq = seq++;
    proxy._target = undefined;
    if (options.nullable || options.eager) ctx.created.push(proxy);
    for (const [key, m] of Object.entries(members)) {
      if (m.set && !supports(m.set)) continue;  // newer than the emulated Excel: absent
      if (m.kind === "prop") {
        Object.defineProperty(proxy, key, {
          enumerable: true,
          get() {
            if (!(key in this._loaded)) throw fail("PropertyNotLoaded", `${name}.${key}`);
            return this._loaded[key];
          },
          set(value) {
            if (!m.write) throw fail("InvalidArgument", `${name}.${key} is read-only`);
            if (m.writeSet && !supports(m.writeSet)) throw fail("InvalidOperation");
            const copy = JSON.parse(JSON.stringify(value === undefined ? null : value));
            ctx.enqueue(bytes(copy) + key.length, () => m.write(this._target_(), copy, this));
            ctx.queue[ctx.queue.length - 1].write = true;
          },
        });
      } else if (m.kind === "nav") {
        let child;
        Object.defineProperty(proxy, key, {
          enumerable: false,
          get() {
            if (!child) {
              const [cls, resolver, opts] = m.nav(this);
              child = make(cls, ctx, resolver, opts);
            }
            return child;
          },
        });
      } else if (m.kind === "method") {
        proxy[key] = function (...args) {
          const copy = args.map((a) => (a instanceof ProxyBase ? a : JSON.parse(JSON.stringify(a === undefined ? null : a))));
          const cost = copy.reduce((n, a) => n + (a instanceof ProxyBase ? 20 : bytes(a)), key.length);
          if (m.returns) {
            const [cls, opts] = m.returns;
            let result;
            const child = make(cls, ctx, () => result, Object.assign({ eager: true }, opts));
            // The method runs at sync; the child's target is what it returned.
            ctx.enqueue(cost, () => {
              result = m.method(this._target_(), ...copy.map((a) => (a instanceof ProxyBase ? a._target_() : a)));
            });
            child._seq = seq++;
            return child;
          }
          const clientResult = { value: undefined };
          ctx.enqueue(cost, () => {
            const v = m.method(this._target_(), ...copy.map((a) => (a instanceof ProxyBase ? a._target_() : a)), this);
            if (m.result) {
              clientResult._value = v;
              // the result's size counts as response
            }
          });
          if (m.result) {
            Object.defineProperty(clientResult, "value", {
              get() {
                if (!("_value" in clientResult)) throw fail("PropertyNotLoaded", `${key}()`);
                return clientResult._value;
              },
            });
            return clientResult;
          }
          return undefined;
        };
      }
    }
    if (members._collection) {
      Object.defineProperty(proxy, "items", {
        get() {
          if (!("items" in this._loaded)) throw fail("PropertyNotLoaded", `${name}.items`);
          return this._loaded.items;
        },
      });
    }
    return proxy;
  }

  function ProxyBase() {}
  ProxyBase.prototype._target_ = function () {
    if (this._target === undefined) {
      const t = this._resolve();
      if (t === null || t === undefined) {
        if (this._nullable) return null;
        throw fail("ItemNotFound", this._class);
      }
      this._target = t;
    }
    return this._target;
  };
  ProxyBase.prototype._settle = function () {
    // Runs at sync for null-capable proxies (…OrNullObject) and method results.
    let t;
    try {
      t = this._resolve();
    } catch (e) {
      if (!this._nullable) throw e;
      t = null;
    }
    if ((t === null || t === undefined) && !this._nullable) throw fail("ItemNotFound", this._class);
    this._target = t === undefined ? null : t;
    this._settled = true;
  };
  Object.defineProperty(ProxyBase.prototype, "isNullObject", {
    get() {
      if (!this._settled) throw fail("PropertyNotLoaded", "isNullObject");
      return this._target === null;
    },
  });
  ProxyBase.prototype.load = function (spec) {
    let paths;
    if ((spec === undefined || spec === null) && CLASSES[this._class]._collection) {
      paths = ["items"];
    } else if (spec === undefined || spec === null) {
      paths = Object.entries(CLASSES[this._class]).filter(([, m]) => m.kind === "prop").map(([k]) => k);
    } else if (typeof spec === "string") {
      paths = spec.split(",").map((s) => s.trim()).filter(Boolean);
    } else if (Array.isArray(spec)) {
      paths = spec.flatMap((s) => String(s).split(",")).map((s) => s.trim()).filter(Boolean);
    } else if (typeof spec === "object") {
      paths = Object.keys(spec.select ? {} : spec);
      if (spec.select) paths = String(spec.select).split(",").map((s) => s.trim());
    }
    this._ctx.loads.push({ proxy: this, paths, seq: seq++ });
    return this;
  };
  ProxyBase.prototype.untrack = function () {
    return this;
  };
  ProxyBase.prototype.set = function (properties) {
    for (const [k, v] of Object.entries(properties)) this[k] = v;
  };
  ProxyBase.prototype.toJSON = function () {
    return Object.assign({}, this._loaded);
  };
  // Read the requested paths from the model now (in batch order); deliver after the sync.
  ProxyBase.prototype._collect = function (paths) {
    const target = this._target_();
    const members = CLASSES[this._class];
    const out = { values: {}, children: [], plain: {} };
    if (target === null) return out;
    const groups = {};
    for (const path of paths) {
      const [head, ...rest] = path.split("/");
      (groups[head] || (groups[head] = [])).push(rest.join("/"));
    }
    if (members._collection) {
      // "items/name", "name" (meaning the items' name), "items", "count"
      const itemPaths = [];
      for (const [head, rests] of Object.entries(groups)) {
        if (head === "items") itemPaths.push(...rests.filter(Boolean));
        else if (head === "count") {
          out.values.count = members._items(target).length;
          out.plain.count = out.values.count;
        } else itemPaths.push(...rests.map((r) => (r ? `${head}/${r}` : head)));
      }
      if ("items" in groups || itemPaths.length) {
        const itemClass = members._collection;
        const items = members._items(target).map((t) => {
          const p = make(itemClass, this._ctx, () => t);
          p._target = t;
          p._settled = true;
          return p;
        });
        const datas = items.map((p) => p._collect(itemPaths.length ? itemPaths : defaultPaths(itemClass)));
        out.values.items = items;
        out.children.push(...items.map((p, i) => [p, datas[i]]));
        out.plain.items = datas.map((d) => d.plain);
      }
      return out;
    }
    for (const [head, rests] of Object.entries(groups)) {
      const m = members[head];
      // A name that is not a member here (xlwings asks for Table "dataBodyRange", a method) or
      // not in the emulated version is left out of the response, not an error.
      if (!m || (m.set && !supports(m.set))) continue;
      if (m.kind === "prop") {
        const v = m.get(target, this);
        out.values[head] = v;
        out.plain[head] = v;
      } else if (m.kind === "nav") {
        const child = this[head];
        child._target_();
        const sub = rests.filter(Boolean);
        const data = child._collect(sub.length ? sub : defaultPaths(child._class));
        out.children.push([child, data]);
        out.plain[head] = data.plain;
      }
    }
    return out;
  };
  ProxyBase.prototype._deliver = function (data) {
    Object.assign(this._loaded, data.values);
    for (const [child, d] of data.children) child._deliver(d);
  };
  function defaultPaths(cls) {
    return Object.entries(CLASSES[cls]).filter(([, m]) => m.kind === "prop" && (!m.set || supports(m.set)) && !m.heavy).map(([k]) => k);
  }
  const prop = (set, get, write, extra) => Object.assign({ kind: "prop", set, get, write }, extra || {});
  const nav = (set, fn) => ({ kind: "nav", set, nav: fn });
  const method = (set, fn, extra) => Object.assign({ kind: "method", set, method: fn }, extra || {});
  const returns = (set, cls, fn, opts) => ({ kind: "method", set, method: fn, returns: [cls, opts || {}] });

  // --- ranges ---------------------------------------------------------------------------------

  function rangeOf(sheet, a) {
    return { sheet, r0: a.r0, c0: a.c0, rows: a.rows, cols: a.cols };
  }
  function cells(range, fn) {
    const out = [];
    for (let r = 0; r < range.rows; r++) {
      const row = [];
      for (let c = 0; c < range.cols; c++) row.push(fn(range.r0 + r, range.c0 + c));
      out.push(row);
    }
    return out;
  }
  function checkReadSize(range) {
    if (range.rows * range.cols > CONFIG.cellLimit) throw fail("RangeExceedsLimit");
  }
  // A 2-D matrix of the range's shape from what was assigned: a single value applies to every
  // cell ("If the argument is a single value, it will be applied to all cells in the range").
  function matrix(range, value, what) {
    if (!Array.isArray(value)) return cells(range, () => value);
    if (value.length === 1 && Array.isArray(value[0]) && value[0].length === 1
        && (range.rows > 1 || range.cols > 1)) {
      return cells(range, () => value[0][0]);  // a 1×1 array: applied to all, as a single value
    }
    if (value.length !== range.rows || value.some((row) => !Array.isArray(row) || row.length !== range.cols)) {
      throw new OfficeError("InvalidArgument", "The number of rows or columns in the input array "
        + `doesn't match the size or dimensions of the range. (${what})`);
    }
    return value;
  }
  const shown = (v) => (v === null ? "" : v);

  define("Range", {
    address: prop("1.1", (t) => `${quoteSheet(t.sheet.name)}!${rangeAddress(t.r0, t.c0, t.rows, t.cols)}`),
    addressLocal: prop("1.1", (t) => `${quoteSheet(t.sheet.name)}!${rangeAddress(t.r0, t.c0, t.rows, t.cols)}`),
    rowCount: prop("1.1", (t) => t.rows),
    columnCount: prop("1.1", (t) => t.cols),
    rowIndex: prop("1.1", (t) => t.r0),
    columnIndex: prop("1.1", (t) => t.c0),
    cellCount: prop("1.1", (t) => t.rows * t.cols),
    values: prop("1.1", (t) => {
      checkReadSize(t);
      return cells(t, (r, c) => shown(t.sheet.get(r, c)));
    }, (t, value) => {
      // null in the 2-D array leaves that cell as it is; "" clears it ("Blank and null values
      // in Excel add-ins"); null for the whole property is not valid input.
      if (value === null) throw fail("InvalidArgument", "values = null");
      const m = matrix(t, value, "values");
      m.forEach((row, r) => row.forEach((v, c) => {
        if (v !== null) t.sheet.write(t.r0 + r, t.c0 + c, v);
      }));
    }, { heavy: true }),
    text: prop("1.1", (t) => cells(t, (r, c) => String(shown(t.sheet.get(r, c)))), null, { heavy: true }),
    numberFormat: prop("1.1", (t) => {
      checkReadSize(t);
      return cells(t, (r, c) => t.sheet.format(r, c));
    }, (t, value) => {
      // null keeps a cell's format, "" resets it to General ("Blank and null values").
      if (value === null) throw fail("InvalidArgument", "numberFormat = null");
      const m = matrix(t, value, "numberFormat");
      m.forEach((row, r) => row.forEach((f, c) => {
        if (f !== null) t.sheet.setFormat(t.r0 + r, t.c0 + c, f === "" ? "General" : f);
      }));
    }, { heavy: true }),
    formulas: prop("1.1", (t) => cells(t, (r, c) => t.sheet.formulas.get(`${r},${c}`) ?? shown(t.sheet.get(r, c))),
      (t, value) => {
        const m = matrix(t, value, "formulas");
        m.forEach((row, r) => row.forEach((v, c) => t.sheet.write(t.r0 + r, t.c0 + c, v)));
      }, { heavy: true }),
    valueTypes: prop("1.1", (t) => cells(t, (r, c) => {
      const v = t.sheet.get(r, c);
      if (v === null) return "Empty";
      if (typeof v === "number") return "Double";
      if (typeof v === "boolean") return "Boolean";
      return /^#/.test(v) && t.sheet.formulas.has(`${r},${c}`) ? "Error" : "String";
    }), null, { heavy: true }),
    format: nav("1.1", (p) => ["RangeFormat", () => p._target_()]),
    worksheet: nav("1.1", (p) => ["Worksheet", () => p._target_().sheet]),
    dataValidation: nav("1.8", (p) => ["DataValidation", () => p._target_()]),
    getCell: returns("1.1", "Range", (t, r, c) => ({ sheet: t.sheet, r0: t.r0 + r, c0: t.c0 + c, rows: 1, cols: 1 })),
    getRow: returns("1.1", "Range", (t, r) => ({ sheet: t.sheet, r0: t.r0 + r, c0: t.c0, rows: 1, cols: t.cols })),
    getResizedRange: returns("1.2", "Range", (t, dr, dc) => ({ sheet: t.sheet, r0: t.r0, c0: t.c0, rows: t.rows + dr, cols: t.cols + dc })),
    getSurroundingRegion: returns("1.7", "Range", (t) => {
      const used = t.sheet.usedRange();
      return used ? rangeOf(t.sheet, used) : t;
    }),
    clear: method("1.1", (t, applyTo) => {
      const what = applyTo || "All";
      for (let r = t.r0; r < t.r0 + t.rows; r++) {
        for (let c = t.c0; c < t.c0 + t.cols; c++) {
          if (what === "All" || what === "Contents") { t.sheet.setRaw(r, c, null); t.sheet.formulas.delete(`${r},${c}`); }
          if (what === "All" || what === "Formats") { t.sheet.setFormat(r, c, "General"); t.sheet.fills.delete(`${r},${c}`); t.sheet.fonts.delete(`${r},${c}`); }
        }
      }
    }),
    select: method("1.1", (t) => { model.selection = t; }),
    setCellProperties: method("1.9", (t, props) => {
      if (!Array.isArray(props) || props.length !== t.rows || props.some((row) => row.length !== t.cols)) {
        throw fail("InvalidArgument", "setCellProperties shape");
      }
      props.forEach((row, r) => row.forEach((p, c) => {
        const fill = p && p.format && p.format.fill;
        if (!fill) return;
        const key = `${t.r0 + r},${t.c0 + c}`;
        if (fill.pattern === "None") t.sheet.fills.delete(key);
        else if (fill.color) t.sheet.fills.set(key, String(fill.color).toUpperCase());
      }));
    }),
    getCellProperties: method("1.9", (t) => cells(t, (r, c) => ({ format: { fill: {
      color: t.sheet.fills.get(`${r},${c}`) || "#FFFFFF", pattern: t.sheet.fills.has(`${r},${c}`) ? "Solid" : "None" } } })),
    { result: true }),
    getMergedAreasOrNullObject: returns("1.13", "RangeAreas", () => null, { nullable: true }),
    getTables: returns("1.9", "TableCollection", (t) => ({ sheet: t.sheet, within: t })),
  });

  define("RangeAreas", {
    areas: nav("1.9", (p) => ["RangeCollection", () => p._target_()]),
    address: prop("1.9", (t) => t.map((a) => `${quoteSheet(a.sheet.name)}!${rangeAddress(a.r0, a.c0, a.rows, a.cols)}`).join(",")),
  });
  define("RangeCollection", { _collection: "Range", _items: (t) => t });

  define("RangeFormat", {
    fill: nav("1.1", (p) => ["RangeFill", () => p._target_()]),
    font: nav("1.1", (p) => ["RangeFont", () => p._target_()]),
    wrapText: prop("1.1", (t) => t.sheet.wrap.get(`${t.r0},${t.c0}`) || false, (t, v) => {
      for (let r = 0; r < t.rows; r++) for (let c = 0; c < t.cols; c++) t.sheet.wrap.set(`${t.r0 + r},${t.c0 + c}`, !!v);
    }),
    columnWidth: prop("1.2", (t) => t.sheet.columnWidths.get(t.c0) ?? 48, (t, v) => {
      for (let c = 0; c < t.cols; c++) t.sheet.columnWidths.set(t.c0 + c, Number(v));
    }),
    rowHeight: prop("1.2", () => 15, () => {}),
    horizontalAlignment: prop("1.1", () => "General", () => {}),
    verticalAlignment: prop("1.1", () => "Bottom", () => {}),
    autofitColumns: method("1.2", () => {}),
    autofitRows: method("1.2", () => {}),
  });
  define("RangeFill", {
    color: prop("1.1", (t) => t.sheet.fills.get(`${t.r0},${t.c0}`) || "#FFFFFF", (t, v) => {
      for (let r = 0; r < t.rows; r++) for (let c = 0; c < t.cols; c++) t.sheet.fills.set(`${t.r0 + r},${t.c0 + c}`, String(v).toUpperCase());
    }),
    pattern: prop("1.9", (t) => (t.sheet.fills.has(`${t.r0},${t.c0}`) ? "Solid" : "None")),
    clear: method("1.1", (t) => {
      for (let r = 0; r < t.rows; r++) for (let c = 0; c < t.cols; c++) t.sheet.fills.delete(`${t.r0 + r},${t.c0 + c}`);
    }),
  });
  function fontProp(key, fallback) {
    return prop("1.1", (t) => (t.sheet.fonts.get(`${t.r0},${t.c0}`) || {})[key] ?? fallback, (t, v) => {
      for (let r = 0; r < t.rows; r++) {
        for (let c = 0; c < t.cols; c++) {
          const k = `${t.r0 + r},${t.c0 + c}`;
          t.sheet.fonts.set(k, Object.assign({}, t.sheet.fonts.get(k), { [key]: v }));
        }
      }
    });
  }
  define("RangeFont", { bold: fontProp("bold", false), italic: fontProp("italic", false),
    color: fontProp("color", "#000000"), size: fontProp("size", 11), name: fontProp("name", "Aptos Narrow") });

  define("DataValidation", {
    type: prop("1.8", (t) => {
      const v = t.sheet.validations.find((x) => x.r0 === t.r0 && x.c0 === t.c0);
      return v ? "List" : "None";
    }),
    rule: prop("1.8", (t) => (t.sheet.validations.find((x) => x.r0 === t.r0 && x.c0 === t.c0) || {}).rule || null, (t, rule) => {
      t.sheet.validations = t.sheet.validations.filter((x) => !(x.r0 === t.r0 && x.c0 === t.c0));
      t.sheet.validations.push({ r0: t.r0, c0: t.c0, rows: t.rows, cols: t.cols, rule });
    }),
    clear: method("1.8", (t) => {
      t.sheet.validations = t.sheet.validations.filter((x) => !(x.r0 === t.r0 && x.c0 === t.c0));
    }),
  });

  // --- workbook, sheets and their collections ---------------------------------------------------

  define("Workbook", {
    name: prop("1.7", (t) => t.name),
    worksheets: nav("1.1", () => ["WorksheetCollection", () => model]),
    names: nav("1.1", () => ["NamedItemCollection", () => ({ owner: model, list: model.names })]),
    application: nav("1.1", () => ["Application", () => model]),
    tables: nav("1.1", () => ["TableCollection", () => ({ all: true })]),
    getSelectedRange: returns("1.1", "Range", (t) => t.selection),
    save: method("1.11", () => {}),
  });
  define("Application", {
    calculationMode: prop("1.1", () => "Automatic", () => {}, { writeSet: "1.8" }),
    calculate: method("1.1", () => {}),
    suspendScreenUpdatingUntilNextSync: method("1.9", () => {}),
    cultureInfo: nav("1.11", () => ["CultureInfo", () => ({})]),
  });
  define("CultureInfo", {
    name: prop("1.11", () => "sv-SE"),
    datetimeFormat: nav("1.12", () => ["DatetimeFormatInfo", () => ({})]),
  });
  define("DatetimeFormatInfo", { shortDatePattern: prop("1.12", () => "yyyy-MM-dd") });

  define("WorksheetCollection", {
    _collection: "Worksheet",
    _items: (t) => t.sheets,
    getItem: returns("1.1", "Worksheet", (t, key) => {
      const s = t.sheet(key) || t.sheets.find((x) => x.id === key);
      if (!s) throw fail("ItemNotFound", `worksheet ${key}`);
      return s;
    }),
    getItemOrNullObject: returns("1.4", "Worksheet", (t, key) => t.sheet(key), { nullable: true }),
    getActiveWorksheet: returns("1.1", "Worksheet", (t) => t.sheets[t.active]),
    getCount: method("1.4", (t) => t.sheets.length, { result: true }),
    add: returns("1.1", "Worksheet", (t, name) => {
      let wanted = name;
      if (!wanted) {
        let n = t.sheets.length + 1;
        while (t.sheet(`Blad${n}`)) n++;
        wanted = `Blad${n}`;
      }
      if (t.sheet(wanted)) throw fail("ItemAlreadyExists", wanted);
      if (/[\\/?*[\]:]/.test(wanted) || wanted.length > 31) throw fail("InvalidArgument", wanted);
      const s = new SheetModel(wanted);
      t.sheets.push(s);
      return s;
    }),
  });

  function sheetIndex(s) {
    return model.sheets.indexOf(s);
  }
  define("Worksheet", {
    name: prop("1.1", (t) => t.name, (t, v) => {
      if (model.sheet(v) && model.sheet(v) !== t) throw fail("ItemAlreadyExists", v);
      t.name = v;
    }),
    id: prop("1.1", (t) => t.id),
    position: prop("1.1", (t) => sheetIndex(t), (t, v) => {
      const i = sheetIndex(t);
      model.sheets.splice(i, 1);
      model.sheets.splice(Math.max(0, Math.min(Number(v), model.sheets.length)), 0, t);
    }),
    visibility: prop("1.1", (t) => t.visibility, (t, v) => {
      if (v !== "Visible" && model.sheets.filter((s) => s.visibility === "Visible" && s !== t).length === 0) {
        throw fail("InvalidOperation", "the last visible sheet can't be hidden");
      }
      t.visibility = v;
    }),
    showGridlines: prop("1.8", (t) => t.showGridlines, (t, v) => { t.showGridlines = !!v; }),
    tables: nav("1.1", (p) => ["TableCollection", () => ({ sheet: p._target_() })]),
    charts: nav("1.1", (p) => ["ChartCollection", () => p._target_()]),
    names: nav("1.4", (p) => ["NamedItemCollection", () => ({ owner: p._target_(), list: p._target_().names })]),
    notes: nav("1.18", (p) => ["NoteCollection", () => p._target_()]),
    shapes: nav("1.9", () => ["ShapeCollection", () => []]),
    pivotTables: nav("1.3", () => ["PivotTableCollection", () => []]),
    comments: nav("1.10", () => ["CommentCollection", () => []]),
    pageLayout: nav("1.9", (p) => ["PageLayout", () => p._target_()]),
    freezePanes: nav("1.7", (p) => ["WorksheetFreezePanes", () => p._target_()]),
    protection: nav("1.2", () => ["WorksheetProtection", () => ({})]),
    getRange: returns("1.1", "Range", (t, address) => {
      if (!address) return { sheet: t, r0: 0, c0: 0, rows: 1048576, cols: 16384 };
      const a = parseAddress(String(address));
      if (!a) throw fail("InvalidArgument", `address ${address}`);
      return rangeOf(t, a);
    }),
    getRangeByIndexes: returns("1.7", "Range", (t, r0, c0, rows, cols) => {
      if (rows < 1 || cols < 1) throw fail("InvalidArgument", "getRangeByIndexes");
      return { sheet: t, r0, c0, rows, cols };
    }),
    getUsedRange: returns("1.1", "Range", (t) => {
      const u = t.usedRange();
      return u ? rangeOf(t, u) : { sheet: t, r0: 0, c0: 0, rows: 1, cols: 1 };
    }),
    getUsedRangeOrNullObject: returns("1.4", "Range", (t) => {
      const u = t.usedRange();
      return u ? rangeOf(t, u) : null;
    }, { nullable: true }),
    delete: method("1.1", (t) => {
      if (model.sheets.length === 1) throw fail("InvalidOperation", "the only sheet");
      const i = sheetIndex(t);
      const active = model.sheets[model.active];
      model.sheets.splice(i, 1);
      model.active = active === t ? Math.min(i, model.sheets.length - 1) : model.sheets.indexOf(active);
      if (model.selection.sheet === t) {
        model.selection = { sheet: model.sheets[model.active], r0: 0, c0: 0, rows: 1, cols: 1 };
      }
    }),
    activate: method("1.1", (t) => {
      model.active = sheetIndex(t);
      model.selection = { sheet: t, r0: 0, c0: 0, rows: 1, cols: 1 };
    }),
  });
  define("WorksheetProtection", { protected: prop("1.2", () => false) });
  define("PageLayout", { getPrintAreaOrNullObject: returns("1.9", "RangeAreas", () => null, { nullable: true }) });
  define("WorksheetFreezePanes", {
    freezeAt: method("1.7", (t, range) => { t.frozen = range; }),
    freezeRows: method("1.7", (t, n) => { t.frozen = { rows: n }; }),
    unfreeze: method("1.7", (t) => { t.frozen = null; }),
  });
  define("ShapeCollection", { _collection: "Shape", _items: (t) => t });
  define("Shape", { name: prop("1.9", (t) => t.name), type: prop("1.9", (t) => t.type) });
  define("PivotTableCollection", { _collection: "PivotTable", _items: (t) => t });
  define("PivotTable", { name: prop("1.3", (t) => t.name) });
  define("CommentCollection", { _collection: "Comment", _items: (t) => t });
  define("Comment", { content: prop("1.10", (t) => t.content) });

  define("NamedItemCollection", {
    _collection: "NamedItem",
    _items: (t) => t.list.map((n) => Object.assign({ owner: t.owner }, n)),
    add: method("1.4", (t, name, reference) => { t.list.push({ name, formula: String(reference) }); }),
  });
  define("NamedItem", {
    name: prop("1.1", (t) => t.name),
    type: prop("1.1", (t) => (model.resolveReference(t.formula) ? "Range" : "String")),
    formula: prop("1.7", (t) => t.formula),
    getRangeOrNullObject: returns("1.4", "Range", (t) => model.resolveReference(t.formula), { nullable: true }),
  });

  function tablesOf(t) {
    if (t.all) return model.sheets.flatMap((s) => s.tables.map((x) => Object.assign(x, { sheet: s })));
    return t.sheet.tables.map((x) => Object.assign(x, { sheet: t.sheet }));
  }
  define("TableCollection", {
    _collection: "Table",
    _items: tablesOf,
    count: prop("1.1", (t) => tablesOf(t).length),
    getItem: returns("1.1", "Table", (t, key) => {
      const found = tablesOf(t).find((x) => x.name === key);
      if (!found) throw fail("ItemNotFound", `table ${key}`);
      return found;
    }),
    add: returns("1.1", "Table", (t, address, hasHeaders) => {
      const ref = typeof address === "string" ? model.resolveReference(address.includes("!") ? address : `${t.sheet.name}!${address}`) : address;
      const table = Object.assign({ name: `Tabell${tablesOf({ all: true }).length + 1}`, style: "TableStyleMedium2",
        showHeaders: !!hasHeaders, showTotals: false, showFilterButton: true, sheet: ref.sheet },
      { r0: ref.r0, c0: ref.c0, rows: ref.rows, cols: ref.cols });
      ref.sheet.tables.push(table);
      return table;
    }),
  });
  const tableRange = (t) => ({ sheet: t.sheet, r0: t.r0, c0: t.c0, rows: t.rows, cols: t.cols });
  define("Table", {
    name: prop("1.1", (t) => t.name, (t, v) => { t.name = v; }),
    showHeaders: prop("1.1", (t) => t.showHeaders, (t, v) => { t.showHeaders = !!v; }),
    showTotals: prop("1.1", (t) => t.showTotals, (t, v) => { t.showTotals = !!v; }),
    style: prop("1.1", (t) => t.style, (t, v) => { t.style = v; }),
    showFilterButton: prop("1.3", (t) => t.showFilterButton, (t, v) => { t.showFilterButton = !!v; }),
    highlightFirstColumn: prop("1.3", () => false, () => {}),
    highlightLastColumn: prop("1.3", () => false, () => {}),
    showBandedRows: prop("1.3", () => true, () => {}),
    showBandedColumns: prop("1.3", () => false, () => {}),
    columns: nav("1.1", (p) => ["TableColumnCollection", () => p._target_()]),
    getRange: returns("1.1", "Range", tableRange),
    getDataBodyRange: returns("1.1", "Range", (t) => ({ sheet: t.sheet, r0: t.r0 + 1, c0: t.c0, rows: Math.max(t.rows - 1, 1), cols: t.cols })),
    getHeaderRowRange: returns("1.1", "Range", (t) => ({ sheet: t.sheet, r0: t.r0, c0: t.c0, rows: 1, cols: t.cols })),
    getTotalRowRange: returns("1.1", "Range", (t) => ({ sheet: t.sheet, r0: t.r0 + t.rows, c0: t.c0, rows: 1, cols: t.cols })),
    resize: method("1.13", (t, address) => {
      const a = typeof address === "string" ? parseAddress(address.split("!").pop()) : address;
      if (a.r0 !== t.r0 || a.c0 !== t.c0) throw fail("InvalidArgument", "a table keeps its top-left cell");
      t.rows = a.rows;
      t.cols = a.cols;
    }),
  });
  define("TableColumnCollection", {
    _collection: "TableColumn",
    _items: (t) => Array.from({ length: t.cols }, (_, c) => ({ name: String(shown(t.sheet.get(t.r0, t.c0 + c))) })),
  });
  define("TableColumn", { name: prop("1.1", (t) => t.name) });

  define("ChartCollection", {
    _collection: "Chart",
    _items: (t) => t.charts,
    count: prop("1.1", (t) => t.charts.length),
    getItemAt: returns("1.1", "Chart", (t, i) => t.charts[i]),
    add: returns("1.1", "Chart", (t, type, source, seriesBy) => {
      const chart = { name: `Diagram ${t.charts.length + 1}`, chartType: type, left: 0, top: 0, width: 360, height: 216, source, seriesBy };
      t.charts.push(chart);
      return chart;
    }),
  });
  define("Chart", {
    name: prop("1.1", (t) => t.name, (t, v) => { t.name = v; }),
    chartType: prop("1.7", (t) => t.chartType, (t, v) => { t.chartType = v; }),
    left: prop("1.1", (t) => t.left, (t, v) => { t.left = v; }),
    top: prop("1.1", (t) => t.top, (t, v) => { t.top = v; }),
    width: prop("1.1", (t) => t.width, (t, v) => { t.width = v; }),
    height: prop("1.1", (t) => t.height, (t, v) => { t.height = v; }),
    setData: method("1.1", (t, source, seriesBy) => { t.source = source; t.seriesBy = seriesBy; }),
    setPosition: method("1.1", () => {}),
    delete: method("1.1", (t) => {
      for (const s of model.sheets) s.charts = s.charts.filter((c) => c !== t);
    }),
  });

  define("NoteCollection", {
    _collection: "Note",
    _items: (t) => Array.from(t.notes.entries()).map(([address, n]) => ({ sheet: t, address, note: n })),
    add: returns("1.18", "Note", (t, cell, content) => {
      const ref = typeof cell === "string" ? parseAddress(cell.split("!").pop()) : cell;
      const address = cellAddress(ref.r0, ref.c0);
      if (t.notes.has(address)) throw fail("InvalidArgument", `a note exists on ${address}`);
      const note = { content: String(content), authorName: "Testanvändare" };
      t.notes.set(address, note);
      return { sheet: t, address, note };
    }),
    getItemOrNullObject: returns("1.18", "Note", (t, cell) => {
      const address = String(cell).split("!").pop().replace(/\$/g, "");
      const note = t.notes.get(address);
      return note ? { sheet: t, address, note } : null;
    }, { nullable: true }),
  });
  define("Note", {
    content: prop("1.18", (t) => t.note.content, (t, v) => { t.note.content = String(v); }),
    authorName: prop("1.18", (t) => t.note.authorName),
    getLocation: returns("1.18", "Range", (t) => Object.assign({ sheet: t.sheet }, parseAddress(t.address))),
    delete: method("1.18", (t) => { t.sheet.notes.delete(t.address); }),
  });

  // --- Office and Excel globals -----------------------------------------------------------------

  let model = new WorkbookModel({ sheets: [{ name: "Blad1" }] });
  const ready = (async () => {
    if (CONFIG.workbook) {
      model = new WorkbookModel(CONFIG.workbook);
    } else if (CONFIG.workbookUrl) {
      const response = await fetch(CONFIG.workbookUrl);
      if (response.ok) model = new WorkbookModel(await response.json());
    }
  })();

  const requirements = {
    isSetSupported(name, version) {
      // Set names are matched without regard to case (xlwings asks for "ExcelAPI").
      const want = version === undefined ? "1.1" : String(version);
      const set = String(name).toLowerCase();
      if (set === "excelapi") return supports(want);
      if (set === "excelapionline") return CONFIG.mode === "web" && versionAtLeast("1.1", want);
      const other = Object.keys(OTHER_SETS).find((k) => k.toLowerCase() === set);
      return other ? versionAtLeast(OTHER_SETS[other], want) : false;
    },
  };
  const associated = {};
  const Office = {
    HostType: { Excel: "Excel" },
    PlatformType: { OfficeOnline: "OfficeOnline", PC: "PC", Mac: "Mac" },
    context: {
      requirements,
      host: "Excel",
      platform: CONFIG.mode === "web" ? "OfficeOnline" : "PC",
      diagnostics: { version: "16.0.0.0 (stand-in)", platform: CONFIG.mode === "web" ? "OfficeOnline" : "PC", host: "Excel" },
      displayLanguage: "sv-SE",
      contentLanguage: "sv-SE",
      ui: {
        displayDialogAsync(url, options, callback) {
          ExcelStandIn.dialogs.push(url);
          if (callback) callback({ status: "failed", error: { code: 12007, message: "stand-in: no dialogs" } });
        },
        messageParent() {},
        addHandlerAsync(type, handler, callback) { if (callback) callback({ status: "succeeded" }); },
      },
      document: { settings: { get() { return null; }, set() {}, saveAsync(cb) { if (cb) cb({ status: "succeeded" }); } } },
    },
    actions: {
      associate(name, fn) {
        associated[name] = fn;
      },
    },
    addin: {
      showAsTaskpane: async () => {},
      hide: async () => {},
      onVisibilityModeChanged: async () => () => {},
      setStartupBehavior: async () => {},
    },
    auth: { getAccessToken: async () => { throw new OfficeError("13000", "stand-in: no SSO"); } },
    onReady(callback) {
      // Ready at once, as in Excel, where the workbook is already open; loading the test's
      // workbook only holds up Excel.run (a slow onReady makes xlwings reload the page).
      const info = { host: "Excel", platform: Office.context.platform };
      return Promise.resolve().then(() => {
        if (callback) callback(info);
        return info;
      });
    },
    initialize: null,
    EventType: { DialogMessageReceived: "dialogMessageReceived", DialogEventReceived: "dialogEventReceived" },
    AsyncResultStatus: { Succeeded: "succeeded", Failed: "failed" },
  };

  const Excel = {
    RequestContext,
    async run(batch) {
      await ready;
      const context = new RequestContext();
      const result = await batch(context);
      await context.sync();  // Excel.run syncs what the batch left queued
      return result;
    },
    ErrorCodes: Object.fromEntries(Object.keys(MESSAGES).map((k) => [k, k])),
    ShapeType: { image: "Image", geometricShape: "GeometricShape" },
    ClearApplyTo: { all: "All", formats: "Formats", contents: "Contents" },
    DeleteShiftDirection: { up: "Up", left: "Left" },
    InsertShiftDirection: { down: "Down", right: "Right" },
    CalculationType: { full: "Full", recalculate: "Recalculate" },
    SaveBehavior: { save: "Save", prompt: "Prompt" },
    ChartSeriesBy: { auto: "Auto", columns: "Columns", rows: "Rows" },
    // xlwings Server registers worksheet functions through this in development; the add-in has
    // none, so registering is a no-op here.
    CustomFunctionManager: { newObject: () => ({ register() {} }), register: async () => {} },
  };

  const OfficeExtension = { Error: OfficeError, ErrorCodes: Excel.ErrorCodes, ClientResult: Object };

  const ExcelStandIn = {
    config: CONFIG,
    ready,
    stats,
    resetStats,
    dialogs: [],
    associated,
    get model() {
      return model;
    },
    interpret,
    // The workbook as Excel would show it, for the test's assertions.
    sheetNames() {
      return model.sheets.map((s) => s.name);
    },
    snapshot(name, options = {}) {
      const s = model.sheet(name);
      if (!s) return null;
      const used = s.usedRange();
      const rows = used ? used.r0 + used.rows : 0;
      const cols = used ? used.c0 + used.cols : 0;
      const from = options.from || 0, to = Math.min(options.to || rows, rows);
      const grab = (fn) => {
        const out = [];
        for (let r = from; r < to; r++) {
          const row = [];
          for (let c = 0; c < cols; c++) row.push(fn(r, c));
          out.push(row);
        }
        return out;
      };
      return {
        name: s.name,
        visibility: s.visibility,
        position: model.sheets.indexOf(s),
        values: grab((r, c) => s.get(r, c)),
        formats: grab((r, c) => s.format(r, c)),
        formulas: Object.fromEntries(Array.from(s.formulas.entries()).map(([k, f]) => {
          const [r, c] = k.split(",").map(Number);
          return [cellAddress(r, c), f];
        })),
        fills: Object.fromEntries(Array.from(s.fills.entries()).map(([k, f]) => {
          const [r, c] = k.split(",").map(Number);
          return [cellAddress(r, c), f];
        })),
        notes: Object.fromEntries(Array.from(s.notes.entries()).map(([a, n]) => [a, n.content])),
        tables: s.tables.map((t) => ({ name: t.name, address: rangeAddress(t.r0, t.c0, t.rows, t.cols) })),
        charts: s.charts.map((c) => ({ name: c.name, chartType: c.chartType })),
        validations: s.validations.map((v) => ({ address: rangeAddress(v.r0, v.c0, v.rows, v.cols), rule: v.rule })),
        rowCount: rows,
      };
    },
    activeSheet() {
      return model.sheets[model.active].name;
    },
    // Write as a user types into the workbook (tests set up a form this way).
    type(sheetName, address, value) {
      const s = model.sheet(sheetName);
      const [r, c] = parseCell(address);
      s.write(r, c, value);
    },
    setFormat(sheetName, address, format) {
      const s = model.sheet(sheetName);
      const a = parseAddress(address);
      for (let r = 0; r < a.rows; r++) for (let c = 0; c < a.cols; c++) s.setFormat(a.r0 + r, a.c0 + c, format);
    },
    failWrites(code) {
      failWrites = code || null;
    },
    // A ribbon button, as Excel calls an ExecuteFunction command.
    async clickRibbon(name) {
      const fn = associated[name];
      if (!fn) throw new Error(`no function associated with ${name}`);
      await new Promise((resolve) => fn({ completed: resolve, source: { id: name } }));
    },
  };

  globalThis.Office = Office;
  globalThis.Excel = Excel;
  globalThis.OfficeExtension = OfficeExtension;
  globalThis.ExcelStandIn = ExcelStandIn;
})();
