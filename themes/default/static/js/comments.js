// «نظر شما»: the comment widget (Isso) is loaded from the site's own comment server only when a reader
// opens the section, so a page costs no script, request or cookie for comments until then. The button is
// hidden in the HTML and shown here: without JavaScript the section says what is needed instead.
(function () {
  "use strict";
  var thread = document.getElementById("isso-thread");
  var button = document.querySelector(".comments-open");
  var status = document.querySelector(".comments-status");
  if (!thread || !button) return;
  var server = thread.getAttribute("data-server");

  function load() {
    var script = document.createElement("script");
    script.id = "isso-embed";
    script.src = server + "js/embed.min.js";
    script.async = true;
    // Isso reads its settings from data-isso-* attributes of its own script element when it runs; it starts
    // at once when the document has already loaded, as it has here.
    script.setAttribute("data-isso", server);
    script.setAttribute("data-isso-lang", "fa");
    script.setAttribute("data-isso-css", "false"); // site.css styles it: right-to-left, the site's fonts and colours
    script.setAttribute("data-isso-avatar", "false");
    script.setAttribute("data-isso-vote", "false");
    // Isso's Persian catalogue lacks these: without them its English defaults ("John Doe") would show.
    var persian = {
      "postbox-author-placeholder": "نام شما",
      "postbox-email-placeholder": "نشانی رایانامه",
      "postbox-website-placeholder": "نشانی وبگاه",
      "postbox-notification": "پاسخ‌ها را برایم رایانامه کنید",
      "comment-page-author-suffix": "نویسنده",
      "atom-feed": "خوراک نظرها"
    };
    for (var key in persian) script.setAttribute("data-isso-" + key + "-text-fa", persian[key]);
    script.onerror = function () {
      if (status) status.textContent = "سامانهٔ نظرها اکنون در دسترس نیست؛ بعداً دوباره بکوشید.";
    };
    document.body.appendChild(script);
  }

  button.hidden = false;
  button.addEventListener("click", function () {
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", open ? "true" : "false");
    thread.hidden = !open;
    if (open && !document.getElementById("isso-embed")) load();
  });
})();
