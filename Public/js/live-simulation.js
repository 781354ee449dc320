// The establishment's simulation follows its declared values as they are typed: a moment after the
// last change of a `valeur__…` field, the draft form is sent (same fields, with its CSRF token) to
// the page's simulation address, which computes on these values without storing anything; the
// answer updates each indicator's « Simulation sur votre saisie ». An answer that a later change
// has overtaken is dropped. Without JavaScript, saving the draft shows the simulation.
(function () {
  var form = document.getElementById("brouillon");
  if (!form || !form.dataset.simulation || !window.fetch || !window.FormData || !window.URLSearchParams) return;
  var timer = null, sent = 0;

  function show(data) {
    Object.keys(data.indicateurs || {}).forEach(function (code) {
      var out = document.getElementById("simulation-" + code);
      if (out) out.textContent = data.indicateurs[code];
      var problem = document.getElementById("simulation-erreur-" + code);
      if (problem) problem.textContent = "";
    });
  }

  function showError(message) {
    document.querySelectorAll("[id^='simulation-erreur-']").forEach(function (problem) { problem.textContent = ""; });
    var code = (message.match(/^([A-Z0-9-]+)[ ,]/) || [])[1];
    var problem = code && document.getElementById("simulation-erreur-" + code);
    if (problem) problem.textContent = "(valeur illisible : " + message + ")";
  }

  function refresh() {
    var mine = ++sent;
    form.setAttribute("aria-busy", "true");
    fetch(form.dataset.simulation, {
      method: "POST", credentials: "same-origin",
      headers: { "Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(new FormData(form)).toString()
    }).then(function (answer) {
      return answer.json().then(function (data) { return { ok: answer.ok, data: data }; });
    }).then(function (result) {
      if (mine !== sent) return;
      form.removeAttribute("aria-busy");
      if (result.ok) show(result.data); else if (result.data && result.data.erreur) showError(result.data.erreur);
    }).catch(function () { if (mine === sent) form.removeAttribute("aria-busy"); });
  }

  function changed(event) {
    var name = event.target && event.target.name;
    if (!name || name.indexOf("valeur__") !== 0) return;
    clearTimeout(timer);
    timer = setTimeout(refresh, 350);
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
})();
