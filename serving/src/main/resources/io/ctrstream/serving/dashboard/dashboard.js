// ctrstream dashboard: reads the JSON API of the server that serves this page.
// ?refresh=SECONDS sets the refresh interval (default 3); ?campaign=ID preselects the chart.
"use strict";

const params = new URLSearchParams(location.search);
const refreshMs = Math.max(1, Number(params.get("refresh") || 3)) * 1000;
const state = { selected: params.get("campaign"), filter: "", latest: [], previous: {}, chart: null, refreshes: 0 };

const $ = (id) => document.getElementById(id);
const pct = (f) => (100 * f).toFixed(2) + "%";
const utc = (ms) => new Date(ms).toISOString().replace(".000Z", "Z");
const shortUtc = (ms) => new Date(ms).toISOString().substring(11, 19);
const age = (ms) => ms < 60e3 ? (ms / 1e3).toFixed(1) + " s" : ms < 3600e3 ? Math.floor(ms / 60e3) + " min"
  : ms < 86400e3 ? (ms / 3600e3).toFixed(1) + " h" : (ms / 86400e3).toFixed(1) + " days";

async function getJson(path) {
  const res = await fetch(path, { cache: "no-store" });
  const body = await res.json();
  if (!res.ok) {
    throw new Error(body.message || res.status + " " + res.statusText);
  }
  return body;
}

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
  const rows = state.latest.filter((r) => r.campaign_id.includes(state.filter));
  for (const r of rows) {
    const p = state.previous[r.campaign_id];
    const tr = document.createElement("tr");
    tr.dataset.campaign = r.campaign_id;
    if (r.campaign_id === state.selected) tr.className = "selected";
    cell(tr, r.campaign_id);
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
    tr.addEventListener("click", () => select(r.campaign_id));
    tbody.appendChild(tr);
  }
  $("empty").hidden = rows.length > 0;
}

function renderSelect(campaigns) {
  const select = $("campaign");
  const shown = campaigns.filter((c) => c.includes(state.filter));
  if (!shown.includes(state.selected)) {
    // default: the campaign with the most impressions in its newest complete window
    const busiest = state.latest.filter((r) => shown.includes(r.campaign_id))
      .sort((a, b) => b.impressions - a.impressions || a.campaign_id.localeCompare(b.campaign_id))[0];
    state.selected = busiest ? busiest.campaign_id : shown[0] || null;
  }
  select.replaceChildren(...shown.map((c) => new Option(c, c, false, c === state.selected)));
}

function makeChart() {
  return new Chart($("chart"), {
    type: "line",
    data: {
      datasets: [
        { label: "complete windows", data: [], borderColor: "#0969da", borderWidth: 2, pointRadius: 4,
          pointBackgroundColor: [], pointBorderColor: "#0969da", tension: 0 },
        { label: "early panes (speculative)", data: [], borderColor: "#e3a008", borderDash: [6, 4], borderWidth: 2,
          pointStyle: "triangle", pointRadius: 6, pointBackgroundColor: "#e3a008", showLine: true },
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
        legend: { display: true },
        tooltip: {
          callbacks: {
            title: (items) => utc(items[0].raw.x),
            label: (item) => `${item.raw.timing}${item.raw.final ? " final" : ""}: ${pct(item.raw.y)} ` +
              `(${item.raw.clicks} clicks / ${item.raw.impressions} impressions)`,
          },
        },
      },
    },
  });
}

async function renderChart() {
  const canvas = $("chart");
  if (!state.selected) {
    canvas.dataset.points = "0";
    return;
  }
  const body = await getJson("/ctr/" + encodeURIComponent(state.selected) + "/windows?limit=120");
  const point = (w) => ({ x: w.window_start, y: w.ctr, timing: w.timing, final: w.final, clicks: w.clicks, impressions: w.impressions });
  const complete = body.results.filter((w) => w.timing !== "EARLY");
  const early = body.results.filter((w) => w.timing === "EARLY");
  state.chart = state.chart || makeChart();
  const [c, e] = state.chart.data.datasets;
  c.data = complete.map(point);
  c.pointBackgroundColor = complete.map((w) => (w.final ? "#0969da" : "#ffffff"));
  e.data = early.map(point);
  state.chart.update("none");
  $("chart-title").textContent = "CTR over time · campaign " + state.selected;
  canvas.dataset.campaign = state.selected;
  canvas.dataset.points = String(body.results.length);
  canvas.dataset.earlyPoints = String(early.length);
}

function select(campaign) {
  state.selected = campaign;
  refresh();
}

async function refresh() {
  try {
    const [health, latest, previous, campaigns] = await Promise.all([
      fetch("/health", { cache: "no-store" }).then((r) => r.json()),
      getJson("/ctr/latest"), getJson("/ctr/previous"), getJson("/campaigns"),
    ]);
    const status = $("status");
    status.className = "status " + (health.status === "ok" ? "ok" : "down");
    status.textContent = health.status === "ok"
      ? `Redis ${health.redis.host}:${health.redis.port} · ${health.campaigns} campaigns · newest result ` +
        (health.newest_result_age_ms === null ? "none yet" : age(health.newest_result_age_ms) + " ago")
      : "Redis unreachable";
    state.latest = latest.results;
    state.previous = Object.fromEntries(previous.results.map((r) => [r.campaign_id, r]));
    renderSelect(campaigns.campaigns);
    renderTable();
    await renderChart();
    $("error").hidden = true;
  } catch (err) {
    $("error").textContent = "Could not refresh: " + err.message;
    $("error").hidden = false;
    $("status").className = "status down";
  }
  state.refreshes += 1;
  document.body.dataset.refreshes = String(state.refreshes);
  $("refreshed").textContent = "refreshed " + new Date().toISOString().substring(11, 19) + " UTC, every " + refreshMs / 1000 + " s";
}

$("filter").addEventListener("input", (e) => { state.filter = e.target.value.trim(); refresh(); });
$("campaign").addEventListener("change", (e) => select(e.target.value));
refresh();
setInterval(refresh, refreshMs);
