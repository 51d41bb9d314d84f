// Keliling: one house at a time, one tap per house. Taps go to IndexedDB first and are sent when there is
// signal, so nothing is lost when the phone sleeps, reloads or loses signal. No framework, no build step.
(() => {
  "use strict";
  const root = document.getElementById("keliling");
  if (!root) return;
  const T = JSON.parse(root.dataset.strings);
  const $ = (name) => root.querySelector(`[data-k="${name}"]`);
  // One queue per kampung: on a deployment by path every kampung shares the phone's origin, and a tap queued for
  // one kampung must never be sent to another's sync address. A single-kampung install keeps the plain names.
  const SCOPE = root.dataset.swScope || "/";
  const SUFFIX = SCOPE === "/" ? "" : SCOPE;
  const DB_NAME = `jimpitan-keliling${SUFFIX}`;
  const UNSENT_KEY = `keliling-unsent${SUFFIX}`;
  const CHUNK = 200;
  const state = { houses: [], index: 0, taps: new Map(), syncing: false };
  // The page may come from the service worker's cache, made for another route: the address decides.
  const params = new URLSearchParams(location.search);
  const rt = params.get("rt") || root.dataset.rt || "";
  const evening = params.get("malam") || root.dataset.evening || root.dataset.today;
  const routeUrl = `${root.dataset.routeBase}${rt}/${evening}/`;

  // --- IndexedDB: "taps" (the queue, kept after sending as a log) and "routes" (for a reload offline).
  function openDb() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => {
        const db = request.result;
        const taps = db.createObjectStore("taps", { keyPath: "id" });
        taps.createIndex("sent", "sent");
        db.createObjectStore("routes", { keyPath: "key" });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  const dbPromise = openDb();
  async function store(name, mode, work) {
    const db = await dbPromise;
    return new Promise((resolve, reject) => {
      const tx = db.transaction(name, mode);
      const result = work(tx.objectStore(name));
      tx.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
      tx.onerror = () => reject(tx.error);
    });
  }
  const allTaps = () => store("taps", "readonly", (s) => s.getAll());

  // --- helpers
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    // Plain HTTP on a LAN has no randomUUID; getRandomValues is there everywhere.
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  function localIso(date) {
    // The phone's own clock to the millisecond (two taps on one house a second apart), with its offset: the server applies the evening rule (01:00 is the evening before).
    const pad = (n) => String(Math.abs(n)).padStart(2, "0");
    const off = -date.getTimezoneOffset();
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:` +
      `${pad(date.getMinutes())}:${pad(date.getSeconds())}.${String(date.getMilliseconds()).padStart(3, "0")}${off >= 0 ? "+" : "-"}${pad(Math.trunc(off / 60))}:${pad(off % 60)}`;
  }
  const rupiah = (n) => "Rp " + Number(n || 0).toLocaleString("id-ID");
  const label = (tap) => tap.covered ? (tap.covered === "ahead" ? T.paidAhead : T.caughtUp) :
    (state.labels[tap.state] || tap.state) + (tap.state === "kosong" ? "" : " " + rupiah(tap.amount));
  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  // --- the route
  async function loadRoute() {
    const key = `${rt}|${evening}`;
    try {
      const response = await fetch(routeUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok || !(response.headers.get("Content-Type") || "").includes("json")) throw new Error(String(response.status));
      const route = await response.json();
      await store("routes", "readwrite", (s) => s.put({ key, route }));
      return { route, fresh: !response.headers.get("X-Keliling-Cached") };
    } catch (error) {
      const saved = await store("routes", "readonly", (s) => s.get(key));
      if (saved) return { route: saved.route, fresh: false };
      throw error;
    }
  }

  function currentTap(house) {
    // An evening a catch-up already paid (paying ahead) is not asked at the door: it counts as done.
    if (house.covered) return { covered: house.covered, server: true };
    return state.taps.get(house.code) || (house.state ? { state: house.state, amount: house.amount, server: true } : null);
  }

  function render() {
    const house = state.houses[state.index];
    if (!house) return;
    $("progress").textContent = `${state.index + 1} / ${state.houses.length}`;
    $("address").textContent = house.address;
    $("usual").textContent = rupiah(house.usual);
    $("ada-amount").textContent = rupiah(house.usual);
    for (const button of document.querySelectorAll("[data-tap]")) button.disabled = Boolean(house.covered);
    const tap = currentTap(house);
    // A refused or conflicting tap says so by the house: what the server keeps is not what was tapped.
    const word = (t) => ({ refused: T.refused, conflict: T.conflict })[t.status] || (t.sent ? T.saved : T.savedHere);
    // An away house (mudik) is passed by: its empty container is not a Kosong.
    $("mark").textContent = tap ? `✓ ${label(tap)}` + (tap.server ? "" : ` · ${word(tap)}`) : (house.away || "");
    const list = $("list");
    list.replaceChildren(...state.houses.map((h, i) => {
      const li = document.createElement("li");
      const button = document.createElement("button");
      const t = currentTap(h);
      button.type = "button";
      button.className = "btn btn-sm " + (i === state.index ? "btn-light" : "btn-outline-secondary");
      button.textContent = `${h.number}. ${h.address}${t ? " · " + label(t) : h.away ? " · " + h.away : ""}`;
      button.dataset.index = String(i);
      li.append(button);
      return li;
    }));
  }

  // Stepping forward or back passes the away houses by; a house chosen directly (list, scan, number) is shown.
  function step(from, delta) {
    let index = from + delta;
    while (state.houses[index]?.away && !currentTap(state.houses[index])) index += delta;
    return state.houses[index] ? index : from + delta;
  }

  function go(index) {
    state.index = Math.max(0, Math.min(state.houses.length - 1, index));
    localStorage.setItem(`keliling-pos|${rt}|${evening}`, String(state.index));
    render();
  }

  async function tap(kind, amount) {
    const house = state.houses[state.index];
    if (!house) return;
    if (house.covered) return go(state.index + 1);
    const record = { id: uuid(), household: house.code, state: kind, amount: kind === "kosong" ? 0 : amount,
                     captured_at: localIso(new Date()), rt, evening, sent: 0 };
    // The evening the collector chose, when it is not the running one (a late correction); otherwise the
    // server takes the evening from the capture time.
    if (evening !== root.dataset.today) record.evening_chosen = evening;
    await store("taps", "readwrite", (s) => s.put(record));
    state.taps.set(house.code, record);
    if (navigator.vibrate) navigator.vibrate(30);
    const done = state.houses.every((h) => h.away || currentTap(h));
    $("message").textContent = done ? T.done : "";
    // The round is whole: the recap for the RT's WhatsApp group is the next thing to do.
    $("recap").classList.toggle("btn-success", done);
    $("recap").classList.toggle("btn-outline-light", !done);
    go(step(state.index, 1));
    updateBadge();
    sync();
  }

  // --- sending
  async function updateBadge() {
    const pending = (await allTaps()).filter((t) => !t.sent).length;
    const badge = $("pending");
    badge.textContent = T.pending.replace("%(n)s", pending);
    badge.classList.toggle("d-none", pending === 0);
    badge.dataset.count = String(pending);
    // Read by app.js at logout, which must decide at once: the logout then goes as a plain form post.
    localStorage.setItem(UNSENT_KEY, String(pending));
    if (!state.syncing) $("sync-state").textContent = pending ? (navigator.onLine ? "" : T.offline) : T.allSent;
    return pending;
  }

  async function sendChunk(chunk) {
    const records = chunk.map((t) => {
      const out = { id: t.id, household: t.household, state: t.state, amount: t.amount, captured_at: t.captured_at };
      if (t.evening_chosen) out.evening = t.evening_chosen;
      return out;
    });
    const response = await fetch(root.dataset.syncUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), Accept: "application/json" },
      body: JSON.stringify({ records }),
    });
    if (!(response.headers.get("Content-Type") || "").includes("json")) throw new Error("signin");
    if (!response.ok) throw new Error(response.status === 403 ? "signin" : String(response.status));
    const results = (await response.json()).results || [];
    const byId = new Map(chunk.map((t) => [t.id, t]));
    await store("taps", "readwrite", (s) => {
      for (const result of results) {
        const t = byId.get(result.id);
        if (!t) continue;
        Object.assign(t, { sent: 1, status: result.status, message: result.message });
        s.put(t);
        if (state.taps.get(t.household)?.id === t.id) state.taps.set(t.household, t);
      }
    });
    return results.filter((r) => r.status === "refused" || r.status === "conflict");
  }

  async function sync() {
    if (state.syncing || !navigator.onLine) return updateBadge();
    state.syncing = true;
    $("sync-state").textContent = T.syncing;
    let problems = [];
    try {
      // In the order they were made: the server applies a house's taps in capture order, ties in batch order.
      const pending = (await allTaps()).filter((t) => !t.sent).sort((a, b) => a.captured_at.localeCompare(b.captured_at));
      for (let i = 0; i < pending.length; i += CHUNK) problems = problems.concat(await sendChunk(pending.slice(i, i + CHUNK)));
      $("sync-state").textContent = "";
      if (problems.length) {
        $("message").textContent = problems.map((p) =>
          `${p.status === "refused" ? T.refused : T.conflict}: ${p.message}`).join(" · ");
      }
    } catch (error) {
      $("sync-state").textContent = error.message === "signin" ? T.signIn : T.offline;
    } finally {
      state.syncing = false;
      await updateBadge();
      render();
    }
  }

  function jump(text) {
    const wanted = text.trim().toLowerCase();
    if (!wanted) return;
    const index = state.houses.findIndex((h) => String(h.number) === wanted || h.code.toLowerCase() === wanted ||
      h.address.toLowerCase() === wanted);
    if (index < 0) { $("message").textContent = T.notFound; return; }
    $("message").textContent = "";
    go(index);
  }

  // --- Pindai: the sticker's QR holds the household page's address (…/h/<code>/); a bare code is read too.
  const scan = { stream: null, session: 0, reader: null, torch: false };
  // Browsers open the camera only on HTTPS (or localhost): say why the button does nothing elsewhere.
  const cameraWhy = () => (!window.isSecureContext ? T.scanInsecure
    : !(navigator.mediaDevices && navigator.mediaDevices.getUserMedia) ? T.scanUnsupported : "");

  function codeFromQr(text) {
    const value = (text || "").trim();
    try {
      const match = new URL(value).pathname.match(/\/h\/([A-Za-z0-9_-]+)\/?$/);
      return match ? match[1] : null;
    } catch (error) {
      return /^[A-Za-z0-9_-]{8,32}$/.test(value) ? value : null;
    }
  }

  async function nativeQr() {
    if (!("BarcodeDetector" in window)) return false;
    try { return (await window.BarcodeDetector.getSupportedFormats()).includes("qr_code"); } catch (error) { return false; }
  }

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = () => reject(new Error("scanner"));
      document.head.append(script);
    });
  }

  // The phone's own QR reader when it has one (Chrome on Android); else the library, fetched on the first
  // Pindai, with its WebAssembly decoder from this site: by default it would come from a CDN.
  async function qrReader() {
    if (scan.reader) return scan.reader;
    if (await nativeQr()) return (scan.reader = new window.BarcodeDetector({ formats: ["qr_code"] }));
    if (!window.BarcodeDetectionAPI) await loadScript(root.dataset.scannerScript);
    const api = window.BarcodeDetectionAPI;
    const locateFile = (path, prefix) => (path.endsWith(".wasm") ? root.dataset.scannerWasm : prefix + path);
    try {
      // Compiled now rather than at the first frame, so a decoder that cannot load (offline, not cached) says so.
      await api.prepareZXingModule({ overrides: { locateFile }, fireImmediately: true });
    } catch (error) {
      api.purgeZXingModule();
      throw error;
    }
    return (scan.reader = new api.BarcodeDetector({ formats: ["qr_code"] }));
  }

  function cameraError(error) {
    const name = error && error.name;
    if (name === "NotAllowedError" || name === "SecurityError") return T.scanDenied;
    if (name === "NotFoundError" || name === "OverconstrainedError") return T.scanNoCamera;
    return T.scanBusy;
  }

  function stopCamera() {
    scan.session += 1; // any read loop or pending camera request of the old session ends
    if (scan.stream) scan.stream.getTracks().forEach((track) => track.stop());
    scan.stream = null;
    scan.torch = false;
    $("scan-video").srcObject = null;
    $("torch").hidden = true;
  }

  function closeScan() {
    stopCamera();
    if ($("scan").open) $("scan").close();
  }

  function showTorch(track) {
    const capabilities = track && track.getCapabilities ? track.getCapabilities() : {};
    $("torch").hidden = !capabilities.torch;
    $("torch").setAttribute("aria-pressed", "false");
  }

  async function toggleTorch() {
    const track = scan.stream && scan.stream.getVideoTracks()[0];
    if (!track) return;
    try {
      await track.applyConstraints({ advanced: [{ torch: !scan.torch }] });
      scan.torch = !scan.torch;
    } catch (error) { /* the light stays as it was; the button says which */ }
    $("torch").setAttribute("aria-pressed", String(scan.torch));
  }

  function useQr(text) {
    const code = codeFromQr(text);
    const index = code === null ? -1 : state.houses.findIndex((h) => h.code === code);
    if (index < 0) {
      const why = code === null ? T.scanNotOurs : T.scanNotInRoute;
      if ($("scan-status").textContent !== why) $("scan-status").textContent = why; // said once, not every frame
      return false;
    }
    closeScan();
    if (navigator.vibrate) navigator.vibrate(30);
    $("message").textContent = "";
    go(index);
    return true;
  }

  async function readLoop(session, reader) {
    const video = $("scan-video");
    while (session === scan.session) {
      if (video.readyState >= 2) {
        const codes = await reader.detect(video).catch(() => []);
        if (session !== scan.session) return;
        if (codes.some((code) => useQr(code.rawValue))) return;
      }
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }

  async function openScan() {
    const session = ++scan.session;
    $("scan-status").textContent = T.scanOpening;
    $("scan").showModal();
    const reading = qrReader(); // fetched while the phone asks for the camera
    reading.catch(() => {});
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: "environment" } }, audio: false });
    } catch (error) {
      if (session === scan.session) $("scan-status").textContent = cameraError(error);
      return;
    }
    if (session !== scan.session) { stream.getTracks().forEach((track) => track.stop()); return; } // closed meanwhile
    scan.stream = stream;
    $("scan-video").srcObject = stream;
    $("scan-video").play().catch(() => {});
    showTorch(stream.getVideoTracks()[0]);
    let reader;
    try {
      reader = await reading;
    } catch (error) {
      if (session === scan.session) { stopCamera(); $("scan-status").textContent = T.scanNoDecoder; }
      return;
    }
    if (session !== scan.session) return;
    $("scan-status").textContent = T.scanAim;
    readLoop(session, reader);
  }

  function bindScan() {
    const why = cameraWhy();
    if (why) {
      $("scan-open").disabled = true;
      $("scan-note").textContent = why;
      $("scan-note").hidden = false;
      return;
    }
    $("scan-open").addEventListener("click", openScan);
    $("scan-close").addEventListener("click", closeScan);
    $("torch").addEventListener("click", toggleTorch);
    $("scan").addEventListener("close", stopCamera); // Esc or the phone's back gesture closes it too
    document.addEventListener("visibilitychange", () => { if (document.hidden) closeScan(); });
  }

  // Phones without a native QR reader keep the scanner for rounds without signal: the service worker fetches
  // it once, in the background, once the round is open (about 0.5 MB compressed).
  async function warmScanner() {
    if (cameraWhy() || !("serviceWorker" in navigator) || (await nativeQr())) return;
    const registration = await navigator.serviceWorker.ready;
    if (registration.active) registration.active.postMessage("cache-scanner");
  }

  function bind() {
    root.querySelectorAll("[data-tap]").forEach((button) => button.addEventListener("click", () => {
      tap(button.dataset.tap, state.houses[state.index]?.usual);
    }));
    $("other-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const input = document.getElementById("k-other");
      const amount = parseInt(input.value, 10);
      if (Number.isNaN(amount) || amount < 0) return;
      input.value = "";
      tap(amount === 0 ? "kosong" : "dibayar", amount);
    });
    $("back").addEventListener("click", () => go(step(state.index, -1)));
    $("skip").addEventListener("click", () => go(step(state.index, 1)));
    $("jump-form").addEventListener("submit", (event) => {
      event.preventDefault();
      jump(document.getElementById("k-jump").value);
    });
    $("list").addEventListener("click", (event) => {
      const button = event.target.closest("button[data-index]");
      if (button) go(Number(button.dataset.index));
    });
    bindScan();
    window.addEventListener("online", sync);
    window.addEventListener("offline", updateBadge);
    document.addEventListener("visibilitychange", () => { if (!document.hidden) sync(); });
    setInterval(sync, 20000);
  }

  async function start() {
    if ("serviceWorker" in navigator && root.dataset.swUrl) {
      navigator.serviceWorker.register(root.dataset.swUrl, { scope: SCOPE }).catch(() => {});
    }
    updateBadge();
    if (!rt) { sync(); return; }
    let route, fresh;
    try {
      ({ route, fresh } = await loadRoute());
    } catch (error) {
      $("message").textContent = T.loadFailed;
      return;
    }
    state.labels = route.states;
    state.houses = route.households;
    $("where").textContent = `${route.rt} · ${route.evening_label}`;
    const codes = new Set(state.houses.map((h) => h.code));
    for (const t of (await allTaps()).sort((a, b) => a.captured_at.localeCompare(b.captured_at))) {
      // A fresh route already holds what was sent (another phone's or the sheet's later value too); taps
      // not sent yet, or a route kept from before, are shown from the phone.
      const shown = !t.sent || (!fresh && t.status !== "refused" && t.status !== "conflict");
      if (t.rt === rt && t.evening === evening && codes.has(t.household) && shown) state.taps.set(t.household, t);
    }
    const saved = parseInt(localStorage.getItem(`keliling-pos|${rt}|${evening}`) || "", 10);
    const firstOpen = state.houses.findIndex((h) => !h.away && !currentTap(h));
    $("house").hidden = false;
    $("actions").hidden = false;
    $("recap").href = `${root.dataset.recapUrl}?malam=${evening}&rt=${rt}`;
    bind();
    go(Number.isNaN(saved) ? Math.max(firstOpen, 0) : saved);
    await sync();
    warmScanner().catch(() => {}); // after the route and the queue: those matter more on a slow link
  }
  start();
})();
