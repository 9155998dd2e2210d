// The field app: pairs the device, keeps a lease of reference numbers, logs each request
// into the device's outbox first and shows its number at once, and sends the outbox whenever
// there is a network (start, `online`, every 30 s, "Send all", Background Sync), each request
// with its own Idempotency-Key and number, so a resend is never a second request.
import * as store from "./outbox.js";
import * as api from "./api.js";
import * as form from "./form.js";
import * as screens from "./screens.js";
import { send as sendOutbox, nextTry } from "./sender.js";
import { LANGUAGES, explainField, language, refusalText, say, useLanguage } from "./words.js";

const $ = (id) => document.getElementById(id);
const VIEWS = ["pair", "form-view", "receipt", "outbox-view", "lookup-view", "sign-out-view"];
let names = {}; // category code -> name in the app's language
let fixing = null; // the outbox item being fixed, if any
let lookedUp = null; // the last follow-up's answer

function show(view) {
  for (const id of VIEWS) $(id).hidden = id !== view;
}

function notice(text) {
  $("notice").hidden = !text;
  $("notice").textContent = text || "";
}

const send = (manual = false) => sendOutbox({ manual, changed: refresh, expired: askToPairAgain });

function askToPairAgain() {
  notice(say("pair_again"));
  show("pair");
}

// A lease is 50 numbers, topped up online below 20: offline, the agent is warned from the
// 45th on, while there is still time to find signal, and never left guessing at the last.
const FEW_NUMBERS_LEFT = 5;

async function showNumbersLeft() {
  const left = ((await store.get("leases")) || []).length;
  let text = "";
  if (left === 0) text = say("no_numbers");
  else if (left <= FEW_NUMBERS_LEFT) text = say("few_numbers", { n: left });
  for (const id of ["numbers-left", "receipt-numbers"]) {
    $(id).hidden = !text;
    $(id).textContent = text;
  }
}

async function refresh() {
  const items = await store.all();
  $("unsent").textContent = String(items.filter((i) => i.state !== "sent").length);
  await showNumbersLeft();
  screens.outbox(items, names, { fix, discard }, await store.get("draft"));
  showOnReceipt(items.find((item) => item.id === onReceipt));
  const retry = nextTry();
  $("retry").hidden = !retry;
  if (retry) $("retry").textContent = say("retry_at", { time: screens.clockTime(retry) });
}

async function loadLists() {
  const catalogue = await api.categories();
  names = Object.fromEntries(catalogue.list.map((c) => [c.code, c.name[language()] || c.name.en]));
  const chosen = $("category").value;
  // No category is chosen for the agent: a forgotten choice must say "is required", not go
  // to whichever department is first in the list.
  const none = new Option(say("choose"), "");
  $("category").replaceChildren(none, ...catalogue.list.map((c) => new Option(names[c.code], c.code)));
  if (chosen) $("category").value = chosen;
  $("catalogue-version").textContent = catalogue.version;
  const visits = await api.visitsToday();
  $("visit").replaceChildren(
    new Option(say("no_visit"), ""),
    ...visits.map((v) => Object.assign(new Option(`${v.community}, ${v.venue}`, v.id), { translate: false })),
  );
  form.knowVisits(visits);
  form.useVisit(visits[0]);
}

// A second tap (or a double click) while the first is still saving would take a second
// number for the same resident: the button is disabled until this one is done.
let saving = false;

async function log() {
  if (saving) return;
  saving = true;
  $("log").disabled = true;
  try {
    await logOnce();
  } finally {
    saving = false;
    $("log").disabled = false;
  }
}

async function logOnce() {
  const body = form.body();
  const found = form.problems(body);
  form.showProblems(found);
  if (Object.keys(found).length) return;
  let item;
  if (fixing) {
    // A new key: the body changed, and the server refused the old one without keeping it.
    item = { ...fixing, body, key: crypto.randomUUID(), state: "queued", reason: null, fields: null };
    await store.put(item);
    fixing = null;
  } else {
    item = await store.queueWithNextNumber((reference) => ({
      id: crypto.randomUUID(), key: crypto.randomUUID(), reference, body, state: "queued", created: Date.now(),
    }));
  }
  if (!item) {
    await showNumbersLeft(); // said next to the Log button, where the agent is looking
    return;
  }
  form.clear();
  await store.set("draft", null);
  $("log").textContent = say("log");
  $("receipt-reference").textContent = screens.grouped(item.reference);
  onReceipt = item.id;
  refusalFocused = false;
  showOnReceipt(item);
  await refresh(); // the unsent count and numbers left are right when the receipt shows
  show("receipt");
  $("receipt-heading").focus();
  send(true);
}

// The request on the receipt as it stands: kept on the device, sent, or refused by the City
// (sent a second after "Log", while the resident may still be at the table: the refusal is
// said here at once, in the app's language, and the button to fix it takes the focus).
let onReceipt = null; // the id of the request whose number the receipt shows
let refusalFocused = false;

function showOnReceipt(item) {
  if (!item) return;
  // What was logged and what the resident can expect: read back before they leave.
  const { category, location, description, resident } = item.body;
  $("receipt-what").textContent = `${names[category] || category} · ${location.community} · ${description.slice(0, 60)}`;
  $("receipt-updates").textContent = say(`follows_${resident?.updates_by || "none"}`);
  const refused = item.state === "attention";
  $("receipt-state").textContent = item.state === "sent"
    ? say("receipt_sent", { time: screens.clockTime(item.sent_at) })
    : say(refused ? "receipt_refused" : "kept");
  $("receipt-refusal").hidden = !refused;
  $("receipt-fix").hidden = !refused;
  if (!refused) return;
  $("receipt-refusal").textContent = refusalText(item);
  if (!refusalFocused && !$("receipt").hidden) {
    refusalFocused = true;
    $("receipt-fix").focus();
  }
}

