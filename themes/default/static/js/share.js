// Print, share and copy-link buttons of an article. They are hidden in the HTML and shown here,
// so without JavaScript a reader still has the plain share links and the address to copy by hand.
(function () {
  "use strict";
  var tools = document.querySelector(".tools[data-url]");
  if (!tools) return;
  var url = tools.getAttribute("data-url");
  var title = tools.getAttribute("data-title");
  var field = tools.querySelector(".share-url");
  var status = tools.querySelector(".share-status");

  function say(text) { if (status) status.textContent = text; }
  function selectField() { if (field) { field.focus(); field.select(); } }

  function button(action, handler) {
    var b = tools.querySelector('[data-action="' + action + '"]');
    if (!b) return;
    b.hidden = false;
    b.addEventListener("click", handler);
  }

  button("print", function () { window.print(); });

  button("copy", function () {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(
        function () { say("پیوند رونوشت شد."); },
        function () { selectField(); say("پیوند را انتخاب کردیم؛ آن را رونوشت کنید."); });
    } else {
      selectField();
      say("پیوند را انتخاب کردیم؛ آن را رونوشت کنید.");
    }
  });

  if (navigator.share) {
    button("share", function () {
      navigator.share({ title: title, url: url }).catch(function () { /* the reader closed the sheet */ });
    });
  }
})();
