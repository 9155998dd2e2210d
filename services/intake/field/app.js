// The field app: pairs, leases numbers, logs into the outbox with a number at once, sends it.
import * as store from "./outbox.js";
import * as api from "./api.js";
import * as applications from "./applications.js";
import * as form from "./form.js";
import * as photos from "./photos.js";
import * as screens from "./screens.js";
import { send as sendOutbox, nextTry } from "./sender.js";
import { $, LANGUAGES, explainField, refusalText, say, tell, useLanguage } from "./words.js";

const VIEWS = ["pair", "form-view", "receipt", "outbox-view", "lookup-view", "sign-out-view"];
// Category or application code -> name in the app's language.
let names = {};
// The outbox item being fixed, if any.
let fixing = null;
let lookedUp = null; // the last follow-up's answer
// The browser promised to keep the storage.
let kept = false;

// Screens shown so far.
let shown = 0;

function show(view) {
  shown += 1;
  for (const id of VIEWS) $(id).hidden = id !== view;
}

const notice = (text) => tell("notice", text);

const send = (manual = false) => sendOutbox({ manual, changed: refresh, expired: askToPairAgain });

function askToPairAgain() {
  notice(say("pair_again"));
  show("pair");
}

// A lease of 50 is topped up online below 20: offline, a warning from the 45th.
const FEW_NUMBERS_LEFT = 5;

async function showNumbersLeft() {
  const left = ((await store.get("leases")) || []).length;
  const text = left ? left <= FEW_NUMBERS_LEFT && say("few_numbers", { n: left }) : say("no_numbers");
  for (const id of ["numbers-left", "receipt-numbers"]) tell(id, text);
}

async function refresh() {
  const items = await store.all();
  // Unsent photos count too.
  const unsent = items.reduce((sum, item) => sum + store.unsent(item), 0);
  $("unsent").textContent = String(unsent);
  $("storage").hidden = kept || !unsent;
  if (await store.get("leaving")) {
    if (!unsent) return signOut();
    notice(say("leaving"));
  }
  await showNumbersLeft();
  screens.outbox(items, names, { fix, discard, retryPhoto, dropPhoto }, await store.get("draft"));
  showOnReceipt(items.find((item) => item.id === onReceipt));
  const retry = nextTry();
  tell("retry", retry && say("retry_at", { time: screens.clockTime(retry) }));
}

