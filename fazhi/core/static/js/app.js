// Large-text mode (适老化): remembered in a cookie so the server renders it too.
(function () {
  function setLarge(on) {
    document.documentElement.classList.toggle("large-text", on);
    document.cookie = "large_text=" + (on ? "1" : "0") + ";path=/;max-age=31536000;SameSite=Lax";
    document.querySelectorAll("[data-large-text-toggle]").forEach(function (b) {
      b.setAttribute("aria-pressed", on ? "true" : "false");
      b.textContent = on ? "标准字号" : "大字模式";
    });
  }
  document.addEventListener("click", function (e) {
    var t = e.target.closest("[data-large-text-toggle]");
    if (t) { e.preventDefault(); setLarge(!document.documentElement.classList.contains("large-text")); }
    var c = e.target.closest("[data-confirm]");
    if (c && !window.confirm(c.getAttribute("data-confirm"))) { e.preventDefault(); }
  });
  // htmx: send the CSRF token with every request.
  document.addEventListener("htmx:configRequest", function (e) {
    var m = document.cookie.match(/csrftoken=([^;]+)/);
    if (m) { e.detail.headers["X-CSRFToken"] = m[1]; }
  });
})();

// Buttons that print the page (the advisor poster): no inline handlers, for the Content-Security-Policy.
document.addEventListener("click", function (e) {
  var b = e.target.closest && e.target.closest("[data-print]");
  if (b) { window.print(); }
});

// Forms show their errors (the GOV.UK error summary): the summary the server rendered at the top of a failed form
// gets the focus; a form whose template lays out its fields itself (without core/partials/form.html) gets one built
// from its marked fields. A link in the summary moves the focus to its field.
(function () {
  function buildSummary(form) {
    var fields = form.querySelectorAll(".field.has-error");
    if (!fields.length || form.querySelector("[data-error-summary]")) { return null; }
    var box = document.createElement("div");
    box.className = "error-summary";
    box.setAttribute("role", "alert");
    box.setAttribute("tabindex", "-1");
    box.setAttribute("data-error-summary", "");
    var h = document.createElement("h2");
    h.textContent = "提交未成功，请修改以下问题";
    box.appendChild(h);
    var ul = document.createElement("ul");
    fields.forEach(function (f) {
      var label = f.querySelector("label");
      var input = f.querySelector("input:not([type=hidden]), select, textarea");
      f.querySelectorAll(".errorlist li").forEach(function (li) {
        var item = document.createElement("li");
        var a = document.createElement("a");
        a.href = "#" + (input && input.id ? input.id : "");
        a.textContent = (label ? label.textContent.replace(/\*$/, "").trim() + "：" : "") +
          li.textContent.replace(/^错误：/, "");
        item.appendChild(a);
        ul.appendChild(item);
      });
    });
    box.appendChild(ul);
    var anchor = Array.prototype.find.call(form.children, function (c) {
      return !(c.tagName === "INPUT" && c.type === "hidden");
    });
    form.insertBefore(box, anchor || null);
    return box;
  }
  function showSummary(root) {
    root = root || document;
    if (root.tagName === "FORM") { buildSummary(root); }
    root.querySelectorAll("form").forEach(buildSummary);
    var summary = root.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); summary.scrollIntoView({ block: "start" }); }
  }
  document.addEventListener("DOMContentLoaded", function () { showSummary(document); });
  document.addEventListener("htmx:afterSwap", function (e) { showSummary(e.target); });
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("[data-error-summary] a[href^='#']");
    if (!a) { return; }
    var target = document.getElementById(a.getAttribute("href").slice(1));
    if (target) {
      e.preventDefault();
      var field = target.closest(".field");
      (field || target).scrollIntoView({ block: "start" });
      target.focus();
    }
  });
})();

// Phones: the workbench's module menu collapses behind a "菜单" button (without JavaScript it stays open).
(function () {
  document.documentElement.classList.add("js");
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("[data-nav-toggle]");
    if (!b) { return; }
    var nav = document.getElementById(b.getAttribute("aria-controls"));
    var open = b.getAttribute("aria-expanded") !== "true";
    b.setAttribute("aria-expanded", open ? "true" : "false");
    if (nav) { nav.classList.toggle("open", open); }
  });
})();

// A select that follows another (a grid follows its village: <select data-follows="id_village">, options with
// data-parent): only the chosen parent's options are offered; a choice of another parent is cleared. Without
// JavaScript every option stays, grouped by parent.
(function () {
  function follow(child) {
    var parent = document.getElementById(child.getAttribute("data-follows"));
    if (!parent) { return; }
    var value = parent.value;
    child.querySelectorAll("option[data-parent]").forEach(function (o) {
      var other = !!value && o.getAttribute("data-parent") !== value;
      o.hidden = other;
      o.disabled = other;
      if (other && o.selected) { child.value = ""; }
    });
    child.querySelectorAll("optgroup").forEach(function (g) {
      g.hidden = !g.querySelector("option:not([hidden])");
    });
  }
  function all() { document.querySelectorAll("select[data-follows]").forEach(follow); }
  document.addEventListener("DOMContentLoaded", all);
  document.addEventListener("htmx:afterSwap", all);
  document.addEventListener("change", function (e) {
    var id = e.target && e.target.id;
    if (!id) { return; }
    document.querySelectorAll("select[data-follows='" + id + "']").forEach(follow);
  });
})();
