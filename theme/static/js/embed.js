/* The <script> embed of the hotline's widgets (docs/embed.md). A host page
   gives each widget an element naming the widget's data file, with a link
   for readers without JavaScript, and loads this script (theme/js/embed.js)
   once or more; docs/embed.md and the site's embed page give the code:

     <div data-hotline-embed="…/embed/data/latest.js"><a href="…/embed/latest.html">…</a></div>

   A data file is a script calling HotlineEmbed.receive({...}) with the
   widget as JSON, so another origin may load it without any header from
   this site's web server. Text is set with textContent only; links are
   kept only when they are http(s). No cookies, no storage, nothing is
   loaded but the data files named by the host page. */
(function () {
  "use strict";

  var CSS = [
    ".hotline-embed{box-sizing:border-box;border-top:5px solid #b0131b;background:#fdfbf6;color:#1c1c1c;padding:.6rem .8rem .5rem;",
    "font:15px/1.6 'Noto Serif CJK SC','Source Han Serif SC','Songti SC',SimSun,serif;overflow-wrap:anywhere;text-align:left}",
    ".hotline-embed *{box-sizing:border-box}",
    ".hotline-embed a{color:#1c1c1c;text-decoration-color:#b0131b}",
    ".hotline-embed .he-head{display:flex;flex-wrap:wrap;align-items:center;gap:.3rem .6rem;padding-bottom:.4rem;border-bottom:3px double #1c1c1c}",
    ".hotline-embed .he-flag{background:#b0131b;color:#fff;padding:.25rem .35rem;font-weight:900;line-height:1;letter-spacing:.1em;text-decoration:none}",
    ".hotline-embed .he-title{margin:0;font-size:.95rem;font-weight:700;color:#b0131b}",
    ".hotline-embed ol{list-style:none;margin:0;padding:0}",
    ".hotline-embed li{margin:0;padding:.45rem 0;border-bottom:1px solid #cfc7b6}",
    ".hotline-embed .he-hl{display:block;text-decoration:none;font-weight:900;line-height:1.4}",
    ".hotline-embed .he-hl span{display:block}",
    ".hotline-embed .he-hl span+span{font-weight:700;font-size:.9em}",
    ".hotline-embed .he-small{margin:.1rem 0 0;font-size:.78rem;color:#555}",
    ".hotline-embed .he-more{margin:.5rem 0 0;font-size:.78rem;text-align:right}",
    ".hotline-embed .he-numbers{display:flex;flex-wrap:wrap;justify-content:center;gap:0 1rem}",
    ".hotline-embed .he-numbers li{border:0;padding:0;font-family:Georgia,serif;font-weight:700;color:#b0131b;font-size:1.7rem;line-height:1.3}",
    ".hotline-embed .he-center{text-align:center}",
    ".hotline-embed dl{display:grid;grid-template-columns:repeat(auto-fit,minmax(7rem,1fr));gap:.3rem .8rem;margin:.3rem 0 0}",
    ".hotline-embed dt{font-size:.78rem;color:#555}",
    ".hotline-embed dd{margin:0;font-weight:700}"
  ].join("\n");

  var api = window.HotlineEmbed;
  if (!api) {
    var waiting = {}; // data file URL -> elements to render it into

    var element = function (tag, className, text) {
      var e = document.createElement(tag);
      if (className) e.className = className;
      if (text !== undefined) e.textContent = String(text);
      return e;
    };

    var anchor = function (url, base, className, text) {
      var a = element("a", className, text);
      var resolved = new URL(String(url), base);
      if (resolved.protocol === "http:" || resolved.protocol === "https:") a.href = resolved.href;
      a.target = "_blank";
      a.rel = "noopener";
      return a;
    };

    var render = function (data, base) {
      var box = element("div", "hotline-embed");
      var head = element("div", "he-head");
      head.appendChild(anchor(data.home, base, "he-flag", data.source));
      head.appendChild(element("p", "he-title", data.title));
      box.appendChild(head);
      if (data.hotlines) {
        box.appendChild(element("p", "he-center", "有困难，请拨打"));
        var numbers = element("ol", "he-numbers");
        data.hotlines.forEach(function (n) { numbers.appendChild(element("li", "", n)); });
        box.appendChild(numbers);
        box.appendChild(element("p", "he-small he-center", data.hours));
      }
      if (data.figures) {
        box.appendChild(element("p", "he-title", data.figures_title));
        var dl = element("dl");
        data.figures.forEach(function (f) {
          var row = element("div");
          row.appendChild(element("dt", "", f.label));
          row.appendChild(element("dd", "", f.value));
          dl.appendChild(row);
        });
        box.appendChild(dl);
      }
      if (data.kind !== "hotline") {
        if (data.items.length) {
          var list = element("ol");
          data.items.forEach(function (item) {
            var li = element("li");
            var a = anchor(item.url, base, "he-hl");
            item.headline.forEach(function (line) { a.appendChild(element("span", "", line)); });
            li.appendChild(a);
            var meta = element("p", "he-small");
            var time = element("time", "", item.day);
            time.dateTime = item.date;
            meta.appendChild(time);
            meta.appendChild(document.createTextNode(" · " + item.meta));
            li.appendChild(meta);
            list.appendChild(li);
          });
          box.appendChild(list);
        } else {
          box.appendChild(element("p", "he-small", data.empty));
        }
      }
      var more = element("p", "he-more");
      more.appendChild(anchor(data.more, base, "", data.more_text));
      box.appendChild(more);
      return box;
    };

    var scan = function () {
      var found = document.querySelectorAll("[data-hotline-embed]:not([data-hotline-state])");
      Array.prototype.forEach.call(found, function (el) {
        el.setAttribute("data-hotline-state", "loading");
        var src = new URL(el.getAttribute("data-hotline-embed"), document.baseURI).href;
        if (waiting[src]) {
          waiting[src].push(el);
          return;
        }
        waiting[src] = [el];
        var script = document.createElement("script");
        script.src = src;
        script.async = true;
        script.charset = "utf-8";
        script.onerror = function () {
          (waiting[src] || []).forEach(function (e) { e.setAttribute("data-hotline-state", "failed"); });
          delete waiting[src];
        };
        document.head.appendChild(script);
      });
    };

    api = window.HotlineEmbed = {
      /* Called by a data file as it runs: render it into the elements waiting for it. */
      receive: function (data) {
        var script = document.currentScript;
        var src = script && script.src;
        (waiting[src] || []).forEach(function (el) {
          el.textContent = "";
          el.appendChild(render(data, src));
          el.setAttribute("data-hotline-state", "done");
        });
        delete waiting[src];
      },
      scan: scan
    };
    var style = element("style", "", CSS);
    style.id = "hotline-embed-style";
    document.head.appendChild(style);
  }
  api.scan();
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", api.scan);
})();
