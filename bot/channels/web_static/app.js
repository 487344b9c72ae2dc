// The local web chat page: a picker of demo people and one messenger-like panel per chat, each long-polling its own updates.
// Message text is only ever set with textContent (never innerHTML): it comes from people and from the bot.
"use strict";

(() => {
  const ROLES = {
    coordinator: ["统筹", "Coordinator"],
    grid_leader: ["网格长", "Grid leader"],
    grid_worker: ["网格员", "Grid worker"],
    dept_handler: ["部门", "Department"],
    resident: ["居民", "Resident"],
  };
  const GROUPS = [  // sidebar sections, by a person's most senior role
    { key: "coordinator", roles: ["coordinator"], zh: "社区统筹", en: "Coordinators" },
    { key: "grid", roles: ["grid_leader", "grid_worker"], zh: "网格", en: "Grid staff" },
    { key: "dept", roles: ["dept_handler"], zh: "部门", en: "Departments" },
    { key: "resident", roles: ["resident"], zh: "居民", en: "Residents" },
    { key: "other", roles: [], zh: "其他", en: "Others" },
  ];
  const DEMO_LOCATION = { lat: 39.90872, lon: 116.39748 };  // when the browser gives no position
  const STORE = "gridbot.web.panels.v1";
  const MAX_BACKOFF = 15000;
  const MAX_PANELS = 5;

  const $ = (sel, root = document) => root.querySelector(sel);
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  /** h("div", {class: "x", onclick: f}, "text", child) — text children become text nodes, never HTML. */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") el.className = v;
      else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else if (k in el && k !== "list") el[k] = v;
      else el.setAttribute(k, v);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }

  async function post(url, body) {
    const init = body instanceof FormData
      ? { method: "POST", body }
      : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
    const r = await fetch(url, init);
    if (!r.ok) throw new Error((await r.text().catch(() => "")) || `HTTP ${r.status}`);
    return r.json().catch(() => ({}));
  }

  function roleBadge(role) {
    const [zh, en] = ROLES[role] || [role, ""];
    return h("span", { class: `badge role-${role}`, title: en ? `${zh} / ${en}` : zh }, zh, en ? h("span", { class: "en" }, en) : null);
  }

  function initial(name) {
    const s = (name || "?").trim();
    return Array.from(s)[0] || "?";
  }

  function groupOf(person) {
    for (const g of GROUPS) if (g.roles.some((r) => person.roles.includes(r))) return g.key;
    return "other";
  }

  function safeUrl(u) {
    try {
      const url = new URL(u, location.href);
      return ["http:", "https:", "tg:", "mailto:", "tel:"].includes(url.protocol) ? url.href : null;
    } catch { return null; }
  }

  function photoSrc(p) {
    if (!p) return null;
    if (/^(\/files\/|\/static\/|https?:\/\/|data:image\/)/i.test(p)) return p;
    return "/files/" + encodeURIComponent(p);
  }

  // -- state -------------------------------------------------------------------
  const people = new Map();  // chat -> {chat, name, roles}
  const panels = new Map();  // chat -> Panel
  const panelsEl = $("#panels");

  function save() {
    const list = [...panels.values()].map((p) => ({ chat: p.chat, lang: p.lang, name: p.person.visitor ? p.person.name : undefined }));
    try { localStorage.setItem(STORE, JSON.stringify(list)); } catch { /* private mode: fine */ }
  }

  function updateEmpty() {
    $("#empty-state").hidden = panels.size > 0;
    for (const btn of document.querySelectorAll(".person")) btn.classList.toggle("open", panels.has(btn.dataset.chat));
  }

  function openPanel(person, lang) {
    const existing = panels.get(person.chat);
    if (existing) { existing.flash(); return existing; }
    if (panels.size >= MAX_PANELS) {
      // each panel holds one long poll open, and a browser allows six connections to one host
      const last = [...panels.values()].pop();
      last.toast(`最多同时打开 ${MAX_PANELS} 个聊天，请先关闭一个 / At most ${MAX_PANELS} chats at once — close one first`, true);
      return null;
    }
    const p = new Panel(person, lang || "zh");
    panels.set(person.chat, p);
    panelsEl.append(p.el);
    updateEmpty();
    save();
    p.el.scrollIntoView({ behavior: "smooth", inline: "end", block: "nearest" });
    return p;
  }

  function newVisitor() {
    const id = "visitor-" + Array.from(crypto.getRandomValues(new Uint8Array(3)), (b) => b.toString(16).padStart(2, "0")).join("");
    const p = openPanel({ chat: id, name: "新访客", roles: [], visitor: true }, "zh");
    if (!p) return;
    p.input.value = "/start";
    p.input.focus();
  }

  // -- one chat panel ------------------------------------------------------------
  class Panel {
    constructor(person, lang) {
      this.person = person;
      this.chat = person.chat;
      this.lang = lang === "en" ? "en" : "zh";
      this.since = 0;
      this.items = new Map();  // message id -> {version, el}
      this.menu = [];
      this.loaded = false;  // toasts from before the panel opened are history, not news
      this.closed = false;
      this.abort = new AbortController();

      this.el = $("#panel-template").content.firstElementChild.cloneNode(true);
      this.el.dataset.chat = this.chat;
      this.messages = $(".messages", this.el);
      this.toasts = $(".toasts", this.el);
      this.input = $("textarea", this.el);
      this.menuPop = $(".menu-pop", this.el);
      this.fileInput = $(".file", this.el);

      $(".avatar", this.el).textContent = person.visitor ? "访" : initial(person.name);
      $(".avatar", this.el).classList.add(`g-${person.visitor ? "visitor" : groupOf(person)}`);
      $(".name", this.el).textContent = person.name;
      $(".badges", this.el).append(...(person.visitor ? [h("span", { class: "badge role-visitor" }, "访客", h("span", { class: "en" }, "Visitor"))] : person.roles.map(roleBadge)));
      $(".chat-id", this.el).textContent = this.chat;

      for (const b of this.el.querySelectorAll(".lang button")) b.addEventListener("click", () => this.setLang(b.dataset.lang));
      this.setLang(this.lang);
      $(".close", this.el).addEventListener("click", () => this.close());
      $(".slash", this.el).addEventListener("click", () => this.toggleMenu());
      $(".attach", this.el).addEventListener("click", () => this.fileInput.click());
      this.fileInput.addEventListener("change", () => this.sendPhoto());
      $(".locate", this.el).addEventListener("click", () => this.shareLocation());
      $(".composer", this.el).addEventListener("submit", (e) => { e.preventDefault(); this.sendText(); });
      this.input.addEventListener("keydown", (e) => this.onKey(e));
      this.input.addEventListener("input", () => { this.autosize(); this.filterMenuFromInput(); });
      this.el.addEventListener("keydown", (e) => { if (e.key === "Escape") this.hideMenu(); });
      // a panel that was showing the newest message keeps showing it when it gets narrower (another panel opened)
      this.atBottom = true;
      this.messages.addEventListener("scroll", () => { this.atBottom = this.nearBottom(); }, { passive: true });
      new ResizeObserver(() => { if (this.atBottom) this.scrollDown(); }).observe(this.messages);
      this.poll();
    }

    setLang(lang) {
      this.lang = lang;
      for (const b of this.el.querySelectorAll(".lang button")) b.classList.toggle("on", b.dataset.lang === lang);
      save();
    }

    flash() {
      this.el.scrollIntoView({ behavior: "smooth", inline: "nearest", block: "nearest" });
      this.el.classList.remove("flash");
      void this.el.offsetWidth;  // restart the animation
      this.el.classList.add("flash");
      this.input.focus();
    }

    close() {
      this.closed = true;
      this.abort.abort();
      this.el.remove();
      panels.delete(this.chat);
      updateEmpty();
      save();
    }

    setOnline(ok) {
      this.el.classList.toggle("offline", !ok);
      $(".status", this.el).textContent = ok ? "" : "重新连接中… / Reconnecting…";
    }

    // Long poll: the server answers at once when something is newer than `since`, else after ~20 s with nothing.
    async poll() {
      let delay = 1000;
      while (!this.closed) {
        try {
          const q = new URLSearchParams({ chat: this.chat, since: String(this.since) });
          const r = await fetch(`/api/updates?${q}`, { signal: this.abort.signal, cache: "no-store" });
          if (!r.ok) throw new Error(`HTTP ${r.status}`);
          const data = await r.json();
          this.setOnline(true);
          delay = 1000;
          this.apply(data);
        } catch (e) {
          if (this.closed) return;
          this.setOnline(false);
          await sleep(delay + Math.random() * 300);
          delay = Math.min(delay * 2, MAX_BACKOFF);
        }
      }
    }

    apply(data) {
      const stick = this.nearBottom();
      for (const m of data.messages || []) {
        if (typeof m.version === "number" && m.version > this.since) this.since = m.version;
        if (m.toast) {
          if (this.loaded) this.toast(m.text);
          continue;
        }
        this.upsert(m);
      }
      this.setMenu(data.menu || []);
      for (const b of this.el.querySelectorAll(".kb button.busy")) b.classList.remove("busy");
      $(".placeholder", this.el).hidden = this.items.size > 0;
      if (stick || !this.loaded) this.scrollDown();
      this.loaded = true;
    }

    nearBottom() {
      const m = this.messages;
      return m.scrollHeight - m.scrollTop - m.clientHeight < 80;
    }

    scrollDown() {
      this.messages.scrollTop = this.messages.scrollHeight;
      this.atBottom = true;
    }

    upsert(m) {
      const known = this.items.get(m.id);
      if (known && known.version >= m.version) return;
      const el = this.renderMessage(m, Boolean(known));
      if (known) {
        known.el.replaceWith(el);  // edited in place: same spot, new content
      } else {
        // keep id order even if updates arrive out of order
        let after = null;
        for (const [id, it] of this.items) if (id > m.id && (!after || id < after.id)) after = { id, el: it.el };
        if (after) this.messages.insertBefore(el, after.el); else this.messages.append(el);
      }
      this.items.set(m.id, { version: m.version, el });
    }

    renderMessage(m, edited) {
      const row = h("div", { class: `msg ${m.mine ? "mine" : "bot"}${edited ? " edited" : ""}` });
      const block = h("div", { class: "block" });
      const bubble = h("div", { class: "bubble" });
      const src = photoSrc(m.photo);
      if (src) {
        const img = h("img", { class: "photo", src, alt: "照片 / Photo", loading: "lazy" });
        img.addEventListener("load", () => { if (this.nearBottom() || img.dataset.fresh) this.scrollDown(); });
        img.dataset.fresh = "1";
        setTimeout(() => delete img.dataset.fresh, 3000);
        img.addEventListener("click", () => window.open(src, "_blank", "noopener"));
        bubble.append(img);
      }
      if (m.text) bubble.append(h("div", { class: "text" }, m.text));
      if (edited) bubble.append(h("div", { class: "edited-mark", title: "已编辑 / Edited" }, "已编辑 · edited"));
      if (!src && !m.text) bubble.classList.add("empty");
      block.append(bubble);
      if (m.buttons && m.buttons.length) block.append(this.keyboard(m));
      row.append(block);
      return row;
    }

    keyboard(m) {
      const kb = h("div", { class: "kb" });
      for (const row of m.buttons) {
        const r = h("div", { class: "kb-row" });
        for (const b of row) {
          const url = b.url ? safeUrl(b.url) : null;
          const btn = h("button", { type: "button", class: url ? "url" : "", title: b.text }, b.text);
          if (url) {
            btn.append(h("span", { class: "ext", "aria-hidden": "true" }, "↗"));
            btn.addEventListener("click", () => window.open(url, "_blank", "noopener"));
          } else if (b.data) {
            btn.addEventListener("click", () => this.press(m.id, b.data, btn));
          } else {
            btn.disabled = true;
          }
          r.append(btn);
        }
        kb.append(r);
      }
      return kb;
    }

    async press(messageId, data, btn) {
      btn.classList.add("busy");
      setTimeout(() => btn.classList.remove("busy"), 5000);
      try {
        await post("/api/press", { chat: this.chat, message_id: messageId, data, lang: this.lang });
      } catch (e) {
        btn.classList.remove("busy");
        this.toast(`按钮没有发出去 / Press failed: ${e.message}`, true);
      }
    }

    toast(text, error = false) {
      const t = h("div", { class: `toast${error ? " error" : ""}`, role: "status" }, text);
      this.toasts.append(t);
      setTimeout(() => t.classList.add("gone"), 3500);
      setTimeout(() => t.remove(), 4000);
    }

    // -- composer --------------------------------------------------------------
    autosize() {
      const t = this.input;
      t.style.height = "auto";
      const want = t.scrollHeight + 2;  // + the borders (border-box)
      t.style.height = Math.max(36, Math.min(want, 140)) + "px";
      t.style.overflowY = want > 140 ? "auto" : "hidden";
    }

    onKey(e) {
      const pop = !this.menuPop.hidden;
      if (pop && (e.key === "ArrowDown" || e.key === "ArrowUp")) {
        e.preventDefault();
        this.moveMenu(e.key === "ArrowDown" ? 1 : -1);
        return;
      }
      // Enter sends; Shift+Enter is a new line; Enter that confirms an IME (Chinese input) candidate does nothing here.
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
        e.preventDefault();
        const active = pop && $(".menu-list li.active", this.menuPop);
        if (active) { active.click(); return; }
        this.sendText();
      }
    }

    async sendText() {
      const text = this.input.value;
      if (!text.trim()) return;
      this.input.value = "";
      this.autosize();
      this.hideMenu();
      try {
        await post("/api/send", { chat: this.chat, text, lang: this.lang });
      } catch (e) {
        this.input.value = text;  // lose nothing
        this.autosize();
        this.toast(`没有发出去 / Not sent: ${e.message}`, true);
      }
    }

    async sendPhoto() {
      const file = this.fileInput.files && this.fileInput.files[0];
      this.fileInput.value = "";
      if (!file) return;
      const caption = this.input.value.trim();
      const fd = new FormData();
      fd.append("chat", this.chat);
      fd.append("lang", this.lang);
      if (caption) fd.append("caption", caption);
      fd.append("file", file, file.name || "photo");
      try {
        await post("/api/photo", fd);
        this.input.value = "";
        this.autosize();
      } catch (e) {
        this.toast(`照片没有发出去 / Photo not sent: ${e.message}`, true);
      }
    }

    async shareLocation() {
      const real = await new Promise((resolve) => {
        if (!navigator.geolocation) { resolve(null); return; }
        const timer = setTimeout(() => resolve(null), 6000);  // a permission prompt nobody answers
        navigator.geolocation.getCurrentPosition(
          (p) => { clearTimeout(timer); resolve({ lat: p.coords.latitude, lon: p.coords.longitude }); },
          () => { clearTimeout(timer); resolve(null); },
          { timeout: 5000, maximumAge: 60000 });
      });
      const loc = real || DEMO_LOCATION;
      if (!real) this.toast("使用演示位置 / Using the demo location");
      try {
        await post("/api/location", { chat: this.chat, lat: loc.lat, lon: loc.lon, lang: this.lang });
      } catch (e) {
        this.toast(`位置没有发出去 / Location not sent: ${e.message}`, true);
      }
    }

    // -- "/" command menu ------------------------------------------------------------
    setMenu(menu) {
      const norm = menu.map(([c, d]) => [String(c).replace(/^\//, ""), String(d || "")]);
      if (JSON.stringify(norm) === JSON.stringify(this.menu)) return;
      this.menu = norm;
      if (!this.menuPop.hidden) this.renderMenu(this.menuFilter || "");
    }

    renderMenu(filter) {
      this.menuFilter = filter;
      const list = $(".menu-list", this.menuPop);
      list.replaceChildren();
      const items = this.menu.filter(([c]) => c.startsWith(filter));
      if (!items.length) {
        list.append(h("li", { class: "none" }, this.menu.length ? "没有匹配的命令 / No matching command" : "暂无命令 / No commands yet"));
        return 0;
      }
      items.forEach(([cmd, desc], i) => {
        const li = h("li", { class: i === 0 ? "active" : "", tabIndex: -1 },
          h("span", { class: "cmd" }, "/" + cmd), h("span", { class: "desc" }, desc));
        li.addEventListener("mousedown", (e) => e.preventDefault());  // keep the text box focused
        li.addEventListener("click", () => {
          this.input.value = "/" + cmd + " ";
          this.hideMenu();
          this.input.focus();
          this.autosize();
        });
        list.append(li);
      });
      return items.length;
    }

    moveMenu(step) {
      const lis = [...this.menuPop.querySelectorAll(".menu-list li:not(.none)")];
      if (!lis.length) return;
      let i = lis.findIndex((li) => li.classList.contains("active"));
      lis.forEach((li) => li.classList.remove("active"));
      i = (i + step + lis.length) % lis.length;
      lis[i].classList.add("active");
      lis[i].scrollIntoView({ block: "nearest" });
    }

    toggleMenu() {
      if (this.menuPop.hidden) { this.renderMenu(""); this.menuPop.hidden = false; } else this.hideMenu();
      this.input.focus();
    }

    hideMenu() { this.menuPop.hidden = true; }

    filterMenuFromInput() {
      const v = this.input.value;
      const m = /^\/(\w*)$/.exec(v);
      if (m) { this.renderMenu(m[1].toLowerCase()); this.menuPop.hidden = false; } else if (v) this.hideMenu();
    }
  }

  // -- people picker ----------------------------------------------------------------
  function renderPeople(list) {
    const nav = $("#people");
    nav.replaceChildren();
    const byGroup = new Map(GROUPS.map((g) => [g.key, []]));
    for (const p of list) byGroup.get(groupOf(p)).push(p);
    for (const g of GROUPS) {
      const members = byGroup.get(g.key);
      if (!members.length) continue;
      nav.append(h("h2", {}, g.zh, h("span", { class: "en" }, g.en)));
      for (const p of members) {
        nav.append(h("button", {
          type: "button", class: "person", title: `${p.name} (${p.chat})`,
          onclick: () => openPanel(p),
          "data-chat": p.chat,
        },
        h("span", { class: `avatar g-${g.key}`, "aria-hidden": "true" }, initial(p.name)),
        h("span", { class: "person-main" },
          h("span", { class: "person-name" }, p.name, h("span", { class: "chat" }, p.chat)),
          h("span", { class: "badges" }, p.roles.map(roleBadge)))));
      }
    }
    if (!list.length) nav.append(h("p", { class: "muted" }, "没有演示人员 / No demo people"));
  }

  async function loadPeople() {
    let delay = 1000;
    for (;;) {
      try {
        const r = await fetch("/api/people", { cache: "no-store" });
        if (!r.ok) throw new Error(`HTTP ${r.status}`);
        return await r.json();
      } catch {
        $("#people").replaceChildren(h("p", { class: "muted" }, "连接不上，稍后重试… / Can't reach the bot, retrying…"));
        await sleep(delay);
        delay = Math.min(delay * 2, MAX_BACKOFF);
      }
    }
  }

  async function main() {
    $("#new-visitor").addEventListener("click", newVisitor);
    const list = await loadPeople();
    for (const p of list) people.set(p.chat, { ...p, roles: p.roles || [] });
    renderPeople([...people.values()]);
    let saved = null;
    try { saved = JSON.parse(localStorage.getItem(STORE) || "null"); } catch { saved = null; }
    if (Array.isArray(saved)) {
      for (const s of saved) {
        if (!s || typeof s.chat !== "string" || !/^[A-Za-z0-9_-]{1,64}$/.test(s.chat)) continue;
        const p = people.get(s.chat) || { chat: s.chat, name: typeof s.name === "string" ? s.name : "新访客", roles: [], visitor: true };
        openPanel(p, s.lang);
      }
    } else {
      // first visit: a resident and a grid worker, to show a case travelling between them
      const all = [...people.values()];
      const resident = all.find((p) => p.roles.length === 1 && p.roles[0] === "resident");
      const worker = all.find((p) => p.roles.includes("grid_worker"));
      for (const p of [resident, worker]) if (p) openPanel(p);
    }
    updateEmpty();
  }

  main();
})();
