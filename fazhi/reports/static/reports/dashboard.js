// The leader's dashboard: charts from /reports/dashboard/data (served with the page; no inline script, for the CSP).
// Every chart element opens its records: a line point the records of its month, a pie slice or a bar the records of
// exactly its item (item_urls), a village's bar drills into that village, the "（本级）" bar opens the records kept on
// the node itself. Under each chart a data table gives
// the same links to keyboards and screen readers. For a whole year the previous year is fetched too: stat cards
// show the change on the year before, line charts draw last year dashed.
document.addEventListener("DOMContentLoaded", function () {
  const child = document.getElementById("d-child");
  if (child) {
    child.addEventListener("change", function () {
      if (this.value) { const f = this.form; f.node.value = this.value; f.submit(); }
    });
  }
});
document.addEventListener("DOMContentLoaded", function () {
  const box = document.getElementById("charts");
  if (!box) { return; }
  const pct = (v) => v == null ? "—" : (v * 100).toFixed(1) + "%";
  function esc(s) { return String(s).replace(/[&<>"]/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c])); }
  function drill(id) { const f = document.getElementById("period-form"); f.node.value = id; f.submit(); }
  function go(url) { if (url) { window.location.href = url; } }
  const narrow = () => box.clientWidth < 520;

  // "2023年3月" → the records URL narrowed to that month
  function monthUrl(url, label) {
    const m = /^(\d{4})年(\d{1,2})月$/.exec(label || "");
    if (!url || !m) { return url; }
    const y = +m[1], mo = +m[2];
    const last = new Date(y, mo, 0).getDate();
    const pad = (n) => String(n).padStart(2, "0");
    const u = new URL(url, window.location.origin);
    u.searchParams.set("start", `${y}-${pad(mo)}-01`);
    u.searchParams.set("end", `${y}-${pad(mo)}-${pad(last)}`);
    return u.pathname + u.search;
  }
  function previousYearUrl() {
    const u = new URL(box.dataset.url, window.location.origin);
    const picked = document.getElementById("d-year");
    const year = u.searchParams.get("year") || (!u.searchParams.get("start") && picked ? picked.value : "");
    if (!year || !/^\d{4}$/.test(year)) { return null; }
    u.searchParams.set("year", String(+year - 1));
    u.searchParams.delete("start"); u.searchParams.delete("end");
    return {url: u.pathname + u.search, year: +year - 1};
  }
  function change(now, before) {
    if (typeof now !== "number" || typeof before !== "number") { return ""; }
    if (before === 0) { return now === 0 ? "持平" : "上年为0"; }
    const r = (now - before) / before * 100;
    return (r > 0 ? "增长" : r < 0 ? "下降" : "持平") + (r ? Math.abs(r).toFixed(1) + "%" : "");
  }
  function byKey(data) {
    const out = {};
    (data && data.charts || []).forEach(c => c.series.forEach(s => { out[c.id + ":" + s.key] = s.value; }));
    return out;
  }
  // a pie slice or a bar: the records of exactly that item when the figure can narrow to it
  function itemUrl(s, item) { return (s.item_urls || {})[item] || s.records_url; }
  function fmt(s, v) { return s.kind === "rate" ? pct(v) : (v == null ? "—" : v + (s.unit || "")); }

  // The data behind a chart as a table with the same links as its elements.
  function dataTable(c) {
    let rows = [];
    if (c.type === "children") {
      rows = c.categories.map((cat, i) => [cat.own ? `<a href="${esc(c.series[0].records_url)}">${esc(cat.name)}</a>`
        : `<a href="?node=${cat.id}" data-drill="${cat.id}">${esc(cat.name)}</a>`]
        .concat(c.series.map(s => esc(fmt(s, (s.value || [])[i])))));
      return table(["村（社区）"].concat(c.series.map(s => s.label)), rows);
    }
    if (c.type === "stat" || c.type === "rates") {
      rows = c.series.map(s => [`<a href="${esc(s.records_url)}">${esc(s.label)}</a>`, esc(fmt(s, s.value))]);
      return table(["指标", "数值"], rows);
    }
    c.series.forEach(s => Object.entries(s.value || {}).forEach(([k, v]) => {
      const url = c.type === "line" ? monthUrl(s.records_url, k) : itemUrl(s, k);
      rows.push([`<a href="${esc(url)}">${esc(k)}</a>`].concat(c.series.length > 1 ? [esc(s.label)] : []).concat([esc(fmt(s, v))]));
    }));
    return table(["项目"].concat(c.series.length > 1 ? ["指标"] : []).concat(["数值"]), rows);
  }
  function table(head, rows) {
    if (!rows.length) { return ""; }
    return `<details class="chart-data"><summary>数据表</summary><div class="table-wrap"><table><thead><tr>${head.map(h => `<th scope="col">${esc(h)}</th>`).join("")}</tr></thead><tbody>` +
      rows.map(r => `<tr>${r.map(x => `<td>${x}</td>`).join("")}</tr>`).join("") + "</tbody></table></div></details>";
  }

  function render(data, before, beforeYear) {
    document.getElementById("crumbs").innerHTML = data.breadcrumbs.map(c => `<a href="?node=${c.id}">${esc(c.name)}</a>`).join(" › ");
    box.innerHTML = "";
    const prev = byKey(before);
    data.charts.forEach(function (c) {
      const card = document.createElement("section");
      card.className = "chart-card"; card.id = "chart-" + c.id;
      card.innerHTML = `<h2><span>${esc(c.title)}</span>${c.records_url ? `<a href="${esc(c.records_url)}">查看记录</a>` : ""}</h2><div class="chart"></div>`;
      box.appendChild(card);
      const el = card.querySelector(".chart");
      if (!c.series.length) { el.innerHTML = `<p class="muted">相关模块尚未提供指标（${c.missing.map(esc).join("、")}）。</p>`; return; }
      card.insertAdjacentHTML("beforeend", dataTable(c));
      if (c.type === "stat") {
        el.classList.add("stat-chart");
        el.innerHTML = '<div class="stat-row">' + c.series.map(function (s) {
          const old = prev[c.id + ":" + s.key];
          const yoy = before ? `<div class="yoy">${beforeYear}年 ${old ?? "—"}${old != null ? "，" + change(s.value, old) : ""}</div>` : "";
          return `<a class="stat" href="${esc(s.records_url)}"><div class="num">${s.value ?? "—"}</div><div class="label">${esc(s.label)}（${esc(s.unit)}）</div>${yoy}</a>`;
        }).join("") + "</div>";
        return;
      }
      const empty = c.series.every(s => s.value == null || (typeof s.value === "object" && !Array.isArray(s.value) && !Object.values(s.value).some(v => v)) || (Array.isArray(s.value) && !s.value.some(v => v)));
      if (empty) { el.innerHTML = '<p class="muted" style="padding-top:80px;text-align:center">本期间暂无记录。</p>'; return; }
      if (typeof echarts === "undefined") { el.textContent = "图表组件加载失败。"; return; }
      const chart = echarts.init(el, null, {renderer: "canvas"});
      const axisLabel = (n) => narrow() || n > 6 ? {interval: 0, rotate: 30, fontSize: 11, width: 80, overflow: "truncate"}
        : {interval: 0, width: 70, overflow: "break", fontSize: 12};
      let option;
      if (c.type === "rates") {
        option = {tooltip: {valueFormatter: pct}, grid: {left: 8, right: 56, top: 10, bottom: 10, containLabel: true},
          xAxis: {type: "value", max: 1, axisLabel: {formatter: v => (v * 100) + "%"}},
          yAxis: {type: "category", data: c.series.map(s => s.label), axisLabel: {width: narrow() ? 90 : 130, overflow: "break"}},
          series: [{type: "bar", data: c.series.map(s => s.value), label: {show: true, position: "right", formatter: p => pct(p.value)}}]};
        chart.on("click", p => go(c.series[p.dataIndex].records_url));
      } else if (c.type === "children") {
        option = {tooltip: {trigger: "axis"}, legend: {top: 0, type: "scroll"}, grid: {left: 8, right: 10, top: 30, bottom: 8, containLabel: true},
          xAxis: {type: "category", data: c.categories.map(x => x.name), axisLabel: axisLabel(c.categories.length)},
          yAxis: {type: "value", minInterval: 1}, series: c.series.map(s => ({name: s.label, type: "bar", data: s.value,
            label: {show: c.categories.length <= 8, position: "top"}}))};
        chart.on("click", function (p) {
          const cat = c.categories[p.dataIndex];
          if (cat.own) { go((c.series[p.seriesIndex] || c.series[0]).records_url); } else { drill(cat.id); }
        });
      } else {
        const dict = c.series[0].value || {};
        if (c.type === "pie") {
          option = {tooltip: {trigger: "item", formatter: "{b}：{c}（{d}%）"},
            series: [{type: "pie", radius: narrow() ? ["25%", "55%"] : ["30%", "62%"], avoidLabelOverlap: true,
              label: {formatter: "{b}\n{c}（{d}%）", fontSize: 12}, labelLine: {length: 8, length2: 6},
              data: Object.entries(dict).map(([k, v]) => ({name: k, value: v}))}]};
          chart.on("click", p => go(itemUrl(c.series[0], p.name)));
        } else if (c.type === "line") {
          const labels = Object.keys(Object.assign({}, ...c.series.map(s => s.value || {})));
          const month = (l) => { const m = /(\d{1,2})月$/.exec(l); return m ? +m[1] : null; };
          const series = c.series.map(s => ({name: s.label, type: "line", data: labels.map(l => (s.value || {})[l] ?? 0),
            label: {show: labels.length <= 12 && !narrow(), position: "top"}}));
          if (before) {
            c.series.forEach(function (s) {
              const old = prev[c.id + ":" + s.key] || {};
              const byMonth = {};
              Object.entries(old).forEach(([k, v]) => { byMonth[month(k)] = v; });
              if (Object.keys(byMonth).length) {
                series.push({name: `${s.label}（${beforeYear}年）`, type: "line", lineStyle: {type: "dashed"}, symbol: "none",
                  data: labels.map(l => byMonth[month(l)] ?? 0), silent: true});
              }
            });
          }
          option = {tooltip: {trigger: "axis"}, legend: {top: 0, type: "scroll"}, grid: {left: 8, right: 10, top: 34, bottom: 8, containLabel: true},
            xAxis: {type: "category", data: labels, axisLabel: axisLabel(labels.length)}, yAxis: {type: "value", minInterval: 1}, series: series};
          chart.on("click", function (p) {
            const s = c.series[p.seriesIndex];
            if (s) { go(monthUrl(s.records_url, labels[p.dataIndex])); }
          });
        } else {
          const keys = Object.keys(dict);
          option = {tooltip: {}, grid: {left: 8, right: 10, top: 20, bottom: 8, containLabel: true},
            xAxis: {type: "category", data: keys, axisLabel: axisLabel(keys.length)},
            yAxis: {type: "value", minInterval: 1}, series: [{type: "bar", data: Object.values(dict), label: {show: true, position: "top"}}]};
          chart.on("click", p => go(itemUrl(c.series[0], keys[p.dataIndex])));
        }
      }
      chart.on("finished", () => { el.dataset.drawn = "1"; });  // animation over: elements are where they stay
      chart.setOption(option);
      el.style.cursor = "pointer";
      window.addEventListener("resize", () => chart.resize());
    });
    box.querySelectorAll("[data-drill]").forEach(a => a.addEventListener("click", function (e) {
      e.preventDefault(); drill(this.dataset.drill);
    }));
    box.dataset.loaded = "1";
  }

  const get = (url) => fetch(url, {credentials: "same-origin"}).then(r => { if (!r.ok) { throw new Error(r.status); } return r.json(); });
  const previous = previousYearUrl();
  // one request after the other: two at once would race for the session row (SQLite locks it)
  get(box.dataset.url)
    .then(data => (previous ? get(previous.url).catch(() => null) : Promise.resolve(null)).then(before => [data, before]))
    .then(([data, before]) => render(data, before, previous && previous.year))
    .catch(function () { box.innerHTML = '<p class="error">数据加载失败，请刷新重试。</p>'; });
});
