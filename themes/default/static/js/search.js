// The search page: a small interface over Pagefind's JS API (pagefind/pagefind.js, built with the site).
// Articles were normalized before Pagefind indexed them, so the query is normalized the same way here:
// a reader who types Arabic ي/ك, other digits or «می شود» with a space still finds «می‌شود». Pagefind
// drops the zero-width non-joiner inside words («می‌شود» is indexed as «میشود»), so restoring a joint
// means closing the space; compounds the rules cannot know («اطلاع رسانی») are also tried joined.
(function () {
  "use strict";
  var PERSIAN = "۰۱۲۳۴۵۶۷۸۹", ARABIC = "٠١٢٣٤٥٦٧٨٩";
  var ZWNJ = "\u200c";
  var SUFFIXES = ["ها", "های", "هایی", "هایم", "هایت", "هایش", "هایمان", "هایتان", "هایشان", "هاست",
                  "تر", "تری", "ترین"];
  var AFTER_H = ["ای", "ایی", "ی", "ام", "ات", "اش", "ایم", "اید", "اند", "است"];  // «رسانه‌ای», «کرده‌اند»
  var PAGE = 10;

  function digits(text, persian) {
    return text.replace(/[0-9\u06f0-\u06f9\u0660-\u0669]/g, function (d) {
      var n = PERSIAN.indexOf(d);
      if (n < 0) n = ARABIC.indexOf(d);
      if (n < 0) n = +d;
      return persian ? PERSIAN[n] : String(n);
    });
  }

  // The letter fixes hazm makes to every article, and its removal of diacritics and tatweel.
  function letters(text) {
    return text.replace(/[يى]/g, "ی").replace(/ك/g, "ک").replace(/ة/g, "ه")
      .replace(/[\u064b-\u0652\u0640]/g, "").replace(/[\u200b\u200d\ufeff]/g, "")
      .replace(/\s+/g, " ").trim();
  }

  function joints(text) {
    var words = text.split(" "), out = [];
    words.forEach(function (w) {
      var prev = out[out.length - 1];
      var glue = prev !== undefined && /[\u0600-\u06ff]$/.test(prev) && /^[\u0600-\u06ff]/.test(w) && (
        prev === "می" || prev === "نمی" || SUFFIXES.indexOf(w) >= 0 ||
        (AFTER_H.indexOf(w) >= 0 && /ه$/.test(prev)));
      if (glue) out[out.length - 1] = prev + ZWNJ + w; else out.push(w);
    });
    return out.join(" ");
  }

  // Every form of the query worth a search, the closest to the articles' own spelling first.
  function variants(query, persianDigits, asTyped) {
    var base = letters(query);
    if (!base) return [];
    var forms = [joints(base), base];
    var words = base.split(" ");
    if (words.length <= 4) {
      for (var i = 0; i + 1 < words.length; i++) {
        forms.push(words.slice(0, i).concat([words[i] + ZWNJ + words[i + 1]], words.slice(i + 2)).join(" "));
      }
    }
    var all = [];
    forms.forEach(function (f) { all.push(digits(f, persianDigits)); });
    if (/[0-9\u06f0-\u06f9\u0660-\u0669]/.test(base)) {  // technical tokens («ISO 9001») keep Latin digits
      forms.forEach(function (f) { all.push(digits(f, !persianDigits)); });
    }
    if (asTyped) all.push(query.replace(/\s+/g, " ").trim());  // for a site whose articles are as written
    return all.filter(function (f, n) { return all.indexOf(f) === n; });
  }

  window.akhbarSearch = { variants: variants };  // for the tests, which compare it with the Python side

  var form = document.querySelector("form.search-form[data-bundle]");
  if (!form) return;
  var input = form.querySelector('input[name="q"]');
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
  var status = document.querySelector(".search-status");
  var list = document.querySelector(".search-results");
  var more = document.querySelector(".search-more");
  var persianDigits = form.getAttribute("data-digits") === "persian";
  var normalized = form.getAttribute("data-normalized") === "true";
  var pagefind = null, found = [], shown = 0, generation = 0, timer = 0;

  function say(text) { status.textContent = text; }
  function fa(n) { return digits(String(n), true); }

  function chosenFilters() {
    var chosen = {};
    selects.forEach(function (s) { if (s.value) chosen[s.getAttribute("data-filter")] = s.value; });
    return chosen;
  }

  function remember() {
    var params = new URLSearchParams();
    if (input.value.trim()) params.set("q", input.value.trim());
    selects.forEach(function (s) { if (s.value) params.set(s.name, s.value); });
    var query = params.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
  }

  // Pagefind's excerpt is HTML with <mark> around matches: keep those marks, take everything else as text.
  function excerpt(html) {
    var p = document.createElement("p");
    p.className = "excerpt";
    var body = new DOMParser().parseFromString(html, "text/html").body;
    body.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        p.appendChild(mark);
      } else {
        p.appendChild(document.createTextNode(node.textContent));
      }
    });
    return p;
  }

  function item(data) {
    var li = document.createElement("li");
    var h2 = document.createElement("h2");
    var a = document.createElement("a");
    a.href = data.url;
    a.textContent = data.meta.title || data.url;
    h2.appendChild(a);
    li.appendChild(h2);
    var facts = [data.meta.date].concat(selects.map(function (s) {
      var key = s.getAttribute("data-filter");
      return key === "year" ? "" : ((data.filters || {})[key] || []).join("، ");
    })).filter(Boolean);
    if (facts.length) {
      var meta = document.createElement("p");
      meta.className = "meta";
      meta.textContent = facts.join(" · ");
      li.appendChild(meta);
    }
    li.appendChild(excerpt(data.excerpt || ""));
    return li;
  }

  function showMore() {
    var mine = generation;
    var next = found.slice(shown, shown + PAGE);
    shown += next.length;
    more.hidden = shown >= found.length;
    return Promise.all(next.map(function (r) { return r.data(); })).then(function (all) {
      if (mine !== generation) return;
      all.forEach(function (data) { list.appendChild(item(data)); });
    });
  }

  function done(mine) {
    if (mine === generation) list.removeAttribute("aria-busy");
  }

  function search() {
    var mine = ++generation;
    var forms = variants(input.value, persianDigits, !normalized);
    var filters = chosenFilters();
    remember();
    if (!forms.length && !Object.keys(filters).length) {
      found = [];
      list.textContent = "";
      more.hidden = true;
      say("");
      done(mine);
      return Promise.resolve();
    }
    list.setAttribute("aria-busy", "true");  // until this search's results are in the list
    var runs = (forms.length ? forms : [null]).map(function (f) { return pagefind.search(f, { filters: filters }); });
    return Promise.all(runs).then(function (answers) {
      if (mine !== generation) return;
      // Pages found by an earlier (closer) form of the query come first, each form's by Pagefind's score.
      var seen = {};
      found = [];
      answers.forEach(function (answer) {
        answer.results.forEach(function (r) { if (!seen[r.id]) { seen[r.id] = true; found.push(r); } });
      });
      list.textContent = "";
      shown = 0;
      say(found.length ? status.getAttribute("data-count").replace("{count}", fa(found.length))
                       : status.getAttribute("data-none"));
      return showMore();
    }).then(function () { done(mine); }, function () {
      done(mine);
      say(status.getAttribute("data-unavailable"));
    });
  }

  function fillFilters(available, wanted) {
    selects.forEach(function (s) {
      var counts = available[s.getAttribute("data-filter")] || {};
      var names = Object.keys(counts).sort(function (a, b) {
        return s.name === "year" ? digits(b, false) - digits(a, false) : a.localeCompare(b, "fa");
      });
      names.forEach(function (name) {
        var option = document.createElement("option");
        option.value = name;
        option.textContent = name + " (" + fa(counts[name]) + ")";
        s.appendChild(option);
      });
      if (wanted.get(s.name)) s.value = wanted.get(s.name);
    });
  }

  form.hidden = false;
  var wanted = new URLSearchParams(location.search);
  input.value = wanted.get("q") || "";
  import(form.getAttribute("data-bundle")).then(function (module) {
    pagefind = module;
    return pagefind.options({ baseUrl: form.getAttribute("data-base") });
  }).then(function () {
    // A large archive's index comes in parts (older years in folders of their own): search them as one.
    var merge = (form.getAttribute("data-merge") || "").split(" ").filter(Boolean);
    return Promise.all(merge.map(function (part) {
      return pagefind.mergeIndex(part, { baseUrl: form.getAttribute("data-base") });
    }));
  }).then(function () {
    return pagefind.filters();
  }).then(function (available) {
    fillFilters(available, wanted);
    form.addEventListener("submit", function (event) { event.preventDefault(); clearTimeout(timer); search(); });
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(search, 250); });
    selects.forEach(function (s) { s.addEventListener("change", search); });
    more.addEventListener("click", showMore);
    form.setAttribute("data-ready", "");
    return search();
  }).catch(function () {
    say(status.getAttribute("data-unavailable"));
  });
})();
