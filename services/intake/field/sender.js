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
    failures = 0; // the City answered: the network is fine (with 401, the pairing is not)
    waitUntil = 0;
  }
  if (status === 201) {
    await store.put({ ...item, state: "sent", sent_at: Date.now(), reason: null, fields: null });
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
