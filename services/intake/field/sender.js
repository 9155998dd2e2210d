// Sends the outbox: each queued request once, oldest first, with its own
// Idempotency-Key and number, so a resend after a lost answer is the same request. A network
// error, 5xx, 408 or 429 stops the round and backs off (Retry-After when the server gives
// it); an expired pairing stops it until the device is paired again; any other refusal
// marks that request as needing the agent's attention and goes on with the next.
import * as store from "./outbox.js";
import { call, forgetExpiredCredential, topUp } from "./api.js";

const RETRY = new Set([408, 429]);
// A few requests in flight at once: on a link with 400 ms of latency, one at a time would
// make 50 requests wait 20 s; each has its own number and key, so their order is free.
const AT_ONCE = 4;
const LONGEST_WAIT_S = 300;
let running = false;
let failures = 0;
let waitUntil = 0;

// `manual`: the agent pressed "Send all" or the network came back: no waiting for backoff.
export async function send({ manual = false, changed = () => {}, expired = () => {} } = {}) {
  if (running || (!manual && Date.now() < waitUntil)) return;
  running = true;
  try {
    if (!(await store.get("device"))) return;
    const waiting = (await store.all()).filter((i) => i.state === "queued" || i.state === "sending");
    let stopped = null; // "later" or "expired": the rest of this round waits
    const worker = async () => {
      while (!stopped && waiting.length) {
        const item = waiting.shift();
        await store.put({ ...item, state: "sending" });
        changed();
        const outcome = await sendOne(item);
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
      // Try again by itself when the wait is over, not only at the next 30 s tick.
      setTimeout(() => send({ changed, expired }), Math.max(0, waitUntil - Date.now()) + 50);
    }
    if (await store.get("device")) await topUp().catch(() => {});
  } finally {
    running = false;
    changed();
  }
}

async function sendOne(item) {
  let response;
  try {
    response = await call("/v1/requests", {
      method: "POST",
      headers: { "Idempotency-Key": item.key },
      body: JSON.stringify({ ...item.body, reference: item.reference }),
    });
  } catch {
    await store.put({ ...item, state: "queued" });
    backOff(null);
    return "later";
  }
  if (response.status === 201) {
    failures = 0;
    waitUntil = 0;
    await store.put({ ...item, state: "sent", sent_at: Date.now(), reason: null, fields: null });
    return "sent";
  }
  if (response.status === 401) {
    failures = 0; // the City answered: the network is fine, the pairing is not
    waitUntil = 0;
    await store.put({ ...item, state: "queued" });
    return "expired";
  }
  if (response.status >= 500 || RETRY.has(response.status)) {
    await store.put({ ...item, state: "queued" });
    backOff(response.headers.get("Retry-After"));
    return "later";
  }
  const error = (await response.json().catch(() => ({}))).error || {};
  const reason = error.message || `${response.status} ${response.statusText}`;
  // The code and fields let the app say the refusal in the agent's language (words.js).
  await store.put({ ...item, state: "attention", reason, code: error.code, fields: error.fields || {} });
  return "refused";
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
