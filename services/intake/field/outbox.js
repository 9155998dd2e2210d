// The device's store (IndexedDB): pairing, leased numbers, every request (before it is sent).
const NAME = "mobile-office";

function open() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(NAME, 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore("kv");
      request.result.createObjectStore("outbox", { keyPath: "id" });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function done(transaction) {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error);
  });
}

function result(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

export async function get(key) {
  const db = await open();
  return result(db.transaction("kv").objectStore("kv").get(key));
}

// A read-write transaction on `stores`: resolves once `write`'s writes commit.
async function writing(stores, write) {
  const db = await open();
  const transaction = db.transaction(stores, "readwrite");
  write(transaction);
  return done(transaction);
}

export function set(key, value) {
  return writing("kv", (transaction) => transaction.objectStore("kv").put(value, key));
}

export async function all() {
  const db = await open();
  const items = await result(db.transaction("outbox").objectStore("outbox").getAll());
  return items.sort((a, b) => a.created - b.created);
}

export function put(item) {
  return writing("outbox", (transaction) => transaction.objectStore("outbox").put(item));
}

// The next number and its request in one transaction: never given twice, nor lost.
export async function queueWithNextNumber(makeItem) {
  const db = await open();
  const transaction = db.transaction(["kv", "outbox"], "readwrite");
  const kv = transaction.objectStore("kv");
  const leases = (await result(kv.get("leases"))) || [];
  if (!leases.length) {
    transaction.abort();
    return null;
  }
  const item = makeItem(leases.shift());
  kv.put(leases, "leases");
  transaction.objectStore("outbox").put(item);
  await done(transaction);
  return item;
}

// The item as `change` makes it from what is stored now (read and written in one transaction).
export const update = (id, change) => writing("outbox", async (transaction) => {
  const outbox = transaction.objectStore("outbox");
  const now = await result(outbox.get(id));
  if (now) outbox.put(change(now));
});

export function remove(id) {
  return writing("outbox", (transaction) => transaction.objectStore("outbox").delete(id));
}

// Added where the lease is read: one taken meanwhile stays taken.
// Only while `device` (its id) is still the one paired: a top-up answered after signing out
// must not give a signed-out device numbers.
export async function addLeases(fresh, device) {
  const db = await open();
  const transaction = db.transaction("kv", "readwrite");
  const kv = transaction.objectStore("kv");
  if ((await result(kv.get("device")))?.device_id !== device) return done(transaction);
  const now = (await result(kv.get("leases"))) || [];
  kv.put([...now, ...fresh.filter((reference) => !now.includes(reference))], "leases");
  return done(transaction);
}

// What is not yet with the City: the request, and each photo not yet sent.
export const unsent = (item) => (item.state !== "sent") + (item.photos || []).filter((p) => p.state !== "sent").length;

// Signing out: all leaves together, only with nothing unsent (false then): a number is a resident's.
// Only while still asked to ("Stay signed in" may have called it off since).
export const forgetEverything = () => writing(["kv", "outbox"], async (transaction) => {
  const outbox = transaction.objectStore("outbox");
  const kv = transaction.objectStore("kv");
  if (!(await result(kv.get("leaving")))) return transaction.abort();
  if ((await result(outbox.getAll())).some(unsent)) return transaction.abort();
  outbox.clear();
  kv.clear();
}).then(() => true, () => false);
