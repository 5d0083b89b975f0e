/* The phone's store for work not yet sent: IndexedDB, so that a dead zone, a reload or a flat
   battery loses nothing; in memory where the browser refuses IndexedDB (private windows of some
   browsers), which keeps a page working while it stays open.

   `stores` names each object store and its key path: one field for whole items (`"uuid"`), or
   `[owner field, "seq"]` for the parts of an item (a patrol's positions, a report's photos), so
   that adding a part writes a few bytes instead of rewriting the whole item. */

// Resolves to a store; `persistent` is false when it only lives as long as the page.
export async function openStore(name, version, stores) {
  try {
    return indexedDbStore(await openDatabase(name, version, stores), stores);
  } catch (error) {
    return memoryStore(stores);
  }
}

function keyOf(keyPath, record) {
  return Array.isArray(keyPath) ? keyPath.map((field) => record[field]) : record[keyPath];
}

const partStores = (stores) => Object.keys(stores).filter((name) => Array.isArray(stores[name]));

function openDatabase(name, version, stores) {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name, version);
    request.onupgradeneeded = () => {
      for (const [storeName, keyPath] of Object.entries(stores)) {
        request.result.createObjectStore(storeName, { keyPath });
      }
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function indexedDbStore(db, stores) {
  // Resolves when the transaction commits, not when the request succeeds: only then is it on disk.
  function run(storeNames, mode, action) {
    return new Promise((resolve, reject) => {
      const transaction = db.transaction(storeNames, mode);
      const request = action(transaction);
      transaction.oncomplete = () => resolve(request ? request.result : undefined);
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error);
    });
  }
  // Arrays sort after numbers, so [owner, []] bounds every [owner, seq].
  const partsOf = (owner) => IDBKeyRange.bound([owner], [owner, []]);
  return {
    persistent: true,
    put: (name, record) => run(name, "readwrite", (tx) => tx.objectStore(name).put(record)),
    all: (name) => run(name, "readonly", (tx) => tx.objectStore(name).getAll()),
    partsOf: (name, owner) => run(name, "readonly", (tx) => tx.objectStore(name).getAll(partsOf(owner))),
    remove: (name, record) =>
      run(name, "readwrite", (tx) => tx.objectStore(name).delete(keyOf(stores[name], record))),
    // The item and its parts in one transaction: nothing is left half deleted.
    removeWithParts: (name, key) => {
      const parts = partStores(stores);
      return run([name, ...parts], "readwrite", (tx) => {
        tx.objectStore(name).delete(key);
        parts.forEach((part) => tx.objectStore(part).delete(partsOf(key)));
      });
    },
  };
}

// Also what tests run the outbox on.
export function memoryStore(stores) {
  const data = Object.fromEntries(Object.keys(stores).map((name) => [name, new Map()]));
  const id = (name, record) => JSON.stringify(keyOf(stores[name], record));
  const partsOf = (name, owner) =>
    [...data[name].values()]
      .map((record) => ({ record, key: keyOf(stores[name], record) }))
      .filter(({ key }) => key[0] === owner)
      .sort((a, b) => a.key[1] - b.key[1])
      .map(({ record }) => record);
  return {
    persistent: false,
    put: async (name, record) => void data[name].set(id(name, record), record),
    all: async (name) => [...data[name].values()],
    partsOf: async (name, owner) => partsOf(name, owner),
    remove: async (name, record) => void data[name].delete(id(name, record)),
    removeWithParts: async (name, key) => {
      data[name].delete(JSON.stringify(key));
      for (const part of partStores(stores)) {
        partsOf(part, key).forEach((record) => data[part].delete(id(part, record)));
      }
    },
  };
}
