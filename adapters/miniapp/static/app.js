// The storyboard timeline: cards are blocks on a ruler from 0 to the board's duration. Everything the page
// shows comes from /app/api/ (the board is the chat's own draft); every call carries Telegram's init data.
"use strict";

const TEXTS = {
  en: {
    title: "Storyboard", hint: "Tap the ruler to add a card, drag a card to move it, tap it to edit.",
    aspect: "Aspect", tier: "Quality", duration: "Length", render: "Render", at: "At (s)",
    picture: "Picture (optional)", delete: "Delete", cancel: "Cancel", save: "Save",
    balance: (n) => `Balance: ${n} credits`, price: (n) => `Price: ${n} credits`, noPrice: "Add a card to see the price",
    newCard: (at) => `New card at ${at} s`, editCard: (at) => `Card at ${at} s`, placeholder: "What happens from here on",
    queued: (id) => `Queued as job ${id}. Watch the chat for progress.`, seconds: (n) => `${n} s`,
    unauthorized: "Open this page from the bot's “Open timeline” button.", network: "No connection. Try again.",
    picture_card: "picture",
  },
  zh: {
    title: "分镜", hint: "点击标尺添加卡片，拖动卡片移动，点击卡片编辑。",
    aspect: "画幅", tier: "清晰度", duration: "时长", render: "渲染", at: "位置（秒）",
    picture: "图片（可选）", delete: "删除", cancel: "取消", save: "保存",
    balance: (n) => `余额：${n} 积分`, price: (n) => `价格：${n} 积分`, noPrice: "添加卡片后显示价格",
    newCard: (at) => `在 ${at} 秒处新建卡片`, editCard: (at) => `${at} 秒处的卡片`, placeholder: "从这里开始发生什么",
    queued: (id) => `已排队（任务 ${id}），请在聊天中查看进度。`, seconds: (n) => `${n} 秒`,
    unauthorized: "请通过机器人的“打开时间线”按钮打开此页面。", network: "网络连接失败，请重试。",
    picture_card: "图片",
  },
};

const hashParams = new URLSearchParams(location.hash.slice(1));
const tg = () => (window.Telegram && window.Telegram.WebApp) || null;
const initData = () => (tg() && tg().initData) || hashParams.get("tgWebAppData") || "";
const state = { board: null, lang: "en", editing: null, busy: false };
const $ = (id) => document.getElementById(id);

function language() {
  try {
    const user = JSON.parse(new URLSearchParams(initData()).get("user") || "{}");
    return String(user.language_code || navigator.language || "en").toLowerCase().startsWith("zh") ? "zh" : "en";
  } catch (e) {
    return "en";
  }
}
const T = (key, ...args) => {
  const value = (TEXTS[state.lang] || TEXTS.en)[key];
  return typeof value === "function" ? value(...args) : value;
};

// Theme: telegram-web-app.js sets --tg-theme-* itself; without it the parameters still come in the URL hash.
function applyTheme(params) {
  for (const [key, value] of Object.entries(params || {})) {
    document.documentElement.style.setProperty(`--tg-theme-${key.replace(/_/g, "-")}`, value);
  }
}
function loadTelegramScript() {
  const script = document.createElement("script");
  script.src = "https://telegram.org/js/telegram-web-app.js";
  script.async = true;
  script.onload = () => {
    const app = tg();
    if (!app) return;
    app.ready();
    app.expand();
    applyTheme(app.themeParams);
    app.onEvent("themeChanged", () => applyTheme(app.themeParams));
  };
  script.onerror = () => {}; // outside Telegram (or offline) the page works from the URL hash alone
  document.head.appendChild(script);
}

async function api(method, path, body) {
  const headers = { Authorization: `tma ${initData()}` };
  const options = { method, headers };
  if (body instanceof FormData) options.body = body;
  else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(`api/${path}`, options);
  } catch (e) {
    throw new Error(T("network"));
  }
  const data = await response.json().catch(() => ({}));
  if (response.status === 401) throw new Error(T("unauthorized"));
  if (!response.ok) throw new Error(data.message || response.statusText);
  return data;
}

function say(text, error = false) {
  const status = $("status");
  status.textContent = text || "";
  status.className = error ? "error" : "";
}

async function act(call) {
  if (state.busy) return null;
  state.busy = true;
  say("");
  try {
    const result = await call();
    if (result && result.cards) draw(result);
    return result;
  } catch (e) {
    say(e.message, true);
    return null;
  } finally {
    state.busy = false;
  }
}

// -- drawing ---------------------------------------------------------------------------------------------------

function translate() {
  document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
  for (const node of document.querySelectorAll("[data-t]")) node.textContent = T(node.dataset.t);
  $("editor-text").placeholder = T("placeholder");
}

const fmt = (at) => (Math.round(at * 10) / 10).toString();

