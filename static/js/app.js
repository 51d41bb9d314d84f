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
      const asked = { now: false };
      let left = false;
      const leave = () => {
        if (!left) {
          left = true;
          logout.submit();
        }
      };
      // A slow or stuck IndexedDB (an old phone, another tab) must not keep anyone signed in: after a few
      // seconds the logout goes ahead, and the signed-out page clears what is left.
      const timer = setTimeout(() => asked.now || leave(), 4000);
      forgetRoutes(logout.dataset.unsent || "", asked)
        .catch(() => true)
        .then((go) => {
          clearTimeout(timer);
          if (go) leave();
        });
    });
  }
  // Signed out (logged out, or the session ran out): the routes are no one's to read any more. Unsent taps
  // stay without asking; they are sent once a collector signs in again.
  if (document.body.hasAttribute("data-signed-out")) {
    forgetRoutes("", { now: false }).catch(() => true);
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

// `asked.now` turns true while the collector is being asked about unsent taps (the logout then waits for
// the answer). With an empty question, unsent taps are kept without asking.
async function forgetRoutes(question, asked) {
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
      if (unsent && question) {
        asked.now = true;
        if (!window.confirm(question.replace("{n}", unsent))) return false;
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
  if (window.caches) await caches.delete("keliling-routes");
  return true;
}
