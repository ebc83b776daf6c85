// The report section editor for people: the body is edited as text with figures shown as chips carrying their
// Chinese name and this report's value — the {{code}} tokens the renderer reads stay in the hidden textarea, which
// is rewritten from the editor before every submit. A picker searches the figures by name and inserts one at the
// caret (plain, compared with last year, or rounded); the preview below shows the paragraph with the values.
// Without JavaScript the plain textarea with its tokens remains.
document.addEventListener("DOMContentLoaded", function () {
  const root = document.querySelector("[data-figure-editor]");
  if (!root) { return; }
  const textarea = document.getElementById(root.dataset.textarea);
  const form = textarea && textarea.form;
  if (!form) { return; }
  const TOKEN = /\{\{\s*([A-Za-z0-9_.]+)(?:\|([a-z]+))?\s*\}\}/g;
  const FILTERS = {"": "", "change": "（与上年比较）", "approx": "", "opt": "（为零时略去）"};
  let figures = {};  // key -> {label, unit, text}
  let savedRange = null;

  const editor = document.createElement("div");
  editor.className = "figure-editor";
  editor.contentEditable = "true";
  editor.setAttribute("role", "textbox");
  editor.setAttribute("aria-multiline", "true");
  editor.setAttribute("aria-label", root.dataset.label || "正文");
  editor.id = textarea.id + "_editor";
  const describedBy = textarea.getAttribute("aria-describedby");
  if (describedBy) { editor.setAttribute("aria-describedby", describedBy); }
  if (textarea.getAttribute("aria-invalid")) { editor.setAttribute("aria-invalid", textarea.getAttribute("aria-invalid")); }
  textarea.insertAdjacentElement("afterend", editor);
  textarea.hidden = true;
  const help = document.getElementById(textarea.id + "_helptext");
  if (help) { help.textContent = "用“插入指标”按名称查找并插入指标；指标以“名称：数值”显示，报告按年度实时计算其数值。"; }
  document.querySelectorAll("[data-without-editor]").forEach(el => { el.hidden = true; });
  const label = document.querySelector(`label[for="${textarea.id}"]`);
  if (label) { label.htmlFor = editor.id; label.addEventListener("click", () => editor.focus()); }

  function chipText(key, flt) {
    const f = figures[key];
    if (!f) { return `未知指标（${key}）`; }
    return `${f.label}：${flt === "approx" ? "约" : ""}${f.text}${FILTERS[flt] || ""}`;
  }
  function chip(key, flt) {
    const span = document.createElement("span");
    span.className = "fig-chip" + (figures[key] || !Object.keys(figures).length ? "" : " unknown");
    span.contentEditable = "false";
    span.dataset.key = key;
    span.dataset.filter = flt || "";
    span.textContent = chipText(key, flt);
    span.title = figures[key] ? "指标：" + figures[key].label : "";
    return span;
  }
  function load(text) {
    editor.textContent = "";
    let last = 0;
    text.replace(TOKEN, function (match, key, flt, offset) {
      if (offset > last) { editor.appendChild(document.createTextNode(text.slice(last, offset))); }
      editor.appendChild(chip(key, flt || ""));
      last = offset + match.length;
      return match;
    });
    if (last < text.length) { editor.appendChild(document.createTextNode(text.slice(last))); }
  }
  function serialize(node) {
    let out = "";
    node.childNodes.forEach(function (n, i) {
      if (n.nodeType === Node.TEXT_NODE) { out += n.nodeValue.replace(/\u00a0/g, " "); }
      else if (n.classList && n.classList.contains("fig-chip")) {
        out += `{{${n.dataset.key}${n.dataset.filter ? "|" + n.dataset.filter : ""}}}`;
      } else if (n.nodeName === "BR") { out += "\n"; }
      else if (n.nodeName === "DIV" || n.nodeName === "P") {
        const inner = serialize(n);
        out += (i > 0 && !out.endsWith("\n") ? "\n" : "") + (inner === "\n" ? "" : inner);
      } else { out += serialize(n); }
    });
    return out;
  }
  function sync() { textarea.value = serialize(editor).replace(/\n$/, ""); preview(); }

  const previewBox = root.querySelector("[data-preview]");
  function preview() {
    if (!previewBox) { return; }
    const text = textarea.value.replace(TOKEN, (m, key, flt) => "\u0000" + key + "|" + (flt || "") + "\u0000");
    previewBox.textContent = "";
    text.split("\u0000").forEach(function (part, i) {
      if (i % 2 === 0) {
        part.split("\n").forEach(function (line, j) {
          if (j) { previewBox.appendChild(document.createElement("br")); }
          previewBox.appendChild(document.createTextNode(line));
        });
      } else {
        const [key, flt] = part.split("|");
        const f = figures[key];
        const b = document.createElement("strong");
        b.className = "fig-value";
        b.textContent = f ? (flt === "approx" ? "约" : "") + f.text + (flt === "change" ? "（与上年比较的文字在报告中生成）" : "") : `【未知指标】`;
        previewBox.appendChild(b);
      }
    });
  }

  // keep the caret where the user left it, to insert there
  document.addEventListener("selectionchange", function () {
    const sel = window.getSelection();
    if (sel.rangeCount && editor.contains(sel.getRangeAt(0).startContainer)) { savedRange = sel.getRangeAt(0).cloneRange(); }
  });
  editor.addEventListener("input", sync);
  editor.addEventListener("keydown", function (e) {
    if (e.key === "Enter") { e.preventDefault(); insertNode(document.createTextNode("\n")); }
  });
  editor.addEventListener("paste", function (e) {
    e.preventDefault();
    const text = (e.clipboardData || window.clipboardData).getData("text");
    insertNode(document.createTextNode(text));
  });
  function insertNode(node) {
    let range = savedRange;
    if (!range || !editor.contains(range.startContainer)) {
      range = document.createRange(); range.selectNodeContents(editor); range.collapse(false);
    }
    range.deleteContents();
    range.insertNode(node);
    range.setStartAfter(node); range.collapse(true);
    const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
    savedRange = range.cloneRange();
    if (node.nodeType === Node.TEXT_NODE && node.nodeValue === "\n" && !node.nextSibling) {
      node.after(document.createTextNode("\n"));  // a trailing newline needs a second one to show
    }
    sync();
  }

  // the picker
  const search = root.querySelector("[data-figure-search]");
  const list = root.querySelector("[data-figure-list]");
  const mode = root.querySelector("[data-figure-mode]");
  function showList() {
    const q = (search.value || "").trim();
    const keys = Object.keys(figures).filter(k => !q || figures[k].label.includes(q) || k.includes(q)).slice(0, 30);
    list.textContent = "";
    if (!keys.length) { list.innerHTML = '<li class="muted">没有找到相应指标。</li>'; return; }
    keys.forEach(function (k) {
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button"; b.className = "btn secondary small"; b.textContent = "插入";
      b.setAttribute("aria-label", "插入指标：" + figures[k].label);
      b.addEventListener("click", function () {
        insertNode(chip(k, mode ? mode.value : ""));
        editor.focus();
      });
      const name = document.createElement("span");
      name.textContent = figures[k].label + "：";
      const value = document.createElement("strong");
      value.textContent = figures[k].text + (/^[\d.,]+$/.test(figures[k].text) ? figures[k].unit || "" : "");
      li.append(b, " ", name, value);
      list.appendChild(li);
    });
  }
  if (search) { search.addEventListener("input", showList); }

  load(textarea.value);
  form.addEventListener("submit", sync);
  fetch(root.dataset.figuresUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
    .then(r => { if (!r.ok) { throw new Error(r.status); } return r.json(); })
    .then(function (data) {
      Object.entries(data.values || {}).forEach(([k, v]) => { figures[k] = {label: v.label, unit: v.unit, text: v.text}; });
      load(textarea.value);
      preview();
      if (list) { showList(); }
      root.dataset.ready = "1";
    })
    .catch(function () {
      if (list) { list.innerHTML = '<li class="error">指标数据加载失败，请刷新重试。</li>'; }
      root.dataset.ready = "1";
    });
});