function draw(board) {
  state.board = board;
  const duration = board.duration_s;
  const ruler = $("ruler");
  ruler.innerHTML = "";
  const every = duration > 10 ? 5 : 1;
  for (let s = 0; s <= duration; s++) {
    const tick = document.createElement("div");
    tick.className = "tick" + (s % every === 0 ? " major" : "");
    tick.style.left = `${(s / duration) * 100}%`;
    if (s % every === 0) tick.innerHTML = `<span>${s}</span>`;
    ruler.appendChild(tick);
  }
  const track = $("track");
  track.innerHTML = "";
  const list = $("cards");
  list.innerHTML = "";
  board.cards.forEach((card, i) => {
    const end = i + 1 < board.cards.length ? board.cards[i + 1].at : duration;
    const block = document.createElement("div");
    block.className = "block";
    block.dataset.at = card.at;
    block.style.left = `${(card.at / duration) * 100}%`;
    block.style.width = `${Math.max(((end - card.at) / duration) * 100, 4)}%`;
    const label = document.createElement("b");
    label.textContent = T("seconds", fmt(card.at)) + (card.image ? ` · ${T("picture_card")}` : "");
    block.appendChild(label);
    block.appendChild(document.createTextNode(card.prompt));
    track.appendChild(block);
    makeDraggable(block, card);
    const item = document.createElement("li");
    item.innerHTML = `<b></b> `;
    item.firstChild.textContent = T("seconds", fmt(card.at));
    item.appendChild(document.createTextNode(card.prompt));
    list.appendChild(item);
  });
  segmented("aspect", board.options.aspects, board.aspect, (aspect) => ({ aspect }));
  segmented("resolution", board.options.resolutions, board.resolution, (resolution) => ({ resolution }));
  const select = $("duration");
  select.innerHTML = "";
  for (let s = board.options.min_duration_s; s <= board.options.max_duration_s; s++) {
    const option = new Option(T("seconds", s), String(s), false, s === duration);
    select.appendChild(option);
  }
  $("balance").textContent = T("balance", board.balance);
  $("price").textContent = board.price === null ? T("noPrice") : T("price", board.price);
  $("render").disabled = board.price === null;
}

function segmented(id, choices, current, body) {
  const box = $(id);
  box.innerHTML = "";
  for (const choice of choices) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = choice;
    button.dataset.value = choice;
    if (choice === current) button.className = "on";
    button.onclick = () => act(() => api("PUT", "board/shape", body(choice)));
    box.appendChild(button);
  }
}

// -- gestures --------------------------------------------------------------------------------------------------

function secondsAt(clientX) {
  const rect = $("track").getBoundingClientRect();
  const fraction = Math.min(Math.max((clientX - rect.left) / rect.width, 0), 1);
  const at = Math.round(fraction * state.board.duration_s * 2) / 2; // half-second steps under a finger
  return Math.min(at, state.board.duration_s - 0.5);
}

function makeDraggable(block, card) {
  block.addEventListener("pointerdown", (down) => {
    down.preventDefault();
    down.stopPropagation();
    block.setPointerCapture(down.pointerId);
    const startX = down.clientX;
    const startLeft = block.offsetLeft;
    let moved = false;
    const move = (event) => {
      if (Math.abs(event.clientX - startX) > 6) moved = true;
      if (!moved) return;
      block.classList.add("dragging");
      block.style.left = `${startLeft + event.clientX - startX}px`;
    };
    const up = (event) => {
      block.removeEventListener("pointermove", move);
      block.removeEventListener("pointerup", up);
      block.removeEventListener("pointercancel", up);
      block.classList.remove("dragging");
      if (!moved) return openEditor(card.at, card.prompt, true);
      const grabOffset = startX - $("track").getBoundingClientRect().left - startLeft;
      const to = secondsAt(event.clientX - grabOffset);
      if (to === card.at) return draw(state.board);
      act(() => api("PATCH", `board/cards/${card.at}`, { to })).then((result) => result || draw(state.board));
    };
    block.addEventListener("pointermove", move);
    block.addEventListener("pointerup", up);
    block.addEventListener("pointercancel", up);
  });
}

function addAt(event) {
  if (!state.board || event.target.closest(".block")) return;
  openEditor(secondsAt(event.clientX), "", false);
}

// -- the card editor -------------------------------------------------------------------------------------------

function openEditor(at, prompt, existing) {
  state.editing = { at, existing };
  $("editor-title").textContent = existing ? T("editCard", fmt(at)) : T("newCard", fmt(at));
  $("editor-at").value = fmt(at);
  $("editor-text").value = prompt;
  $("editor-image").value = "";
  $("editor-delete").hidden = !existing;
  $("editor").showModal();
  $("editor-text").focus();
}

async function saveEditor(event) {
  event.preventDefault();
  const { at, existing } = state.editing;
  const prompt = $("editor-text").value;
  const to = Number($("editor-at").value);
  const file = $("editor-image").files[0];
  $("editor").close();
  if (file) {
    const form = new FormData();
    form.append("at", String(to));
    form.append("prompt", prompt);
    form.append("image", file, file.name);
    if (existing && to !== at) await act(() => api("DELETE", `board/cards/${at}`));
    return act(() => api("POST", "board/image-cards", form));
  }
  if (!existing) return act(() => api("POST", "board/cards", { at: to, prompt }));
  return act(() => api("PATCH", `board/cards/${at}`, to === at ? { prompt } : { to, prompt }));
}

async function render() {
  const result = await act(() => api("POST", "board/render"));
  if (result) {
    say(T("queued", result.job_id));
    await act(() => api("GET", "board"));
    say(T("queued", result.job_id));
  }
}

// -- start -----------------------------------------------------------------------------------------------------

async function start() {
  applyTheme(JSON.parse(hashParams.get("tgWebAppThemeParams") || "{}"));
  loadTelegramScript();
  state.lang = language();
  translate();
  $("ruler").addEventListener("click", addAt);
  $("track").addEventListener("click", addAt);
  $("duration").addEventListener("change", (e) => act(() => api("PUT", "board/shape", { duration_s: Number(e.target.value) })));
  $("editor-form").addEventListener("submit", saveEditor);
  $("editor-cancel").addEventListener("click", () => $("editor").close());
  $("editor-delete").addEventListener("click", () => {
    $("editor").close();
    act(() => api("DELETE", `board/cards/${state.editing.at}`));
  });
  $("render").addEventListener("click", render);
  const me = await act(() => api("GET", "me"));
  if (me && me.language) {
    state.lang = me.language;
    translate();
  }
  await act(() => api("GET", "board"));
  document.body.dataset.ready = "1";
}

start();