async function loadLists() {
  const catalogue = await api.categories();
  const apps = applications.know((await api.services()).list);
  names = Object.fromEntries([...catalogue.list, ...apps].map((c) => [c.code, applications.words(c.name)]));
  const chosen = $("category").value;
  // None chosen for the agent: a forgotten choice says "is required". Applications after the reports.
  const none = new Option(say("choose"), "");
  const options = (list) => list.map((c) => new Option(names[c.code], c.code));
  const group = (word, list) => applications.make("optgroup", { label: say(word) }, ...options(list));
  $("category").replaceChildren(none, ...(apps.length ? [group("reports", catalogue.list), group("applications", apps)] : options(catalogue.list)));
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

// The buttons of `selector` wait while `work` runs: a double tap is done once.
async function busy(selector, work) {
  const buttons = [...document.querySelectorAll(selector)];
  if (buttons.some((button) => button.disabled)) return;
  const hold = (held) => buttons.forEach((button) => { button.disabled = held; });
  hold(true);
  try {
    await work();
  } finally {
    hold(false);
  }
}

async function log() {
  const body = form.body();
  const found = form.problems(body);
  form.showProblems(found);
  if (Object.keys(found).length) return;
  let item;
  await photos.made();
  const taken = photos.forRequest(body.papers);
  if (fixing) {
    // A new key: the body changed (the refused one was not kept).
    const all = photos.capped([...(fixing.photos || []), ...taken]);
    item = { ...fixing, body, photos: all, key: crypto.randomUUID(), state: "queued", reason: null, fields: null };
    await store.put(item);
    fixing = null;
  } else {
    item = await store.queueWithNextNumber((reference) => ({
      id: crypto.randomUUID(), key: crypto.randomUUID(), reference, body, photos: taken, state: "queued", created: Date.now(),
    }));
  }
  if (!item) {
    // Said next to the Log button.
    await showNumbersLeft();
    return;
  }
  $("log").textContent = say("log");
  onReceipt = item.id;
  refusalFocused = false;
  await showReceipt(item);
  send(true);
}

// The receipt for a request logged or joined.
async function showReceipt(item) {
  form.clear();
  // The next resident's form starts with none.
  photos.clear();
  await store.set("draft", null);
  nearby();
  showOnReceipt(item);
  await refresh(); // its counts right
  show("receipt");
  $("receipt-heading").focus();
}

// The receipt's request as it stands; a refusal is said at once, "Fix it now" focused.
// The id of the request whose number the receipt shows.
let onReceipt = null;
let refusalFocused = false;

function showOnReceipt(item) {
  if (!item) return;
  const { category, location, description, resident: r = {} } = item.body;
  $("receipt-reference").textContent = screens.grouped(item.reference);
  $("receipt-what").textContent = `${names[item.body.service || category] || category} · ${location.community} · ${description.slice(0, 60)}`;
  // Read back with the resident here: what was logged and where updates go (0XX XXX XXXX, unbroken).
  const to = r.updates_by === "email" ? r.email : r.phone && screens.grouped(`0${r.phone.replace(/\D/g, "").slice(-9)}`).replace(/ /g, "\u00a0");
  $("receipt-updates").textContent = say(`follows_${r.updates_by || "none"}`, { to });
  const refused = item.state === "attention";
  $("receipt-state").textContent = item.state === "sent"
    ? say("receipt_sent", { time: screens.clockTime(item.sent_at) })
    : say(refused ? "receipt_refused" : item.state === "joined" ? "joined" : "kept");
  tell("receipt-refusal", refused && refusalText(item));
  applications.receipt(item);
  tell("receipt-photos", item.photos?.length && screens.photosText(item));
  $("receipt-photo-problems").replaceChildren(...(item.photos ? screens.photoProblems(item, { retryPhoto, dropPhoto }) : []));
  $("receipt-fix").hidden = !refused;
  if (refused && !refusalFocused && !$("receipt").hidden) {
    refusalFocused = true;
    $("receipt-fix").focus();
  }
}

function fix(item) {
  fixing = item;
  onReceipt = null;
  form.fill(item.body);
  nearby(); // hidden: the request has its number already
  $("log").textContent = say("save_fix");
  // First: a hidden field cannot take the focus.
  show("form-view");
  const fields = Object.entries(item.fields || {});
  form.showProblems(fields.length
    ? Object.fromEntries(fields.map(([field, message]) => [field, explainField(field, message)]))
    : { request: refusalText(item) });
}

// Open requests of the category nearby, to join instead (online only).
// The search under way (an older one's late answer is dropped).
let asked = "";

async function nearby(again) {
  const { category, location, service } = form.body();
  const query = new URLSearchParams({ category });
  for (const key of ["community", "lat", "lon"]) if (location[key]) query.set(key, location[key]);
  // An application is the resident's own: nothing nearby to join.
  const wanted = !fixing && !service && category && (location.community || location.lat) ? `${query}` : "";
  if (wanted === asked && !again) return;
  asked = wanted;
  $("nearby").hidden = !wanted;
  $("nearby-state").textContent = "";
  screens.nearby([], join);
  if (!wanted) return;
  const made = await api.online(`/v1/requests/nearby?${wanted}`);
  if (wanted !== asked) return;
  const ok = made.status === 200;
  if (!ok) asked = ""; // tried again at the next change
  $("nearby").hidden = ok && !made.answer.length;
  $("nearby-state").textContent = ok ? "" : made.offline ? say("nearby_offline") : api.refusal(made);
  screens.nearby(ok ? made.answer : [], join);
}

// Joining and logging wait for each other: both at once would log the resident twice.
const WHILE_ASKING = "#log, #nearby-list button";
const join = (open) => busy(WHILE_ASKING, () => joinOnce(open));

async function joinOnce(open) {
  const body = form.body();
  // Joining needs the notice and SMS or e-mail updates.
  const found = Object.fromEntries(Object.entries(form.problems(body)).filter(([field]) => field.startsWith("resident")));
  if (!$("notice-given").checked) found["resident.privacy_notice_given"] = say("join_contact");
  else if (!["sms", "email"].includes(body.resident?.updates_by)) found.resident = say("join_contact");
  form.showProblems(found);
  if (Object.keys(found).length) return;
  const made = await post(`${open.reference}/followers`, { resident: body.resident });
  if (made.status !== 202) {
    $("nearby-state").textContent = made.status === 409 ? say("join_closed") : api.refusal(made);
    return;
  }
  onReceipt = null;
  const { reference, category, community, description } = open;
  await showReceipt({ reference, state: "joined", body: { category, description, location: { community }, resident: body.resident } });
}

// A refused photo sent again (a new key: the last answer was final), or dropped.
const retryPhoto = (item, photo) => changePhoto(item, photo, { ...photo, key: crypto.randomUUID(), state: "queued" });
const dropPhoto = (item, photo) => changePhoto(item, photo, null);

async function changePhoto(item, photo, changed) {
  await store.update(item.id, (now) => ({
    ...now, photos: now.photos.flatMap((p) => (p.id !== photo.id ? [p] : changed ? [changed] : [])),
  }));
  await refresh();
  if (changed) send(true);
}

async function discard(item) {
  if (!window.confirm(say("discard_confirm", { ref: screens.grouped(item.reference) }))) return;
  await store.remove(item.id);
  if (fixing?.id === item.id) {
    // The form held it for fixing: "Save and send again" would bring it back.
    fixing = null;
    form.clear();
    $("log").textContent = say("log");
  }
  await refresh();
}

// Signing out asks first, and deletes nothing unsent: it waits until all is sent (refresh).
async function askToSignOut() {
  const unsent = (await store.all()).filter(store.unsent);
  screens.unsentList(unsent);
  $("sign-out-unsent").hidden = unsent.length === 0;
  $("sign-out-anyway").textContent = say(unsent.length ? "sign_out_sent" : "sign_out");
  show("sign-out-view");
  // The question, not "Stay signed in" under the header.
  $("sign-out-heading").focus();
}

async function signOut() {
  const device = await store.get("device");
  // Logged meanwhile, or "Stay signed in".
  if (!(await store.forgetEverything())) return;
  // The last resident's answers and photos go too, and the last look-up: the next agent
  // to pair this device starts clean.
  form.clear();
  photos.clear();
  fixing = lookedUp = onReceipt = null;
  $("lookup-result").replaceChildren();
  const ended = await api.signOut(device);
  // Paired again while the City was asked (a slow network): that pairing stands.
  if (await store.get("device")) return;
  await refresh();
  notice(say(ended ? "signed_out" : "signed_out_offline"));
  show("pair");
}

// Unpaired with no numbers: said before a form is typed.
async function showForm() {
  const paired = Boolean(await store.get("device"));
  if (!paired && !((await store.get("leases")) || []).length) {
    notice(say("pair_first"));
    show("pair");
    return;
  }
  show("form-view");
}

// Pairs with the office's code, or the agent's own `token` (sent once, never stored).
async function pair(code, token) {
  const refused = await api.pair(code, token);
  // Not even the page keeps it.
  $("own-token").value = "";
  notice();
  // The field the refusal is said under.
  const field = token ? "own-token" : "pair-code";
  for (const id of ["pair-code", "own-token"]) form.mark(id, id === field && refused);
  if (refused) return $(field).focus();
  $("pair-code").value = "";
  await api.topUp().catch(() => {});
  await start();
  send(true); // what waited goes now, backoff or not
}

// "Not fixed": the resident's words, for the resolved request looked up.
async function reopen() {
  const asked = lookedUp;
  const made = await post(`${asked.request.reference}/reopen`, { reason: $("reopen-reason").value });
  // Another request looked up meanwhile: this answer is not about the one shown.
  if (lookedUp?.request?.reference !== asked.request.reference) return;
  const done = made.status === 202;
  if (done) $("reopen-reason").value = "";
  $("reopen-state").className = done ? "" : "error";
  $("reopen-state").textContent = done ? say("reopened") : made.status === 409 ? say("reopen_refused") : api.refusal(made);
}

const post = (path, body) => api.online(`/v1/requests/${path}`, { method: "POST", body: JSON.stringify(body) });

async function start(code = "") {
  const screensBefore = shown;
  const chosen = (await store.get("language")) || "en";
  $("ui-language").value = chosen;
  useLanguage(chosen);
  form.showNotice();
  await refresh();
  if (code || !(await store.get("device"))) {
    $("pair-code").value = code;
    show("pair");
    return;
  }
  await loadLists();
  const draft = await store.get("draft");
  // What the agent was typing when the app closed.
  if (draft) form.fill(draft);
  await photos.restore();
  // The lists can take seconds on a slow network. Meanwhile "Send all" may have sent the
  // last request and signed out, or the agent chosen a screen: that screen stays.
  if (shown === screensBefore) show("form-view");
  send();
}

// Else a browser short of space may clear the queue: the agent must know.
async function keepStorage() {
  kept = Boolean(await navigator.storage?.persist?.().catch(() => false));
  refresh();
}

const on = (id, type, handler) => $(id).addEventListener(type, handler);
const submit = (id, buttons, work) => on(id, "submit", (event) => {
  event.preventDefault();
  busy(buttons, work);
});

function wire() {
  // The page holds no words of its own.
  useLanguage("en");
  const languages = Object.entries(LANGUAGES).map(([code, name]) => new Option(name, code));
  $("ui-language").replaceChildren(...languages);
  $("language").append(...languages.map((o) => new Option(o.text, o.value)));
  on("ui-language", "change", async (event) => {
    useLanguage(event.target.value);
    await store.set("language", event.target.value);
    await loadLists();
    applications.show($("category").value);
    await refresh();
    form.showNotice();
    photos.show();
    // Said again in the new language.
    if (lookedUp) screens.request(lookedUp, names);
    nearby(true);
    // The app's findings too (the City's stay as shown).
    if (!fixing && document.querySelector("#request-form [aria-invalid]")) {
      form.showProblems(form.problems(form.body()), false);
    }
  });
  submit("pair-form", "#pair button", () => pair($("pair-code").value));
  submit("own-form", "#pair button", () => pair("", $("own-token").value));
  on("request-form", "change", (event) => {
    if (event.target.id === "category") applications.show(event.target.value);
    if (["category", "community"].includes(event.target.id)) nearby();
  });
  on("request-form", "input", () => {
    applications.warn();
    // A closed app loses no half-typed request.
    if (!fixing) store.set("draft", form.body());
  });
  submit("request-form", WHILE_ASKING, log);
  on("photo", "change", (event) => photos.add(event.target));
  on("notice-given", "change", (event) => form.lockContact(!event.target.checked));
  on("contact-why", "click", form.explainLockedContact);
  on("language", "change", () => {
    form.showNotice();
    // The help in the resident's language.
    applications.show($("category").value);
  });
  on("locate", "click", () => form.locate(nearby));
  on("visit", "change", async () => {
    form.useVisit((await api.visitsToday()).find((v) => v.id === $("visit").value));
    nearby();
  });
  on("next-request", "click", () => { onReceipt = null; show("form-view"); });
  on("receipt-fix", "click", async () => {
    const item = (await store.all()).find((one) => one.id === onReceipt);
    if (item) fix(item);
  });
  on("show-form", "click", showForm);
  const today = async () => { await refresh(); show("outbox-view"); };
  on("show-outbox", "click", today);
  on("show-lookup", "click", () => show("lookup-view"));
  submit("lookup-form", "#lookup-form button", async () => {
    const reference = $("lookup-reference").value.replace(/\D/g, "");
    // Never the last answer under this number.
    $("lookup-result").replaceChildren();
    $("reopen-state").textContent = "";
    lookedUp = await api.lookUp(reference);
    screens.request(lookedUp, names);
  });
  submit("reopen-form", "#reopen", reopen);
  on("send-all", "click", () => send(true));
  on("today-filter", "input", () => screens.filter());
  on("sign-out", "click", askToSignOut);
  on("keep", "click", async () => { await store.set("leaving", false); notice(); today(); });
  on("sign-out-anyway", "click", async () => {
    await store.set("leaving", true);
    show("outbox-view");
    // Signs out now if nothing is unsent.
    await refresh();
    send(true);
  });
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
// The desk's QR code opens the app with the code (#code=, or ?code=): filled in, then gone from the address.
const given = new URLSearchParams(location.hash.slice(1) || location.search).get("code");
if (given) history.replaceState(null, "", location.pathname);
// <main aria-busy> until the app has opened.
start(given || "").finally(() => document.querySelector("main").setAttribute("aria-busy", "false"));
