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
