// Intake's API: the device's credential on every call; what offline needs kept when online.
import * as store from "./outbox.js";
import { explain, say } from "./words.js";

const LEASE_LOW = 20;
const LEASE_SIZE = 50;

export async function call(path, options = {}) {
  const device = await store.get("device");
  // A FormData body (a photo) sets its own multipart type.
  const headers = options.body instanceof FormData ? {} : { "Content-Type": "application/json" };
  if (device) headers.Authorization = `Bearer ${device.token}`;
  return fetch(path, { ...options, headers: { ...headers, ...options.headers } });
}

// A call that needs the network: its status and answer, or `offline`.
export async function online(path, options) {
  try {
    const response = await call(path, options);
    return { status: response.status, answer: await response.json().catch(() => ({})) };
  } catch {
    return { offline: true };
  }
}

// Why the City (or no network) refused a call, in the app's language.
export const refusal = (made) => (made.offline ? say("offline") : explain(made.answer.error || { message: `${made.status}` }));

// The office's code, or one the agent's own `token` makes (never kept), for a device credential.
// An expired device names itself: it stays the same device, its numbers valid.
export async function pair(code, token) {
  if (token) {
    const made = await online("/v1/pairing-codes", { method: "POST", headers: { Authorization: `Bearer ${token.trim()}` } });
    if (made.status !== 201) return refusal(made);
    code = made.answer.code;
  }
  const before = await store.get("previous_device");
  const body = JSON.stringify({ code: code.trim().toUpperCase(), device_id: before || null });
  const made = await online("/v1/devices", { method: "POST", body });
  if (made.status !== 201) return refusal(made);
  const answer = made.answer;
  // Not ours now.
  if (before && before !== answer.device_id) await store.set("leases", []);
  await store.set("device", answer);
  await store.set("previous_device", answer.device_id);
  return null;
}

// Ends the credential on the City's side too; false offline (it works until the office revokes it).
export async function signOut(device) {
  if (!device) return true;
  // Forgotten here already.
  const headers = { Authorization: `Bearer ${device.token}` };
  const made = await online(`/v1/devices/${device.device_id}`, { method: "DELETE", headers });
  // 401/403: it no longer works anyway.
  return [204, 401, 403].includes(made.status);
}

// Expired: the id is kept for pairing again.
export async function forgetExpiredCredential() {
  await store.set("device", null);
}

// At least LEASE_LOW unused numbers, while online; one top-up at a time (two at once, from
// pairing and a send, would both lease 50).
let toppingUp = null;
export const topUp = () => (toppingUp ??= topUpOnce().finally(() => { toppingUp = null; }));

async function topUpOnce() {
  const device = await store.get("device");
  const leases = (await store.get("leases")) || [];
  if (!device || leases.length >= LEASE_LOW) return;
  const body = JSON.stringify({ count: LEASE_SIZE });
  const made = await online(`/v1/devices/${device.device_id}/references`, { method: "POST", body });
  if (made.status === 201) await store.addLeases(made.answer.references, device.device_id);
}

// The categories, and the services (applications' questions and papers), each with the
// catalogue's version; the last seen serves offline.
async function kept(key, path) {
  try {
    const response = await fetch(path);
    if (response.ok) {
      await store.set(key, { version: response.headers.get("Catalogue-Version") || "?", list: await response.json() });
    }
  } catch {
    // offline
  }
  return (await store.get(key)) || { version: "?", list: [] };
}
export const categories = () => kept("categories", "/v1/categories?limit=100");
export const services = () => kept("services", "/v1/services?limit=200");

// Today's visits, to preselect the agent's; the last list serves offline.
export async function visitsToday() {
  const today = localDate();
  try {
    const response = await fetch(`/v1/visits?from=${today}&to=${today}&limit=100`);
    if (response.ok) await store.set("visits", { day: today, list: await response.json() });
  } catch {
    // offline
  }
  const known = await store.get("visits");
  if (!known || known.day !== today) return [];
  return known.list.filter((visit) => visit.status !== "cancelled");
}

// A request's public view; `offline`, or why it is refused.
export async function lookUp(reference) {
  const made = await online(`/v1/requests/${encodeURIComponent(reference)}`);
  if (made.status === 200) return { request: made.answer };
  return made.offline ? made : { refused: refusal(made) };
}

export function localDate(when = new Date()) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${when.getFullYear()}-${pad(when.getMonth() + 1)}-${pad(when.getDate())}`;
}
