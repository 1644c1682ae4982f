// ctrstream dashboard: reads the JSON API of the server that serves this page, and polls it.
// ?refresh=SECONDS sets the polling interval (default 3); ?dimension=NAME and ?key=ID (or ?campaign=ID)
// preselect the dimension and the charted key.
//
// Polling, not server-sent events: every answer is a read of Redis, which the job updates at its own
// pace (panes every few seconds), so a server push would only move the same polling into the server
// and hold a connection per viewer; plain GETs keep the server stateless and pass any proxy.
"use strict";

const params = new URLSearchParams(location.search);
const refreshMs = Math.max(1, Number(params.get("refresh") || 3)) * 1000;
const CAMPAIGN = "campaign";
const state = {
  dimension: params.get("dimension") || CAMPAIGN, selected: params.get("key") || params.get("campaign"),
  filter: "", latest: [], previous: {}, keys: [], trendKeys: [], alerts: [], chart: null, refreshes: 0,
};

const $ = (id) => document.getElementById(id);
const pct = (f) => (100 * f).toFixed(2) + "%";
const utc = (ms) => new Date(ms).toISOString().replace(".000Z", "Z");
const shortUtc = (ms) => new Date(ms).toISOString().substring(11, 19);
const age = (ms) => ms < 60e3 ? (ms / 1e3).toFixed(1) + " s" : ms < 3600e3 ? Math.floor(ms / 60e3) + " min"
  : ms < 86400e3 ? (ms / 3600e3).toFixed(1) + " h" : (ms / 86400e3).toFixed(1) + " days";
// ids sort naturally: 112 before 1092, c2 before c10
const natural = new Intl.Collator("en", { numeric: true }).compare;
// a result's key: campaign_id for campaigns, key for a breakdown's values
const keyOf = (r) => (r.campaign_id !== undefined ? r.campaign_id : r.key);
const series = () => "dimension=" + encodeURIComponent(state.dimension);

// The API token, when the server asks for one: kept for this browser tab's session only.
const TOKEN_KEY = "ctrstream.token";
class NeedsToken extends Error {}

async function getJson(path) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const headers = token ? { Authorization: "Bearer " + token } : {};
  const res = await fetch(path, { cache: "no-store", headers });
  const body = await res.json();
  if (res.status === 401) {
    sessionStorage.removeItem(TOKEN_KEY);
    throw new NeedsToken(token ? "that token is not valid" : "");
  }
  if (!res.ok) {
    throw new Error(body.message || res.status + " " + res.statusText);
  }
  return body;
}

function askForToken(message) {
  $("login").hidden = false;
  $("login-error").textContent = message;
  $("token").focus();
}

$("login").addEventListener("submit", (e) => {
  e.preventDefault();
  const token = $("token").value.trim();
  if (!token) return;
  sessionStorage.setItem(TOKEN_KEY, token);
  $("token").value = "";
  $("login").hidden = true;
  refresh();
});

function cell(row, text, cls) {
  const td = document.createElement("td");
  td.textContent = text;
  if (cls) td.className = cls;
  row.appendChild(td);
  return td;
}

function renderTable() {
  const tbody = $("latest").querySelector("tbody");
  tbody.replaceChildren();
  $("key-header").textContent = state.dimension;
  const rows = state.latest.filter((r) => keyOf(r).includes(state.filter)).sort((a, b) => natural(keyOf(a), keyOf(b)));
  for (const r of rows) {
    const key = keyOf(r);
    const p = state.previous[key];
    const tr = document.createElement("tr");
    tr.dataset.key = key;
    if (key === state.selected) tr.className = "selected";
    cell(tr, key);
    cell(tr, utc(r.window_start));
    cell(tr, r.impressions, "num");
    cell(tr, r.clicks, "num");
    cell(tr, pct(r.ctr), "num");
    cell(tr, r.timing + (r.final ? " (final)" : ""));
    cell(tr, p ? p.impressions : "", "num");
    cell(tr, p ? p.clicks : "", "num");
    cell(tr, p ? pct(p.ctr) : "", "num");
    if (p && p.ctr > 0) {
      const change = (r.ctr - p.ctr) / p.ctr;
      cell(tr, (change >= 0 ? "+" : "") + (100 * change).toFixed(1) + "%", "num " + (change >= 0 ? "up" : "down"));
    } else {
      cell(tr, "n/a", "num");
    }
    tr.addEventListener("click", () => select(key));
    tbody.appendChild(tr);
  }
  $("empty").hidden = rows.length > 0;
}

function renderDimensions(dimensions) {
  const names = dimensions.map((d) => d.dimension).sort((a, b) => (a === CAMPAIGN ? -1 : b === CAMPAIGN ? 1 : natural(a, b)));
  if (!names.includes(state.dimension)) state.dimension = CAMPAIGN;
  $("dimension").replaceChildren(...names.map((d) => new Option(d, d, false, d === state.dimension)));
  const current = dimensions.find((d) => d.dimension === state.dimension);
  state.keys = current ? [...current.keys].sort(natural) : [];
}

