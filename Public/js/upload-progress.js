// Evidence uploads show their progress: the form is sent with XMLHttpRequest (same address, same
// fields, CSRF token in the address) and the header X-CAQES-Upload; the server answers with the
// page to go to, or with the page showing what went wrong. Without JavaScript the form posts normally.
document.querySelectorAll("form.caqes-upload").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    if (!window.XMLHttpRequest || !window.FormData) return;
    event.preventDefault();
    var bar = form.querySelector("progress");
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("X-CAQES-Upload", "1");
    request.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable && bar) { bar.hidden = false; bar.value = Math.round((e.loaded / e.total) * 100); }
    });
    request.addEventListener("load", function () {
      var target = null;
      try { target = JSON.parse(request.responseText).aller_a; } catch (ignored) { target = null; }
      if (request.status < 400 && typeof target === "string" && target.charAt(0) === "/") { window.location.assign(target); return; }
      document.open(); document.write(request.responseText); document.close();
    });
    request.addEventListener("error", function () { if (button) button.disabled = false; form.submit(); });
    request.send(new FormData(form));
  });
});
