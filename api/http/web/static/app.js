// The page keeps the API key in this tab's session and fetches server-rendered fragments with it.
"use strict";

const KEY = "handoff.key";
const $ = (id) => document.getElementById(id);

function key() { return sessionStorage.getItem(KEY); }

function asOf() { return $("as-of").value; }

function withAsOf(url) {
  return asOf() ? `${url}${url.includes("?") ? "&" : "?"}as_of=${asOf()}` : url;
}

async function call(method, url, body) {
  const headers = { Authorization: `Bearer ${key()}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 401) signOut((await response.json()).error.message);
  return response;
}

function errorBox(message) {
  const p = document.createElement("p");
  p.className = "error";
  p.textContent = message;
  return p.outerHTML;
}

async function fill(target, method, url, body) {
  target.setAttribute("aria-busy", "true");
  target.innerHTML = '<p class="loading">Loading…</p>';
  try {
    const response = await call(method, url, body);
    target.innerHTML = response.ok ? await response.text() : errorBox((await response.json()).error.message);
  } catch (error) {
    target.innerHTML = errorBox(`The server did not answer: ${error.message}`);
  }
  target.removeAttribute("aria-busy");
}

function loadPanels() {
  document.querySelectorAll("[data-load]").forEach((el) => fill(el, "GET", withAsOf(el.dataset.load)));
}

function signIn(value) {
  sessionStorage.setItem(KEY, value);
  $("key-form").hidden = true;
  $("signed-in").hidden = false;
  $("panels").hidden = false;
  $("key-message").hidden = true;
  loadPanels();
}

function signOut(message) {
  sessionStorage.removeItem(KEY);
  $("key-form").hidden = false;
  $("signed-in").hidden = true;
  $("panels").hidden = true;
  $("key-message").hidden = false;
  if (message) $("key-message").textContent = message;
}

async function openReport(event) {
  event.preventDefault();
  const tab = window.open("", "_blank");
  const response = await call("GET", withAsOf(event.currentTarget.getAttribute("href")));
  if (!response.ok) {
    tab.close();
    alert((await response.json()).error.message);
    return;
  }
  tab.location.href = URL.createObjectURL(await response.blob());
}

document.addEventListener("DOMContentLoaded", () => {
  $("as-of").value = new Date().toISOString().slice(0, 10);
  $("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    signIn($("key").value.trim());
    $("key").value = "";
  });
  $("forget").addEventListener("click", () => signOut());
  $("as-of").addEventListener("change", loadPanels);
  $("ask-form").addEventListener("submit", (event) => {
    event.preventDefault();
    fill($("answer"), "POST", "/ui/ask", { question: $("question").value, as_of: asOf() || null });
  });
  $("offboarding").addEventListener("click", (event) => {
    const button = event.target.closest("[data-generate]");
    if (button) fill($(button.dataset.target), "POST", withAsOf(button.dataset.generate));
  });
  document.querySelectorAll("[data-report]").forEach((a) => a.addEventListener("click", openReport));
  if (key()) signIn(key());
});