function fix(item) {
  fixing = item;
  onReceipt = null;
  form.fill(item.body);
  $("log").textContent = say("save_fix");
  show("form-view"); // first: a hidden field cannot take the focus
  const fields = Object.entries(item.fields || {});
  form.showProblems(fields.length
    ? Object.fromEntries(fields.map(([field, message]) => [field, explainField(field, message)]))
    : { request: refusalText(item) });
}

async function discard(item) {
  if (!window.confirm(say("discard_confirm", { ref: screens.grouped(item.reference) }))) return;
  await store.remove(item.id);
  await refresh();
}

// Signing out unpairs the tablet (pairing again needs a code from the office) and deletes
// what is unsent: it always asks first, saying what it costs.
async function askToSignOut() {
  const unsent = (await store.all()).filter((item) => item.state !== "sent");
  screens.unsentList(unsent);
  $("sign-out-unsent").hidden = unsent.length === 0;
  $("sign-out-anyway").textContent = say(unsent.length ? "sign_out_anyway" : "sign_out_confirm");
  show("sign-out-view");
  $("keep").focus();
}

async function signOut() {
  const ended = await api.signOut();
  await store.forgetEverything();
  await refresh();
  notice(say(ended ? "signed_out" : "signed_out_offline"));
  show("pair");
}

// An unpaired device with no numbers cannot log anything: the agent is told before typing
// a whole form. (A device whose pairing expired keeps its numbers, and logs offline.)
async function showForm() {
  const paired = Boolean(await store.get("device"));
  if (!paired && !((await store.get("leases")) || []).length) {
    notice(say("pair_first"));
    show("pair");
    return;
  }
  show("form-view");
}

async function start() {
  const chosen = (await store.get("language")) || "en";
  $("ui-language").value = chosen;
  useLanguage(chosen);
  form.showNotice();
  await refresh();
  if (!(await store.get("device"))) {
    show("pair");
    return;
  }
  await loadLists();
  const draft = await store.get("draft");
  if (draft) form.fill(draft); // what the agent was typing when the app closed
  show("form-view");
  send();
}

async function keepStorage() {
  // Without this a browser short of space may clear the queue; the agent must know.
  const kept = await navigator.storage?.persist?.().catch(() => false);
  $("storage").hidden = Boolean(kept);
}

function wire() {
  const languages = Object.entries(LANGUAGES).map(([code, name]) => new Option(name, code));
  $("ui-language").replaceChildren(...languages);
  $("language").replaceChildren(...languages.map((o) => new Option(o.text, o.value)));
  $("ui-language").addEventListener("change", async (event) => {
    useLanguage(event.target.value);
    await store.set("language", event.target.value);
    await loadLists();
    await refresh();
    if (lookedUp) screens.request(lookedUp, names); // said again in the new language
    // The app's own findings, too (the City's, while fixing, stay as they were shown).
    if (!fixing && document.querySelector("#request-form [aria-invalid]")) {
      form.showProblems(form.problems(form.body()), false);
    }
  });
  $("pair-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const refused = await api.pair($("pair-code").value);
    notice(refused);
    if (refused) return;
    await api.topUp().catch(() => {});
    await start();
    send(true); // paired (again): what waited goes now, whatever the backoff said
  });
  $("request-form").addEventListener("input", () => {
    if (!fixing) store.set("draft", form.body()); // a closed app loses no half-typed request
  });
  $("request-form").addEventListener("submit", (event) => {
    event.preventDefault();
    log();
  });
  $("notice-given").addEventListener("change", (event) => form.lockContact(!event.target.checked));
  $("contact-why").addEventListener("click", form.explainLockedContact);
  $("language").addEventListener("change", form.showNotice);
  $("locate").addEventListener("click", form.locate);
  $("visit").addEventListener("change", async () => {
    form.useVisit((await api.visitsToday()).find((v) => v.id === $("visit").value));
  });
  $("next-request").addEventListener("click", () => { onReceipt = null; show("form-view"); });
  $("receipt-fix").addEventListener("click", async () => {
    const item = (await store.all()).find((one) => one.id === onReceipt);
    if (item) fix(item);
  });
  $("show-form").addEventListener("click", showForm);
  $("show-outbox").addEventListener("click", async () => { await refresh(); show("outbox-view"); });
  $("show-lookup").addEventListener("click", () => show("lookup-view"));
  $("lookup-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const reference = $("lookup-reference").value.replace(/\D/g, "");
    $("lookup-result").replaceChildren(); // never the last answer under this number
    lookedUp = await api.lookUp(reference);
    screens.request(lookedUp, names);
  });
  $("send-all").addEventListener("click", () => send(true));
  $("today-filter").addEventListener("input", () => screens.filter());
  $("sign-out").addEventListener("click", askToSignOut);
  $("keep").addEventListener("click", async () => { await refresh(); show("outbox-view"); });
  $("sign-out-anyway").addEventListener("click", signOut);
  window.addEventListener("online", () => send(true));
  setInterval(() => send(), 30_000);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/field/sw.js", { scope: "/field/" });
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data === "send") send(true);
    });
    navigator.serviceWorker.ready
      .then((registration) => registration.sync?.register("send-outbox"))
      .catch(() => {});
  }
  keepStorage();
}

wire();
start();
