// The field app: pairs the device, keeps a lease of reference numbers, logs each request
// into the device's outbox first and shows its number at once, and sends the outbox whenever
// there is a network (start, `online`, every 30 s, "Send all", Background Sync), each request
// with its own Idempotency-Key and number, so a resend is never a second request.
import * as store from "./outbox.js";
import { WORDS } from "./words.js";

const $ = (id) => document.getElementById(id);
const LEASE_LOW = 20;
const LEASE_SIZE = 50;
let sending = false;

const grouped = (ref) => `${ref.slice(0, 3)} ${ref.slice(3, 6)} ${ref.slice(6)}`;

function show(view) {
  for (const id of ["pair", "form-view", "receipt", "outbox-view"]) $(id).hidden = id !== view;
}

function notice(text) {
  $("notice").hidden = !text;
  $("notice").textContent = text || "";
}

function words() {
  for (const node of document.querySelectorAll("[data-word]")) {
    node.textContent = WORDS[node.dataset.word] ?? node.textContent;
  }
}

async function call(path, options = {}) {
  const device = await store.get("device");
  const headers = { "Content-Type": "application/json", ...(options.headers || {}) };
  if (device) headers.Authorization = `Bearer ${device.token}`;
  return fetch(path, { ...options, headers });
}

async function pair(code) {
  const response = await fetch("/v1/devices", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ code: code.trim().toUpperCase() }),
  });
  const answer = await response.json();
  if (response.status !== 201) {
    notice(answer.error?.message || response.statusText);
    return;
  }
  await store.set("device", answer);
  notice("");
  await topUp();
  await start();
}

async function topUp() {
  const device = await store.get("device");
  const leases = (await store.get("leases")) || [];
  if (!device || leases.length >= LEASE_LOW) return;
  const response = await call(`/v1/devices/${device.device_id}/references`, {
    method: "POST",
    body: JSON.stringify({ count: LEASE_SIZE }),
  });
  if (response.status === 201) {
    const fresh = (await response.json()).references;
    const now = (await store.get("leases")) || [];
    await store.set("leases", [...now, ...fresh.filter((r) => !now.includes(r))]);
  }
}

async function categories() {
  try {
    const response = await fetch("/v1/categories?limit=100");
    if (response.ok) await store.set("categories", await response.json());
  } catch {
    // offline: the cached list serves
  }
  const list = (await store.get("categories")) || [];
  $("category").replaceChildren(
    ...list.map((c) => new Option(c.name.en, c.code)),
  );
}

async function log(form) {
  const data = new FormData(form);
  const body = {
    category: data.get("category"),
    description: data.get("description"),
    location: { area: data.get("area"), community: data.get("community") },
  };
  const phone = (data.get("phone") || "").trim();
  if (phone) {
    body.resident = {
      phone,
      language: data.get("language"),
      updates_by: "sms",
      privacy_notice_given: $("notice-given").checked,
    };
  }
  const item = await store.queueWithNextNumber((reference) => ({
    id: crypto.randomUUID(),
    key: crypto.randomUUID(),
    reference,
    body,
    state: "queued",
    created: Date.now(),
  }));
  if (!item) {
    notice(WORDS.no_numbers);
    return;
  }
  form.reset();
  $("phone").disabled = true;
  $("receipt-reference").textContent = grouped(item.reference);
  $("receipt-state").textContent = WORDS.queued;
  show("receipt");
  await refresh();
  send();
}

async function send() {
  if (sending) return;
  sending = true;
  try {
    if (!(await store.get("device"))) return;
    for (const item of await store.all()) {
      if (item.state === "sent" || item.state === "attention") continue;
      let response;
      try {
        response = await call("/v1/requests", {
          method: "POST",
          headers: { "Idempotency-Key": item.key },
          body: JSON.stringify({ ...item.body, reference: item.reference }),
        });
      } catch {
        break; // no network: the next trigger tries again
      }
      if (response.status === 201) {
        await store.put({ ...item, state: "sent", sent_at: new Date().toISOString() });
      } else if (response.status === 401) {
        await store.set("device", null); // expired: pair again; the queue stays
        notice(WORDS.pair_again);
        show("pair");
        break;
      } else if (response.status >= 500 || [408, 429].includes(response.status)) {
        break;
      } else {
        const answer = await response.json().catch(() => ({}));
        const reason = answer.error?.message || response.statusText;
        await store.put({ ...item, state: "attention", reason });
      }
    }
    await topUp().catch(() => {});
  } finally {
    sending = false;
    await refresh();
  }
}

async function refresh() {
  const items = await store.all();
  $("unsent").textContent = String(items.filter((i) => i.state !== "sent").length);
  $("outbox-list").replaceChildren(
    ...items.map((item) => {
      const line = document.createElement("li");
      const state = WORDS[item.state] || item.state;
      line.textContent = `${grouped(item.reference)}: ${state}${item.reason ? ` (${item.reason})` : ""}`;
      line.dataset.state = item.state;
      return line;
    }),
  );
}

async function start() {
  words();
  await refresh();
  if (!(await store.get("device"))) {
    show("pair");
    return;
  }
  await categories();
  show("form-view");
  send();
}

function wire() {
  $("pair-form").addEventListener("submit", (event) => {
    event.preventDefault();
    pair($("pair-code").value);
  });
  $("request-form").addEventListener("submit", (event) => {
    event.preventDefault();
    log(event.target);
  });
  $("notice-given").addEventListener("change", (event) => {
    $("phone").disabled = !event.target.checked;
  });
  $("next-request").addEventListener("click", () => show("form-view"));
  $("show-form").addEventListener("click", () => show("form-view"));
  $("show-outbox").addEventListener("click", async () => {
    await refresh();
    show("outbox-view");
  });
  $("send-all").addEventListener("click", () => send());
  window.addEventListener("online", () => send());
  setInterval(() => send(), 30_000);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/field/sw.js", { scope: "/field/" });
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data === "send") send();
    });
    navigator.serviceWorker.ready
      .then((registration) => registration.sync?.register("send-outbox"))
      .catch(() => {});
  }
  navigator.storage?.persist?.();
}

wire();
start();
