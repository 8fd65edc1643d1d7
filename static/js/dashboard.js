// ESS Dispatch officer dashboard: map + urgency list + case panel, kept live over a WebSocket.
// The WebSocket only carries hints: every hint (and every reconnect) reloads the snapshot, so
// nothing missed while disconnected stays missing.
(function () {
  "use strict";
  const root = document.querySelector(".dash");
  if (!root) return;
  const listEl = document.getElementById("cases");
  const countEl = document.getElementById("count");
  const emptyEl = document.getElementById("empty");
  const panelEl = document.getElementById("panel");
  const connEl = document.getElementById("conn");
  const caseUrl = (id) => root.dataset.caseUrl.replace("/0/", "/" + id + "/");
  const STATUS_COLOURS = { new: "#dc2626", accepted: "#d97706", en_route: "#2563eb", on_scene: "#7c3aed" };

  let cases = [];
  let loadedAt = Date.now();
  let selectedId = null;
  const known = new Set();
  let firstLoad = true;

  // Map ------------------------------------------------------------------------------------------
  const map = L.map("map", { zoomControl: true, attributionControl: false }).setView([13.75, 100.5], 6);
  if (root.dataset.tileUrl) L.tileLayer(root.dataset.tileUrl, { maxZoom: 19 }).addTo(map);
  // Markers are drawn on a canvas, which stays fast with thousands of them; new cases stay SVG so
  // that they can blink (a CSS animation).
  const canvas = L.canvas({ padding: 0.5 });
  const stationLayer = L.layerGroup().addTo(map);
  const caseLayer = L.layerGroup().addTo(map);
  let fitted = false;

  function drawMap(snapshot) {
    stationLayer.clearLayers();
    caseLayer.clearLayers();
    const points = [];
    snapshot.stations.forEach((s) => {
      L.circleMarker([s.latitude, s.longitude], { renderer: canvas, radius: 4, color: "#334155", weight: 1, fillOpacity: 0.6 })
        .bindTooltip(s.name_th).addTo(stationLayer);
      points.push([s.latitude, s.longitude]);
    });
    snapshot.cases.forEach((c) => {
      const m = L.circleMarker([c.latitude, c.longitude], {
        radius: c.status === "new" ? 11 : 8, color: "#fff", weight: 2,
        fillColor: STATUS_COLOURS[c.status] || "#6b7280", fillOpacity: 0.95,
        className: c.status === "new" ? "marker-new" : "",
        ...(c.status === "new" ? {} : { renderer: canvas }),
      }).bindTooltip(c.case_number + " · " + c.category_label).addTo(caseLayer);
      m.on("click", () => openCase(c.id));
      points.push([c.latitude, c.longitude]);
    });
    if (!fitted && points.length) {
      map.fitBounds(L.latLngBounds(points).pad(0.2), { maxZoom: 13 });
      fitted = true;
    }
  }

  // List -----------------------------------------------------------------------------------------
  function waitText(seconds) {
    const m = Math.floor(seconds / 60), s = seconds % 60;
    return m >= 60 ? Math.floor(m / 60) + " ชม. " + (m % 60) + " นาที" : m + ":" + String(s).padStart(2, "0");
  }

  function drawList() {
    listEl.replaceChildren();
    cases.forEach((c) => {
      const li = document.createElement("li");
      li.className = "case status-" + c.status + (c.status === "new" ? " unaccepted" : "") + (c.id === selectedId ? " selected" : "");
      li.dataset.id = c.id;
      li.dataset.waiting = c.waiting_seconds;
      // A new case shows how long it has waited for a station; others how long they have been open.
      li.dataset.waitLabel = c.status === "new" ? "รอ " : "เปิด ";
      li.setAttribute("data-testid", "case-" + c.case_number);
      li.tabIndex = 0;
      li.innerHTML =
        '<div class="row1"><strong class="num"></strong><span class="badge status-' + c.status + '"></span></div>' +
        '<div class="row2"><span class="cat"></span></div>' +
        '<div class="row3"><span class="station"></span><span class="wait" title="รอมาแล้ว"></span></div>';
      li.querySelector(".num").textContent = c.case_number;
      li.querySelector(".badge").textContent = c.status_label;
      li.querySelector(".cat").textContent = c.category_label;
      li.querySelector(".station").textContent = c.station_name + (c.message_state === "failed" || c.message_state === "blocked" ? " · ส่งข้อความไม่ถึงผู้แจ้ง" : "");
      li.addEventListener("click", () => openCase(c.id));
      li.addEventListener("keydown", (e) => { if (e.key === "Enter") openCase(c.id); });
      listEl.appendChild(li);
    });
    countEl.textContent = String(cases.length);
    emptyEl.hidden = cases.length > 0;
    tick();
  }

  // Once a second. Linear in the number of rows: each row carries its own waiting time (looking
  // the case up in `cases` for every row made this quadratic and froze a page of 10,000 cases).
  function tick() {
    const elapsed = Math.floor((Date.now() - loadedAt) / 1000);
    listEl.querySelectorAll("li").forEach((li) => {
      li.querySelector(".wait").textContent = li.dataset.waitLabel + waitText(Number(li.dataset.waiting) + elapsed);
    });
  }
  setInterval(tick, 1000);

  // Snapshot -------------------------------------------------------------------------------------
  let loading = null;
  async function loadSnapshot() {
    if (loading) return loading;
    loading = (async () => {
      try {
        const r = await fetch(root.dataset.snapshotUrl, { credentials: "same-origin", cache: "no-store" });
        if (r.status === 403 || r.redirected) { window.location.reload(); return; }
        const snapshot = await r.json();
        const fresh = snapshot.cases.filter((c) => c.status === "new" && !known.has(c.id));
        snapshot.cases.forEach((c) => known.add(c.id));
        cases = snapshot.cases;
        loadedAt = Date.now();
        drawList();
        drawMap(snapshot);
        if (!firstLoad && fresh.length) alertNew(fresh);
        firstLoad = false;
        if (selectedId && !cases.some((c) => c.id === selectedId)) refreshPanel();
      } finally {
        loading = null;
      }
    })();
    return loading;
  }

  // Alerts: sound, browser notification, highlight ---------------------------------------------
  const sound = new Audio(root.dataset.soundUrl);
  document.getElementById("enable-alerts").addEventListener("click", (e) => {
    sound.play().then(() => { sound.pause(); sound.currentTime = 0; }).catch(() => {});
    if ("Notification" in window && Notification.permission === "default") Notification.requestPermission();
    e.target.textContent = "เปิดการแจ้งเตือนแล้ว";
  });

  function alertNew(fresh) {
    sound.currentTime = 0;
    sound.play().catch(() => {});
    document.title = "(" + fresh.length + ") เรื่องใหม่ · ESS Dispatch";
    if ("Notification" in window && Notification.permission === "granted") {
      fresh.forEach((c) => {
        const n = new Notification("เรื่องใหม่ " + c.case_number, { body: c.category_label, tag: c.case_number, requireInteraction: true });
        n.onclick = () => { window.focus(); openCase(c.id); };
      });
    }
  }

  // Case panel -----------------------------------------------------------------------------------
  async function openCase(id) {
    selectedId = id;
    document.title = "ESS Dispatch";
    listEl.querySelectorAll("li").forEach((li) => li.classList.toggle("selected", li.dataset.id === String(id)));
    await refreshPanel({ keepError: false });
    const c = cases.find((x) => x.id === id);
    if (c) map.panTo([c.latitude, c.longitude]);
  }

  // A live refresh redraws the open panel, but an error the officer was just shown (say, another
  // officer accepted the case first) stays until they act again or open another case: the
  // broadcast of the very change that caused it would otherwise wipe it away at once.
  let panelSeq = 0;
  async function refreshPanel({ keepError = true } = {}) {
    if (!selectedId) return;
    const id = selectedId;
    const seq = ++panelSeq;
    const r = await fetch(caseUrl(id), { credentials: "same-origin", cache: "no-store" });
    const html = await r.text();
    // A newer refresh, or another case opened meanwhile, wins over this answer.
    if (seq !== panelSeq || id !== selectedId) return;
    if (r.status === 404) {
      panelEl.innerHTML = '<p class="muted">เรื่องนี้ไม่อยู่ในความรับผิดชอบของคุณแล้ว</p>';
      selectedId = null;
      return;
    }
    const shown = panelEl.querySelector(".case-panel");
    const same = Boolean(shown) && shown.dataset.incidentId === String(id);
    const error = keepError && same ? shown.querySelector("[data-testid=case-error]") : null;
    const editing = same ? panelState() : null;
    panelEl.innerHTML = html;
    const head = panelEl.querySelector(".case-head");
    if (error && head && !panelEl.querySelector("[data-testid=case-error]")) head.after(error);
    if (editing) restorePanelState(editing);
  }

  // What the officer is in the middle of in the panel (an open close/transfer form, a half-typed
  // note), so that a live refresh of the same case does not throw it away.
  function panelState() {
    const open = [...panelEl.querySelectorAll("details[open]")].map((d) => d.className);
    const values = [];
    panelEl.querySelectorAll("form[data-panel-form]").forEach((form) => {
      form.querySelectorAll("input:not([type=hidden]), textarea, select").forEach((field) => {
        if (field.name && field.value) values.push([form.getAttribute("action"), field.name, field.value]);
      });
    });
    const active = document.activeElement;
    const focus = active && active.form && panelEl.contains(active) && active.name
      ? [active.form.getAttribute("action"), active.name] : null;
    return { open, values, focus };
  }

  function panelField(action, name) {
    return panelEl.querySelector(`form[action="${CSS.escape(action)}"] [name="${CSS.escape(name)}"]`);
  }

  function restorePanelState(state) {
    panelEl.querySelectorAll("details").forEach((d) => { if (state.open.includes(d.className)) d.open = true; });
    state.values.forEach(([action, name, value]) => {
      const field = panelField(action, name);
      if (field) field.value = value;
    });
    const focused = state.focus && panelField(...state.focus);
    if (focused) focused.focus();
  }

  EssCasePanel.bind(panelEl, {
    // The answer to the officer's own action is the newest view of the panel.
    answered: () => { panelSeq += 1; },
    done: () => loadSnapshot(),
  });

  // WebSocket with reconnect and backoff ----------------------------------------------------------
  let delay = 1000;
  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    const ws = new WebSocket(scheme + location.host + root.dataset.wsPath);
    ws.onopen = () => {
      delay = 1000;
      connEl.textContent = "เชื่อมต่อแล้ว";
      connEl.className = "conn ok";
      loadSnapshot();
    };
    ws.onmessage = (m) => {
      const data = JSON.parse(m.data);
      if (data.type !== "incident") return;
      loadSnapshot();
      if (data.incident_id === selectedId) refreshPanel();
    };
    ws.onclose = (e) => {
      connEl.textContent = "ขาดการเชื่อมต่อ กำลังลองใหม่…";
      connEl.className = "conn down";
      if (e.code === 4403) { window.location.reload(); return; }
      setTimeout(connect, delay + Math.random() * 500);
      delay = Math.min(delay * 2, 30000);
    };
  }
  loadSnapshot();
  connect();
  // A slow safety net in case a hint was dropped by the channel layer.
  setInterval(loadSnapshot, 30000);
})();
