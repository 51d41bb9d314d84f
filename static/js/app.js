// Small progressive enhancements. Every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Buttons marked data-confirm ask before an irreversible action.
  document.body.addEventListener("click", (event) => {
    const button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
    }
  });

  // Logging out clears what Keliling keeps on the phone: the routes (private codes and addresses) in
  // IndexedDB and Cache Storage, and the taps already sent. Taps not sent yet are money not yet recorded:
  // they stay, and the collector is asked first. Whatever goes wrong here, the logout itself goes ahead.
  const logout = document.querySelector("form[data-logout]");
  if (logout) {
    logout.addEventListener("submit", (event) => {
      event.preventDefault();
      forgetRoutes(logout.dataset.unsent || "").catch(() => true).then((go) => go && logout.submit());
    });
  }
});

// Opened without a version: the one keliling.js made. A phone that never opened Keliling has no database,
// and creating one here (with no stores) would stop keliling.js from creating its own: abort instead.
function openKeliling() {
  return new Promise((resolve) => {
    if (!window.indexedDB) return resolve(null);
    const request = indexedDB.open("jimpitan-keliling");
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

async function forgetRoutes(question) {
  const db = await openKeliling();
  if (db) {
    try {
      const names = ["taps", "routes"].filter((name) => db.objectStoreNames.contains(name));
      let taps = [];
      if (names.includes("taps")) {
        const read = db.transaction("taps").objectStore("taps").getAll();
        taps = await new Promise((resolve, reject) => { read.onsuccess = () => resolve(read.result); read.onerror = () => reject(read.error); });
      }
      const unsent = taps.filter((tap) => !tap.sent).length;
      if (unsent && !window.confirm(question.replace("{n}", unsent))) return false;
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
  if (window.caches) await caches.delete("keliling-routes");
  return true;
}
