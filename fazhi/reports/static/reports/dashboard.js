// The leader's dashboard: charts from /reports/dashboard/data (served with the page; no inline script, for the CSP).
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
  const pct = (v) => v == null ? "—" : (v * 100).toFixed(1) + "%";
  function esc(s) { return String(s).replace(/[&<>"]/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c])); }
  function drill(id) { const f = document.getElementById("period-form"); f.node.value = id; f.submit(); }
  fetch(box.dataset.url, {credentials: "same-origin"}).then(r => r.json()).then(function (data) {
    document.getElementById("crumbs").innerHTML = data.breadcrumbs.map(c => `<a href="?node=${c.id}">${esc(c.name)}</a>`).join(" › ");
    box.innerHTML = "";
    data.charts.forEach(function (c) {
      const card = document.createElement("section");
      card.className = "chart-card"; card.id = "chart-" + c.id;
      card.innerHTML = `<h2><span>${esc(c.title)}</span>${c.records_url ? `<a href="${esc(c.records_url)}">查看记录</a>` : ""}</h2><div class="chart"></div>`;
      box.appendChild(card);
      const el = card.querySelector(".chart");
      if (!c.series.length) { el.innerHTML = `<p class="muted">相关模块尚未提供指标（${c.missing.map(esc).join("、")}）。</p>`; return; }
      if (c.type === "stat") {
        el.innerHTML = '<div class="stat-row">' + c.series.map(s => `<a class="stat" href="${esc(s.records_url)}"><div class="num">${s.value ?? "—"}</div><div class="label">${esc(s.label)}（${esc(s.unit)}）</div></a>`).join("") + "</div>";
        return;
      }
      const empty = c.series.every(s => s.value == null || (typeof s.value === "object" && !Array.isArray(s.value) && !Object.values(s.value).some(v => v)) || (Array.isArray(s.value) && !s.value.some(v => v)));
      if (empty) { el.innerHTML = '<p class="muted" style="padding-top:80px;text-align:center">本期间暂无记录。</p>'; return; }
      if (typeof echarts === "undefined") { el.textContent = "图表组件加载失败。"; return; }
      const chart = echarts.init(el, null, {renderer: "canvas"});
      let option;
      if (c.type === "rates") {
        option = {tooltip: {valueFormatter: pct}, grid: {left: 8, right: 48, top: 10, bottom: 10, containLabel: true},
          xAxis: {type: "value", max: 1, axisLabel: {formatter: v => (v * 100) + "%"}},
          yAxis: {type: "category", data: c.series.map(s => s.label), axisLabel: {width: 110, overflow: "break"}},
          series: [{type: "bar", data: c.series.map(s => s.value), label: {show: true, position: "right", formatter: p => pct(p.value)}}]};
      } else if (c.type === "children") {
        option = {tooltip: {trigger: "axis"}, legend: {top: 0}, grid: {left: 8, right: 10, top: 30, bottom: 8, containLabel: true},
          xAxis: {type: "category", data: c.categories.map(x => x.name), axisLabel: {rotate: 45, interval: 0, fontSize: 10}},
          yAxis: {type: "value"}, series: c.series.map(s => ({name: s.label, type: "bar", data: s.value}))};
        chart.on("click", p => drill(c.categories[p.dataIndex].id));
      } else {
        const dict = c.series[0].value || {};
        if (c.type === "pie") {
          option = {tooltip: {trigger: "item"}, series: [{type: "pie", radius: ["30%", "65%"], data: Object.entries(dict).map(([k, v]) => ({name: k, value: v}))}]};
        } else if (c.type === "line") {
          const labels = Object.keys(c.series[0].value || {});
          option = {tooltip: {trigger: "axis"}, legend: {top: 0}, grid: {left: 8, right: 10, top: 30, bottom: 8, containLabel: true},
            xAxis: {type: "category", data: labels}, yAxis: {type: "value"},
            series: c.series.map(s => ({name: s.label, type: "line", data: labels.map(l => (s.value || {})[l] ?? 0)}))};
        } else {
          option = {tooltip: {}, grid: {left: 8, right: 10, top: 10, bottom: 8, containLabel: true}, xAxis: {type: "category", data: Object.keys(dict), axisLabel: {rotate: 35, interval: 0, fontSize: 10}},
            yAxis: {type: "value"}, series: [{type: "bar", data: Object.values(dict)}]};
        }
      }
      chart.setOption(option);
      window.addEventListener("resize", () => chart.resize());
    });
    box.dataset.loaded = "1";
  }).catch(function () { box.innerHTML = '<p class="error">数据加载失败，请刷新重试。</p>'; });
});
