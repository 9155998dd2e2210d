// Intake's API as the app uses it: one origin, the device's credential on every call, and
// what the app needs offline (categories, today's visits, reference numbers) kept on the
// device whenever there is a network.
import * as store from "./outbox.js";
import { explain } from "./words.js";

const LEASE_LOW = 20;
const LEASE_SIZE = 50;

export async function call(path, options = {}) {
  const device = await store.get("device");
  const headers = { "Content-Type": "application/json", ...(options.headers || {}) };
  if (device) headers.Authorization = `Bearer ${device.token}`;
  return fetch(path, { ...options, headers });
}

// Exchanges the office's code for this device's credential. A device whose pairing expired
// names itself, so it stays the same device and the numbers it handed out stay valid.
export async function pair(code) {
  const before = await store.get("previous_device");
  const response = await fetch("/v1/devices", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ code: code.trim().toUpperCase(), device_id: before || null }),
  });
  const answer = await response.json().catch(() => ({}));
  if (response.status !== 201) return explain(answer.error || { message: response.statusText });
  if (before && before !== answer.device_id) await store.set("leases", []); // not ours now
  await store.set("device", answer);
  await store.set("previous_device", answer.device_id);
  return null;
}

// Signing out ends the device's credential on the City's side too, so a tablet left behind
// holds nothing that works. False when the City could not be reached: the credential still
// works until the office revokes the device, and the agent is told so.
export async function signOut() {
  const device = await store.get("device");
  if (!device) return true;
  try {
    const response = await call(`/v1/devices/${device.device_id}`, { method: "DELETE" });
    return [204, 401, 403].includes(response.status); // 401/403: it no longer works anyway
  } catch {
    return false;
  }
}

// The device's credential expired: keep its id for pairing again, drop the credential.
export async function forgetExpiredCredential() {
  await store.set("device", null);
}

// Keeps at least LEASE_LOW unused numbers on the device while there is a network.
export async function topUp() {
  const device = await store.get("device");
  const leases = (await store.get("leases")) || [];
  if (!device || leases.length >= LEASE_LOW) return;
  const response = await call(`/v1/devices/${device.device_id}/references`, {
    method: "POST",
    body: JSON.stringify({ count: LEASE_SIZE }),
  });
  if (response.status !== 201) return;
  const fresh = (await response.json()).references;
  await store.addLeases(fresh);
}

// The categories (names in three languages) and the list's version; the last list seen
// serves offline.
export async function categories() {
  try {
    const response = await fetch("/v1/categories?limit=100");
    if (response.ok) {
      await store.set("categories", {
        version: response.headers.get("Catalogue-Version") || "?",
        list: await response.json(),
      });
    }
  } catch {
    // offline: the cached list serves
  }
  return (await store.get("categories")) || { version: "?", list: [] };
}

// Today's visits of the Mobile Office (scheduled or moved), to preselect the one the agent
// is at; the last list seen serves offline.
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

// A request's public status and history; null offline, a message when it is refused.
export async function lookUp(reference) {
  let response;
  try {
    response = await call(`/v1/requests/${encodeURIComponent(reference)}`);
  } catch {
    return { offline: true };
  }
  const answer = await response.json().catch(() => ({}));
  if (response.ok) return { request: answer };
  return { refused: explain(answer.error || { message: response.statusText }) };
}

export function localDate(when = new Date()) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${when.getFullYear()}-${pad(when.getMonth() + 1)}-${pad(when.getDate())}`;
}