function renderKeys() {
  const shown = state.keys.filter((k) => k.includes(state.filter));
  if (!shown.includes(state.selected)) {
    // default: the key with the most impressions in its newest complete window
    const busiest = state.latest.filter((r) => shown.includes(keyOf(r)))
      .sort((a, b) => b.impressions - a.impressions || natural(keyOf(a), keyOf(b)))[0];
    state.selected = busiest ? keyOf(busiest) : shown[0] || null;
  }
  $("key").replaceChildren(...shown.map((k) => new Option(k, k, false, k === state.selected)));
}

function renderAlerts() {
  const tbody = $("alerts").querySelector("tbody");
  tbody.replaceChildren();
  for (const a of state.alerts) {
    const tr = document.createElement("tr");
    tr.className = "severity-" + a.severity.toLowerCase();
    cell(tr, utc(a.window_start));
    cell(tr, (a.dimension === CAMPAIGN ? "" : a.dimension + " ") + a.key);
    cell(tr, a.kind + " · " + a.severity + (a.status === "RAISED" ? "" : " · " + a.status));
    cell(tr, pct(a.baseline_ctr) + " → " + pct(a.ctr), "num");
    cell(tr, a.z.toFixed(2), "num");
    tr.addEventListener("click", () => { state.dimension = a.dimension; state.selected = a.key; refresh(); });
    tbody.appendChild(tr);
  }
  $("no-alerts").hidden = state.alerts.length > 0;
}

function makeChart() {
  return new Chart($("chart"), {
    type: "line",
    data: {
      datasets: [
        { label: "complete windows", data: [], borderColor: "#0969da", borderWidth: 2, pointRadius: 4,
          pointBackgroundColor: [], pointBorderColor: "#0969da", tension: 0 },
        { label: "open windows: nowcast (raw CTR on hover)", data: [], borderColor: "#e3a008", borderDash: [6, 4], borderWidth: 2,
          pointStyle: "triangle", pointRadius: 6, pointBackgroundColor: "#e3a008", showLine: true },
        { label: "trend", data: [], borderColor: "#8250df", borderWidth: 2, pointRadius: 0, tension: 0.3 },
        { label: "alerts", data: [], showLine: false, pointStyle: "rectRot", pointRadius: 9, borderWidth: 2,
          pointBackgroundColor: [], pointBorderColor: "#1d2733" },
        // the nowcast's 95 % interval: a band from its lower bounds (no legend) to its upper bounds
        { label: "", data: [], borderWidth: 0, pointRadius: 0, showLine: true, fill: false },
        { label: "nowcast 95 % interval", data: [], borderWidth: 0, pointRadius: 0, showLine: true,
          fill: "-1", backgroundColor: "rgba(227, 160, 8, 0.18)" },
      ],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: {
        x: { type: "linear", title: { display: true, text: "window start (UTC)" }, ticks: { callback: (v) => shortUtc(v) } },
        y: { beginAtZero: true, title: { display: true, text: "CTR" }, ticks: { callback: (v) => (100 * v).toFixed(1) + "%" } },
      },
      plugins: {
        legend: { display: true, labels: { filter: (l) => l.text !== "" } },
        tooltip: {
          filter: (item) => item.datasetIndex < 4,
          callbacks: {
            title: (items) => utc(items[0].raw.x),
            label: (item) => tooltip(item.raw),
          },
        },
      },
    },
  });
}

// One point's tooltip: an alert, an open window's nowcast with its raw CTR, or a window's CTR.
function tooltip(p) {
  if (p.alert) {
    return `${p.alert}: ${pct(p.before)} → ${pct(p.y)} (z ${p.z.toFixed(2)})`;
  }
  const counts = `(${p.clicks} clicks / ${p.impressions} impressions)`;
  if (p.timing === "EARLY" && p.lower != null) {
    return `EARLY nowcast ${pct(p.y)} (95 %: ${pct(p.lower)} to ${pct(p.upper)}, ${p.basis.toLowerCase()} click delays), ` +
      `raw ${pct(p.raw)} ${counts}, ${Math.round(100 * p.seen)}% of the expected clicks in`;
  }
  if (p.timing === "EARLY") {
    return `EARLY raw ${pct(p.raw)} ${counts}, no nowcast yet`;
  }
  return `${p.timing}${p.final ? " final" : ""}: ${pct(p.y)} ${counts}`;
}

