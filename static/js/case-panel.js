// The case panel's forms (status, transfer, note, phone) post in the background and the answer,
// a fresh panel (or the panel with an error), replaces it. Used by the dashboard and the review page.
window.EssCasePanel = (function () {
  "use strict";
  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  // hooks.answered(): called just before an answer replaces the panel; hooks.done(): after each post.
  function bind(panelEl, hooks) {
    hooks = hooks || {};
    panelEl.addEventListener("submit", async (e) => {
      const form = e.target.closest("form[data-panel-form]");
      if (!form) return;
      e.preventDefault();
      const button = form.querySelector("button[type=submit]");
      if (button) button.disabled = true;
      try {
        const r = await fetch(form.action, {
          method: "POST", body: new FormData(form), credentials: "same-origin",
          headers: { "X-CSRFToken": csrfToken() },
        });
        const html = await r.text();
        if (hooks.answered) hooks.answered();
        panelEl.innerHTML = html;
      } catch (err) {
        panelEl.insertAdjacentHTML("afterbegin", '<p class="error" role="alert">เชื่อมต่อไม่ได้ ลองอีกครั้ง</p>');
      } finally {
        if (button) button.disabled = false;
      }
      if (hooks.done) hooks.done();
    });
  }
  return { bind: bind };
})();
