// LINE simulator chat page. The page asks the simulator to build and sign each webhook body, posts
// it to /line/webhook itself (as LINE would), and polls the simulator for what the bot delivered.
(function () {
  "use strict";

  const root = document.querySelector(".sim-layout");
  const $ = (id) => document.getElementById(id);
  const csrf = root.querySelector("input[name=csrfmiddlewaretoken]").value;
  const readJson = (id) => JSON.parse($(id).textContent);
  const POLL_MS = 700;
  const TIME = new Intl.DateTimeFormat("th-TH", { hour: "2-digit", minute: "2-digit", timeZone: "Asia/Bangkok" });
  const DAY = new Intl.DateTimeFormat("th-TH", { weekday: "short", day: "numeric", month: "short", year: "numeric", timeZone: "Asia/Bangkok" });

  const state = {
    userId: null,
    userName: "",
    lastId: 0,
    lastBubble: null, // {sender, message} of the newest bubble, for quick replies
    lastEvent: null, // webhookEventId of the last body sent, for redelivery
    blocked: false,
    richMenuId: undefined,
    pollTimer: null,
    lastDay: "",
    lastSender: "",
    generation: 0,
  };

  // Helpers ------------------------------------------------------------------------------------------

  const SVG_NS = "http://www.w3.org/2000/svg";
  const ICONS = {
    location: "M12 21s-6-6.1-6-11a6 6 0 0 1 12 0c0 4.9-6 11-6 11zm0-8.8a2.2 2.2 0 1 0 0-4.4 2.2 2.2 0 0 0 0 4.4z",
    camera: "M4 7h3l2-2h6l2 2h3v12H4zm8 9.5a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7z",
    cameraRoll: "M4 5h16v14H4zm2 12h12l-4-5-3 3.5-2-2z",
    uri: "M10 14l4-4M8 12l-2 2a3 3 0 0 0 4 4l2-2M16 12l2-2a3 3 0 0 0-4-4l-2 2",
  };
  function icon(name, className) {
    const svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    if (className) svg.setAttribute("class", className);
    const path = document.createElementNS(SVG_NS, "path");
    path.setAttribute("d", ICONS[name]);
    path.setAttribute("fill", name === "uri" ? "none" : "currentColor");
    path.setAttribute("fill-rule", "evenodd");
    if (name === "uri") { path.setAttribute("stroke", "currentColor"); path.setAttribute("stroke-width", "2"); }
    svg.append(path);
    return svg;
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  async function postJson(url, data) {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      credentials: "same-origin",
      body: JSON.stringify(data),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.error || `HTTP ${response.status}`);
    return body;
  }

  let toastTimer = null;
  function toast(text) {
    const node = $("toast");
    node.textContent = text;
    node.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { node.hidden = true; }, 2200);
  }

  function log(what, status, ok) {
    const item = el("li");
    item.append(el("span", ok ? "ok" : "bad", status), el("span", "what", what));
    item.title = what;
    $("sim-log").prepend(item);
    while ($("sim-log").children.length > 30) $("sim-log").lastChild.remove();
  }

  // Sending events -------------------------------------------------------------------------------

  async function deliverToWebhook(signed, label) {
    state.lastEvent = signed.webhookEventId;
    $("sim-redeliver").disabled = false;
    try {
      const response = await fetch(root.dataset.webhookUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Line-Signature": signed.signature },
        credentials: "omit",
        body: signed.body,
      });
      await response.text();
      log(label, `webhook ${response.status}`, response.ok);
    } catch (error) {
      log(label, "webhook ✗", false);
    }
  }

  async function sendEvent(action) {
    if (!state.userId) { toast("เลือกผู้ใช้ทดสอบก่อน"); return; }
    let signed;
    try {
      signed = await postJson(root.dataset.eventsUrl, { userId: state.userId, ...action });
    } catch (error) {
      toast(error.message);
      return;
    }
    poll(); // show the user's own bubble straight away
    const label = action.type === "text" ? `text “${action.text}”`
      : action.type === "postback" ? `postback ${action.data}` : action.type;
    await deliverToWebhook(signed, label);
    poll();
  }

  async function redeliver() {
    if (!state.lastEvent) return;
    try {
      const signed = await postJson(root.dataset.redeliverUrl, { userId: state.userId, webhookEventId: state.lastEvent });
      await deliverToWebhook(signed, `redelivery ${state.lastEvent.slice(-6)}`);
    } catch (error) {
      toast(error.message);
    }
  }

  // Actions (quick replies, rich menu areas, template buttons) ---------------------------------------

  function performAction(action) {
    if (!action) return;
    if (state.blocked) { toast("เลิกบล็อกก่อนจึงจะใช้งานได้"); return; }
    switch (action.type) {
      case "message":
        sendEvent({ type: "text", text: action.text });
        break;
      case "postback":
        sendEvent({ type: "postback", data: action.data, displayText: action.displayText || "" });
        break;
      case "location":
        openLocation();
        break;
      case "camera":
      case "cameraRoll":
        $("image-input").click();
        break;
      case "uri":
        if (action.uri.startsWith("tel:")) toast(`โทรออก: ${action.uri.slice(4)}`);
        else toast(`เปิดลิงก์: ${action.uri}`);
        break;
      default:
        toast(`การกระทำ “${action.type}” ยังไม่รองรับในเครื่องจำลอง`);
    }
  }

  function actionButton(action, className) {
    const button = el("button", className, action.label || action.displayText || action.text || action.type);
    button.type = "button";
    button.addEventListener("click", () => performAction(action));
    return button;
  }

  // Rendering bubbles --------------------------------------------------------------------------------

  function findActions(node, found) {
    if (Array.isArray(node)) node.forEach((item) => findActions(item, found));
    else if (node && typeof node === "object") {
      for (const [key, value] of Object.entries(node)) {
        if (key === "action" && value && value.type) found.push(value);
        else findActions(value, found);
      }
    }
    return found;
  }

  function templateCard(template, altText) {
    const card = el("div", `card ${template.type}`);
    if (template.thumbnailImageUrl) {
      const img = el("img");
      img.src = template.thumbnailImageUrl;
      img.alt = "";
      img.style.width = "100%";
      card.append(img);
    }
    if (template.title) card.append(el("div", "card-title", template.title));
    card.append(el("div", "card-text", template.text || altText || ""));
    const actions = el("div", "card-actions");
    (template.actions || []).forEach((a) => actions.append(actionButton(a)));
    card.append(actions);
    return card;
  }

  function botContent(message) {
    switch (message.type) {
      case "text":
      case "textV2":
        return el("div", "bubble", message.text);
      case "image": {
        const bubble = el("div", "bubble media");
        const img = el("img");
        img.src = message.previewImageUrl || message.originalContentUrl;
        img.alt = "รูปภาพ";
        bubble.append(img);
        return bubble;
      }
      case "sticker": {
        const bubble = el("div", "bubble sticker");
        bubble.append(el("div", "sticker-face", `สติกเกอร์\n${message.packageId}/${message.stickerId}`));
        return bubble;
      }
      case "location":
        return locationBubble(message);
      case "template": {
        const t = message.template || {};
        if (t.type === "carousel") {
          const row = el("div", "carousel");
          (t.columns || []).forEach((c) => row.append(templateCard({ ...c, type: "buttons" })));
          return row;
        }
        return templateCard(t, message.altText);
      }
      case "flex": {
        const card = el("div", "card flex");
        card.append(el("div", "flex-alt", "Flex Message"));
        card.append(el("div", "card-text", message.altText || ""));
        const actions = el("div", "card-actions");
        findActions(message.contents, []).forEach((a) => actions.append(actionButton(a)));
        if (actions.children.length) card.append(actions);
        return card;
      }
      default:
        return el("div", "bubble", `[${message.type}]`);
    }
  }

  function locationBubble(message) {
    const bubble = el("div", "bubble location");
    const pinMap = el("div", "pin-map");
    pinMap.append(icon("location"));
    bubble.append(pinMap);
    const text = el("div", "pin-text", message.title || "ตำแหน่ง");
    text.append(el("small", null, message.address || ""));
    text.append(el("small", null, `${Number(message.latitude).toFixed(5)}, ${Number(message.longitude).toFixed(5)}`));
    bubble.append(text);
    return bubble;
  }

  function userContent(item) {
    const message = item.message;
    if (message.type === "image") {
      const bubble = el("div", "bubble media");
      const img = el("img");
      img.src = item.contentUrl;
      img.alt = "รูปที่ส่ง";
      bubble.append(img);
      return bubble;
    }
    if (message.type === "location") return locationBubble(message);
    return el("div", "bubble", message.text || `[${message.type}]`);
  }

  function renderItem(item) {
    const list = $("chat-list");
    const when = new Date(item.at);
    const day = DAY.format(when);
    if (day !== state.lastDay) {
      const sep = el("li", "day");
      sep.append(el("span", null, day === DAY.format(new Date()) ? "วันนี้" : day));
      list.append(sep);
      state.lastDay = day;
      state.lastSender = "";
    }
    if (item.sender === "system") {
      const line = el("li", "system");
      line.append(el("span", null, item.message.text));
      list.append(line);
      state.lastSender = "system";
      return;
    }
    const row = el("li", `bubble-row ${item.sender}`);
    row.dataset.id = item.id;
    const meta = el("span", "meta");
    if (item.sender === "user") meta.append(el("div", null, "อ่านแล้ว"));
    meta.append(el("div", null, TIME.format(when)));
    if (item.sender === "bot") {
      if (state.lastSender === "bot") row.classList.add("continued");
      row.append(el("span", "avatar", "ESS"));
      const stack = el("div", "stack");
      stack.append(el("div", "name", "ESS Help Me"));
      stack.append(botContent(item.message));
      row.append(stack, meta);
    } else {
      row.append(meta, userContent(item));
    }
    list.append(row);
    state.lastSender = item.sender;
  }

  function renderQuickReplies() {
    const box = $("quick-replies");
    box.replaceChildren();
    const last = state.lastBubble;
    const items = last && last.sender === "bot" && last.message.quickReply ? last.message.quickReply.items || [] : [];
    items.forEach((item) => {
      const action = item.action || {};
      const chip = actionButton(action, "chip");
      if (ICONS[action.type]) chip.prepend(icon(action.type, "qicon"));
      chip.addEventListener("click", () => { box.hidden = true; });
      box.append(chip);
    });
    box.hidden = items.length === 0 || state.blocked;
  }

  function scrollToEnd() {
    const body = $("chat-body");
    body.scrollTop = body.scrollHeight;
  }

  // Polling -------------------------------------------------------------------------------------------

  let polling = false;
  async function poll() {
    if (!state.userId || polling) return;
    polling = true;
    const generation = state.generation;
    try {
      const url = root.dataset.messagesUrl.replace("USER_ID", state.userId) + `?after=${state.lastId}`;
      const response = await fetch(url, { credentials: "same-origin" });
      if (!response.ok || generation !== state.generation) return;
      const data = await response.json();
      if (generation !== state.generation) return;
      data.messages.forEach((item) => {
        renderItem(item);
        state.lastId = item.id;
        if (item.sender !== "system") state.lastBubble = item;
      });
      const typingChanged = $("chat-typing").hidden === data.loading;
      $("chat-typing").hidden = !data.loading;
      setBlocked(data.blocked);
      if (data.messages.length) renderQuickReplies();
      if (data.messages.length || typingChanged) scrollToEnd();
      if (data.richMenuId !== state.richMenuId) loadRichMenu();
      state.richMenuId = data.richMenuId;
    } catch (error) {
      /* the next poll tries again */
    } finally {
      polling = false;
    }
  }

  function startPolling() {
    clearInterval(state.pollTimer);
    state.pollTimer = setInterval(poll, POLL_MS);
    poll();
  }

  // Users ---------------------------------------------------------------------------------------------

  function setBlocked(blocked) {
    state.blocked = blocked;
    $("sim-block").textContent = blocked ? "เลิกบล็อก" : "บล็อก";
    $("blocked-bar").hidden = !blocked;
    $("composer-text").disabled = blocked;
    $("send-btn").disabled = blocked;
    if (blocked) $("quick-replies").hidden = true;
  }

  function selectUser(userId, name) {
    state.generation += 1;
    state.userId = userId || null;
    state.userName = name || "";
    state.lastId = 0;
    state.lastBubble = null;
    state.lastEvent = null;
    state.lastDay = "";
    state.lastSender = "";
    $("chat-list").replaceChildren();
    $("quick-replies").hidden = true;
    $("chat-typing").hidden = true;
    $("chat-empty").hidden = Boolean(userId);
    $("sim-block").disabled = !userId;
    $("sim-redeliver").disabled = true;
    $("sim-user-id").textContent = userId || "";
    $("sim-user-select").value = userId || "";
    if (userId) {
      localStorage.setItem("linesim.user", userId);
      const url = new URL(window.location);
      url.searchParams.set("user", userId);
      history.replaceState(null, "", url);
      startPolling();
    } else {
      clearInterval(state.pollTimer);
    }
  }

  async function createUser(event) {
    event.preventDefault();
    const name = $("sim-new-name").value.trim();
    if (!name) { toast("ใส่ชื่อที่แสดงก่อน"); return; }
    try {
      const user = await postJson(root.dataset.usersUrl, { displayName: name });
      const option = el("option", null, user.displayName);
      option.value = user.userId;
      option.dataset.name = user.displayName;
      $("sim-user-select").insertBefore(option, $("sim-user-select").options[1] || null);
      $("sim-new-name").value = "";
      selectUser(user.userId, user.displayName);
      await sendEvent({ type: "follow" }); // adding the account as a friend
    } catch (error) {
      toast(error.message);
    }
  }

  // Image and location --------------------------------------------------------------------------------

  function sendImage() {
    const file = $("image-input").files[0];
    $("image-input").value = "";
    if (!file) return;
    if (file.size > 10 * 1024 * 1024) { toast("รูปภาพต้องมีขนาดไม่เกิน 10 MB"); return; }
    const reader = new FileReader();
    reader.onload = () => sendEvent({ type: "image", dataUrl: reader.result });
    reader.readAsDataURL(file);
  }

  let map = null;
  let marker = null;
  function setPin(lat, lng, title, address) {
    $("loc-lat").value = Number(lat).toFixed(4);
    $("loc-lng").value = Number(lng).toFixed(4);
    if (title !== undefined) $("loc-title").value = title;
    if (address !== undefined) $("loc-address").value = address;
    if (map) {
      marker.setLatLng([lat, lng]);
      map.panTo([lat, lng]);
    }
  }

  function openLocation() {
    if (!state.userId) { toast("เลือกผู้ใช้ทดสอบก่อน"); return; }
    $("location-sheet").hidden = false;
    if (!map && window.L) {
      const tileUrl = readJson("sim-tile-url");
      const lat = Number($("loc-lat").value);
      const lng = Number($("loc-lng").value);
      map = L.map("location-map", { zoomControl: true, attributionControl: Boolean(tileUrl) }).setView([lat, lng], tileUrl ? 13 : 8);
      if (tileUrl) {
        L.tileLayer(tileUrl, { attribution: readJson("sim-tile-attribution"), maxZoom: 18 }).addTo(map);
      } else {
        // No tile server configured: a plain grid, with the preset places as landmarks.
        $("location-map").classList.add("plain");
        readJson("sim-presets").forEach((p) => {
          L.circleMarker([p.lat, p.lng], { radius: 5, color: "#0b2d5b", weight: 2, fillOpacity: 0.6 })
            .bindTooltip(p.title, { permanent: true, direction: "right", className: "preset-label" })
            .addTo(map);
        });
      }
      marker = L.marker([lat, lng], { draggable: true }).addTo(map);
      marker.on("dragend", () => {
        const p = marker.getLatLng();
        setPin(p.lat, p.lng, "ตำแหน่งที่ปักหมุด", "");
      });
      map.on("click", (e) => setPin(e.latlng.lat, e.latlng.lng, "ตำแหน่งที่ปักหมุด", ""));
    }
    if (map) setTimeout(() => map.invalidateSize(), 0);
  }

  function sendLocation() {
    const latitude = Number($("loc-lat").value);
    const longitude = Number($("loc-lng").value);
    if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) { toast("ละติจูด/ลองจิจูดไม่ถูกต้อง"); return; }
    $("location-sheet").hidden = true;
    sendEvent({
      type: "location",
      latitude,
      longitude,
      title: $("loc-title").value.trim() || "ตำแหน่งที่ปักหมุด",
      address: $("loc-address").value.trim() || `${latitude.toFixed(4)}, ${longitude.toFixed(4)}`,
    });
  }

  // Rich menu -----------------------------------------------------------------------------------------

  function renderRichMenu(menu) {
    const box = $("rich-menu");
    box.replaceChildren();
    const def = menu.definition;
    const { width, height } = def.size;
    box.classList.toggle("html", !menu.imageUrl);
    box.style.setProperty("--menu-ratio", `${width} / ${height}`);
    $("menu-bar-text").textContent = def.chatBarText || "เมนู";
    if (menu.imageUrl) {
      const img = el("img");
      img.src = menu.imageUrl;
      img.alt = def.name || "rich menu";
      box.append(img);
    }
    def.areas.forEach((area, index) => {
      const b = area.bounds;
      const action = area.action || {};
      const button = el("button", `area${index === 0 ? " primary" : ""}`);
      button.type = "button";
      const label = action.label || action.displayText || action.text || action.uri || "";
      if (menu.imageUrl) button.setAttribute("aria-label", label);
      else button.textContent = label;
      Object.assign(button.style, {
        left: `${(100 * b.x) / width}%`,
        top: `${(100 * b.y) / height}%`,
        width: `${(100 * b.width) / width}%`,
        height: `${(100 * b.height) / height}%`,
      });
      button.addEventListener("click", () => performAction(action));
      box.append(button);
    });
    setMenuOpen(def.selected !== false);
  }

  async function loadRichMenu() {
    try {
      const response = await fetch(root.dataset.richmenuUrl, { credentials: "same-origin" });
      if (response.ok) renderRichMenu(await response.json());
    } catch (error) {
      /* keep the current menu */
    }
  }

  function setMenuOpen(open) {
    $("rich-menu").hidden = !open;
    $("menu-toggle").setAttribute("aria-expanded", String(open));
  }

  function setKeyboard(keyboard) {
    $("composer").hidden = !keyboard;
    $("menu-bar").hidden = keyboard;
    if (keyboard) {
      $("rich-menu").hidden = true;
      $("composer-text").focus();
    } else {
      setMenuOpen(true);
    }
  }

  // Wiring --------------------------------------------------------------------------------------------

  $("sim-user-select").addEventListener("change", (e) => {
    const option = e.target.selectedOptions[0];
    selectUser(e.target.value, option ? option.dataset.name : "");
  });
  $("sim-new-user").addEventListener("submit", createUser);
  $("sim-block").addEventListener("click", () => sendEvent({ type: state.blocked ? "follow" : "unfollow" }));
  $("sim-unblock").addEventListener("click", () => sendEvent({ type: "follow" }));
  $("sim-redeliver").addEventListener("click", redeliver);
  $("composer").addEventListener("submit", (e) => {
    e.preventDefault();
    const text = $("composer-text").value;
    if (!text.trim()) return;
    $("composer-text").value = "";
    sendEvent({ type: "text", text });
  });
  $("camera-btn").addEventListener("click", () => $("image-input").click());
  $("image-input").addEventListener("change", sendImage);
  $("location-btn").addEventListener("click", openLocation);
  $("location-cancel").addEventListener("click", () => { $("location-sheet").hidden = true; });
  $("location-send").addEventListener("click", sendLocation);
  document.querySelectorAll(".presets .chip").forEach((chip) => {
    chip.addEventListener("click", () => setPin(Number(chip.dataset.lat), Number(chip.dataset.lng), chip.dataset.title, chip.dataset.address));
  });
  $("menu-toggle").addEventListener("click", () => setMenuOpen($("rich-menu").hidden));
  $("to-keyboard").addEventListener("click", () => setKeyboard(true));
  $("to-menu").addEventListener("click", () => setKeyboard(false));

  const clock = () => { $("phone-clock").textContent = TIME.format(new Date()); };
  clock();
  setInterval(clock, 30000);

  const menu = readJson("sim-menu");
  state.richMenuId = menu.richMenuId;
  renderRichMenu(menu);

  const wanted = new URLSearchParams(window.location.search).get("user") || localStorage.getItem("linesim.user");
  const option = wanted && document.querySelector(`#sim-user-select option[value="${CSS.escape(wanted)}"]`);
  if (option) selectUser(wanted, option.dataset.name);
})();