async function renderChart() {
  const canvas = $("chart");
  canvas.dataset.dimension = state.dimension;
  if (!state.selected) {
    canvas.dataset.key = "";
    canvas.dataset.points = "0";
    return;
  }
  const key = encodeURIComponent(state.selected);
  const [body, trend] = await Promise.all([
    getJson("/keys/" + key + "/windows?limit=120&" + series()),
    state.dimension === CAMPAIGN && state.trendKeys.includes(state.selected)
      ? getJson("/keys/" + key + "/windows?limit=240&trend=true") : null,
  ]);
  const point = (w) => ({ x: w.window_start, y: w.ctr, timing: w.timing, final: w.final, clicks: w.clicks, impressions: w.impressions });
  // an open window is drawn at its nowcast (its raw CTR where there is none yet), the raw CTR on hover
  const open = (w) => ({ ...point(w), y: w.ctr_nowcast ?? w.ctr, raw: w.ctr, lower: w.ctr_nowcast_lower,
    upper: w.ctr_nowcast_upper, seen: w.clicks_seen_fraction, basis: w.nowcast_basis });
  const complete = body.results.filter((w) => w.timing !== "EARLY");
  const early = body.results.filter((w) => w.timing === "EARLY");
  const banded = early.filter((w) => w.ctr_nowcast_lower != null && w.ctr_nowcast_upper != null);
  // a trend window is drawn at the start of the fixed window it ends with
  const fixedLength = body.results.length ? body.results[0].window_end - body.results[0].window_start : 0;
  const first = body.results.length ? body.results[0].window_start : 0;
  const trendPoints = trend ? trend.results.map((w) => ({ ...point(w), x: w.window_end - fixedLength }))
    .filter((p) => p.x >= first) : [];
  const alerts = state.alerts.filter((a) => a.dimension === state.dimension && a.key === state.selected)
    .map((a) => ({ x: a.window_start, y: a.ctr, alert: a.kind + " " + a.severity, before: a.baseline_ctr, z: a.z, kind: a.kind }));
  state.chart = state.chart || makeChart();
  const [c, e, t, al, lower, upper] = state.chart.data.datasets;
  c.data = complete.map(point);
  c.pointBackgroundColor = complete.map((w) => (w.final ? "#0969da" : "#ffffff"));
  e.data = early.map(open);
  // the band spans each open window's length, so that one window's band is an area too
  const span = (w, y) => [{ x: w.window_start, y }, { x: w.window_end, y }];
  lower.data = banded.flatMap((w) => span(w, w.ctr_nowcast_lower));
  upper.data = banded.flatMap((w) => span(w, w.ctr_nowcast_upper));
  t.data = trendPoints;
  al.data = alerts;
  al.pointBackgroundColor = alerts.map((a) => (a.kind === "DROP" ? "#cf222e" : "#1a7f37"));
  state.chart.update("none");
  $("chart-title").textContent = "CTR over time · " + state.dimension + " " + state.selected;
  canvas.dataset.key = state.selected;
  canvas.dataset.campaign = state.dimension === CAMPAIGN ? state.selected : "";
  canvas.dataset.points = String(body.results.length);
  canvas.dataset.earlyPoints = String(early.length);
  canvas.dataset.trendPoints = String(trendPoints.length);
  canvas.dataset.alertPoints = String(alerts.length);
}

function select(key) {
  state.selected = key;
  refresh();
}

async function refresh() {
  if (!$("login").hidden && !sessionStorage.getItem(TOKEN_KEY)) {
    return; // waiting for the user's token
  }
  try {
    const [health, dimensions, trendDimensions, alerts] = await Promise.all([
      fetch("/health", { cache: "no-store" }).then((r) => r.json()),
      getJson("/dimensions"), getJson("/dimensions?trend=true"), getJson("/alerts?limit=50"),
    ]);
    const status = $("status");
    status.className = "status " + (health.status === "ok" ? "ok" : "down");
    status.textContent = health.status === "ok"
      ? `Redis ${health.redis.host}:${health.redis.port} · ${health.campaigns} campaigns · newest result ` +
        (health.newest_result_age_ms === null ? "none yet" : age(health.newest_result_age_ms) + " ago")
      : "Redis unreachable";
    renderDimensions(dimensions.dimensions);
    const trendCampaigns = trendDimensions.dimensions.find((d) => d.dimension === CAMPAIGN);
    state.trendKeys = trendCampaigns ? trendCampaigns.keys : [];
    state.alerts = alerts.alerts;
    const [latest, previous] = await Promise.all([getJson("/ctr/latest?" + series()), getJson("/ctr/previous?" + series())]);
    state.latest = latest.results;
    state.previous = Object.fromEntries(previous.results.map((r) => [keyOf(r), r]));
    renderKeys();
    renderTable();
    renderAlerts();
    await renderChart();
    $("error").hidden = true;
    $("login").hidden = true;
  } catch (err) {
    if (err instanceof NeedsToken) {
      askForToken(err.message);
    } else {
      $("error").textContent = "Could not refresh: " + err.message;
      $("error").hidden = false;
      $("status").className = "status down";
    }
  }
  state.refreshes += 1;
  document.body.dataset.refreshes = String(state.refreshes);
  $("refreshed").textContent = "refreshed " + new Date().toISOString().substring(11, 19) + " UTC, every " + refreshMs / 1000 + " s";
}

$("dimension").addEventListener("change", (e) => { state.dimension = e.target.value; state.selected = null; refresh(); });
$("filter").addEventListener("input", (e) => { state.filter = e.target.value.trim(); refresh(); });
$("key").addEventListener("change", (e) => select(e.target.value));
refresh();
setInterval(refresh, refreshMs);
