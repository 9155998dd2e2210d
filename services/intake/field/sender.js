// Sends the outbox, each with its Idempotency-Key and number. Network errors, 5xx, 408, 429 back
// off (or as Retry-After says); an expired pairing waits; other refusals need the agent.
import * as store from "./outbox.js";
import { call, forgetExpiredCredential, topUp } from "./api.js";

const RETRY = new Set([408, 429]);
// A few at once: one at a time, 50 requests at 400 ms latency would wait 20 s.
const AT_ONCE = 4;
const LONGEST_WAIT_S = 300;
let running = false;
let failures = 0;
let waitUntil = 0;

// `manual`: "Send all", or the network came back: no waiting for backoff.
export async function send({ manual = false, changed = () => {}, expired = () => {} } = {}) {
  if (running || (!manual && Date.now() < waitUntil)) return;
  running = true;
  try {
    if (!(await store.get("device"))) return;
    // Requests not yet sent, and sent ones whose photos wait.
    const waiting = (await store.all()).filter((i) => i.state === "queued" || i.state === "sending" || photosWaiting(i));
    // "later" or "expired": the rest of this round waits.
    let stopped = null;
    const worker = async () => {
      while (!stopped && waiting.length) {
        let item = waiting.shift();
        let outcome = "sent";
        if (item.state !== "sent") {
          await store.put({ ...item, state: "sending" });
          changed();
          outcome = await sendOne(item);
          // Its photos unchanged meanwhile (none refused yet).
          item = { ...item, state: outcome };
        }
        if (outcome === "sent" && photosWaiting(item)) outcome = await sendPhotos(item, changed);
        if (outcome === "later" || outcome === "expired") stopped ??= outcome;
        changed();
      }
    };
    await Promise.all(Array.from({ length: AT_ONCE }, worker));
    if (stopped === "expired") {
      await forgetExpiredCredential();
      expired();
    }
    if (stopped === "later") {
      // Again when the wait is over, not only at the next 30 s tick.
      setTimeout(() => send({ changed, expired }), Math.max(0, waitUntil - Date.now()) + 50);
    }
    if (await store.get("device")) await topUp().catch(() => {});
  } finally {
    running = false;
    changed();
  }
}

async function sendOne(item) {
  const response = await call("/v1/requests", {
    method: "POST",
    headers: { "Idempotency-Key": item.key },
    body: JSON.stringify({ ...item.body, reference: item.reference }),
  }).catch(() => null); // no network
  const status = response?.status;
  if (status === 201 || status === 401) {
    // The City answered: the network is fine (with 401, the pairing is not).
    failures = 0;
    waitUntil = 0;
  }
  if (status === 201) {
    // An application's, for the receipt.
    const { warnings } = await response.json().catch(() => ({}));
    await store.put({ ...item, state: "sent", sent_at: Date.now(), reason: null, fields: null, warnings });
    return "sent";
  }
  if (!response || status === 401 || status >= 500 || RETRY.has(status)) {
    await store.put({ ...item, state: "queued" });
    if (status === 401) return "expired";
    backOff(response?.headers.get("Retry-After"));
    return "later";
  }
  const error = (await response.json().catch(() => ({}))).error || {};
  const reason = error.message || `${response.status} ${response.statusText}`;
  // The code and fields let the app say it in the agent's language.
  await store.put({ ...item, state: "attention", reason, code: error.code, fields: error.fields || {} });
  return "refused";
}

const photosWaiting = (item) => item?.state === "sent" && (item.photos || []).some((p) => p.state === "queued");

// Its queued photos, one at a time, each with its own key; the item kept after each answer.
async function sendPhotos(item, changed) {
  for (const photo of item.photos.filter((p) => p.state === "queued")) {
    const form = new FormData();
    // A paper's photo: a document naming the paper.
    form.append("kind", photo.document ? "document" : "photo");
    if (photo.document) form.append("document", photo.document);
    form.append("file", photo.blob, `${photo.id}.jpg`);
    const response = await call(`/v1/requests/${item.reference}/attachments`, {
      method: "POST", headers: { "Idempotency-Key": photo.key }, body: form,
    }).catch(() => null);
    const status = response?.status;
    const error = response && status !== 201 ? (await response.json().catch(() => ({}))).error || {} : {};
    // Not yet received: intake has not stored the request yet; it will.
    const later = !response || status === 401 || status >= 500 || RETRY.has(status) || error.code === "not_yet_received";
    if (status === 201) Object.assign(photo, { state: "sent", reason: null, code: null });
    else if (!later) Object.assign(photo, { state: "attention", reason: error.message || `${status}`, code: error.code });
    // The stored item may have changed meanwhile (a photo dropped): only this photo is written.
    await store.update(item.id, (now) => ({ ...now, photos: now.photos.map((p) => (p.id === photo.id ? { ...p, ...photo } : p)) }));
    changed();
    if (later) {
      if (status === 401) return "expired";
      backOff(response?.headers.get("Retry-After"));
      return "later";
    }
    failures = 0;
    waitUntil = 0;
  }
  return "sent";
}

function backOff(retryAfter) {
  failures += 1;
  const asked = Number(retryAfter);
  const seconds = asked > 0 ? asked : Math.min(LONGEST_WAIT_S, 2 ** failures) * (0.5 + Math.random() / 2);
  waitUntil = Date.now() + Math.min(seconds, LONGEST_WAIT_S) * 1000;
}

// When the next automatic try is, if the last one failed.
export function nextTry() {
  return waitUntil > Date.now() ? new Date(waitUntil) : null;
}
