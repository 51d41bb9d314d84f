// Small progressive enhancements. Every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Buttons marked data-confirm ask before an irreversible action.
  document.body.addEventListener("click", (event) => {
    const button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
    }
  });

  // Logging out: Keliling's routes (private codes and addresses) and the taps already sent are cleared by the
  // signed-out page that follows (below). Taps not sent yet are money not yet recorded: they stay on the phone,
  // and the collector is asked first. The question is decided at once, from the count keliling.js keeps, so the
  // logout stays a plain form post that nothing on the phone can hold up.
  const logout = document.querySelector("form[data-logout]");
  if (logout) {
    logout.addEventListener("submit", (event) => {
      // Every kampung's queue counts: on a deployment by path each keeps its own ("keliling-unsent/k/<slug>/").
      const unsent = Object.keys(localStorage)
        .filter((key) => key.startsWith("keliling-unsent"))
        .reduce((sum, key) => sum + (parseInt(localStorage.getItem(key) || "0", 10) || 0), 0);
      if (unsent > 0 && !window.confirm((logout.dataset.unsent || "").replace("{n}", unsent))) {
        event.preventDefault();
      }
    });
  }
  // Signed out (logged out, or the session ran out): the routes are no one's to read any more. Unsent taps
  // stay without asking; they are sent once a collector signs in again.
  if (document.body.hasAttribute("data-signed-out")) {
    forgetRoutes().catch(() => {});
  }
});

// Opened without a version: the one keliling.js made. A phone that never opened Keliling has no database,
// and creating one here (with no stores) would stop keliling.js from creating its own: abort instead.
function openKeliling(name) {
  return new Promise((resolve) => {
    if (!window.indexedDB) return resolve(null);
    const request = indexedDB.open(name);
    request.onupgradeneeded = () => request.transaction.abort();
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => resolve(null);
  });
}

function finished(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = tx.onabort = () => reject(tx.error);
  });
}

// Clears the routes and the taps already sent; keeps the taps not sent yet.
// Keliling's databases: one per kampung on a deployment by path ("jimpitan-keliling/k/<slug>/"). A browser that
// cannot list its databases has at most the single-kampung one to clear.
async function kelilingDatabases() {
  if (!window.indexedDB || !indexedDB.databases) return ["jimpitan-keliling"];
  const all = await indexedDB.databases();
  return all.map((db) => db.name).filter((name) => name && name.startsWith("jimpitan-keliling"));
}

async function forgetRoutes() {
  for (const name of await kelilingDatabases()) {
    await forgetRoutesIn(await openKeliling(name));
  }
  // Every kampung's routes: on a deployment by path each kampung's worker keeps its own ("keliling/k/<slug>/routes"),
  // and the session that ended was the deployment's.
  if (window.caches) {
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name.startsWith("keliling") && name.endsWith("routes")).map((name) => caches.delete(name)));
  }
}

async function forgetRoutesIn(db) {
  if (!db) return;
  try {
    const names = ["taps", "routes"].filter((name) => db.objectStoreNames.contains(name));
    let taps = [];
    if (names.includes("taps")) {
      const read = db.transaction("taps").objectStore("taps").getAll();
      taps = await new Promise((resolve, reject) => { read.onsuccess = () => resolve(read.result); read.onerror = () => reject(read.error); });
    }
    if (names.length) {
      const tx = db.transaction(names, "readwrite");
      if (names.includes("routes")) tx.objectStore("routes").clear();
      taps.filter((tap) => tap.sent).forEach((tap) => tx.objectStore("taps").delete(tap.id));
      await finished(tx);
    }
  } finally {
    db.close();
  }
}
