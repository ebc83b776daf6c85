/* The advisor poster fits one A4 page: when the sheet's content is taller than the sheet (many advisors, long
   office-hour rules), the type is made smaller step by step (sizes on the sheet are in em) down to 60 %. */
(function () {
  "use strict";
  function fit() {
    var sheet = document.querySelector("[data-fit-page]");
    if (!sheet) { return; }
    var size = 100;
    sheet.style.fontSize = "";
    while (sheet.scrollHeight > sheet.clientHeight + 1 && size > 60) {
      size -= 4;
      sheet.style.fontSize = (13 * size / 100) + "pt";
    }
    sheet.setAttribute("data-fitted", String(size));
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", fit); } else { fit(); }
  window.addEventListener("load", fit);
  window.addEventListener("beforeprint", fit);
})();
