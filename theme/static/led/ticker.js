/* The LED screen page: polls ticker.json and scrolls its messages.
 * Re-renders only when _led.version changes; keeps the last good messages
 * when a fetch fails or the JSON is invalid. Feed text is only ever set as
 * textContent. Query string: ?screen= ?refresh= ?speed= ?size= (see led.html). */
(function () {
  "use strict";
  var led = document.getElementById("led");
  if (!led || !window.fetch) return; // the built-in messages keep scrolling by CSS

  var params = new URLSearchParams(window.location.search);
  var scroll = document.getElementById("led-scroll");
  var motion = window.matchMedia ? window.matchMedia("(prefers-reduced-motion: reduce)") : null;

  function param(name, min, max) {
    var value = parseFloat(params.get(name));
    return isFinite(value) && value >= min && value <= max ? value : null;
  }

  var feedUrl = led.getAttribute("data-feed");
  var version = led.getAttribute("data-version");
  var screen = params.get("screen");
  if (screen && /^[a-z0-9-]{1,40}$/.test(screen) && screen !== led.getAttribute("data-screen")) {
    feedUrl = led.getAttribute("data-led-root") + (screen === "main" ? "" : screen + "/") + "ticker.json";
    version = null; // what the page was built with belongs to another screen
  }
  var refreshParam = param("refresh", 1, 86400);
  var refresh = refreshParam || Number(led.getAttribute("data-refresh")) || 60;
  var speed = param("speed", 0.1, 100) || 3; // characters per second
  var size = /^(\d+(?:\.\d+)?)(px|vh|vw)?$/.exec(params.get("size") || "");
  if (size) led.style.setProperty("--size", size[1] + (size[2] || "vh"));
  led.classList.add("led-js");

  function text(id, value) {
    document.getElementById(id).textContent = value;
  }

  function cnTime(iso) {
    var m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)/.exec(iso || "");
    if (!m) return "—";
    var day = Number(m[1]) + "年" + Number(m[2]) + "月" + Number(m[3]) + "日";
    return m[4] + m[5] === "0000" ? day : day + " " + m[4] + ":" + m[5]; // a date without a time
  }

  function isString(value) {
    return typeof value === "string";
  }

  function valid(feed) {
    return !!feed && typeof feed === "object" && Array.isArray(feed.items) &&
      feed.items.every(function (item) { return item && isString(item.content_text); }) &&
      !!feed._led && isString(feed._led.version) && Array.isArray(feed._led.hotlines) &&
      feed._led.hotlines.every(isString);
  }

  // Scrolling: the duration follows the text's width so the speed stays
  // `speed` characters per second at any size. Reduced motion: one message
  // at a time, no movement.
  var rotation = null;

  function start() {
    clearInterval(rotation);
    var messages = scroll.querySelectorAll(".led-message");
    if (motion && motion.matches) {
      var current = 0;
      var show = function () {
        for (var i = 0; i < messages.length; i++) messages[i].hidden = i !== current;
        current = (current + 1) % messages.length;
      };
      show();
      rotation = setInterval(show, Math.max(4, 24 / speed) * 1000);
      return;
    }
    for (var i = 0; i < messages.length; i++) messages[i].hidden = false;
    var em = parseFloat(window.getComputedStyle(scroll).fontSize) || 16;
    scroll.style.animation = "none";
    void scroll.offsetWidth; // restart the animation from the right edge
    scroll.style.animation = "";
    scroll.style.animationDuration = (scroll.scrollWidth / (speed * em)).toFixed(2) + "s";
  }

  function render(feed) {
    var info = feed._led;
    var lines = feed.items.map(function (item) { return item.content_text; });
    if (!lines.length) lines = [info.stats_text || (info.hotline_lines || [""])[0] || ""];
    scroll.textContent = "";
    lines.forEach(function (line) {
      var span = document.createElement("span");
      span.className = "led-message";
      span.textContent = line;
      scroll.appendChild(span);
    });
    var numbers = document.getElementById("led-numbers");
    numbers.textContent = "";
    info.hotlines.forEach(function (number) {
      var span = document.createElement("span");
      span.className = "led-number";
      span.textContent = number;
      numbers.appendChild(span);
    });
    text("led-stats", isString(info.stats_text) ? info.stats_text : "");
    text("led-definitions", Array.isArray(info.definition_lines) ? info.definition_lines.join(" ") : "");
    text("led-updated", cnTime(info.generated_at));
    if (isString(feed.title)) document.title = feed.title;
    version = info.version;
    led.setAttribute("data-version", version);
    start();
  }

  function poll() {
    var url = feedUrl + (feedUrl.indexOf("?") < 0 ? "?" : "&") + "t=" + Date.now();
    window.fetch(url, { cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (feed) {
        if (!valid(feed)) throw new Error("not a ticker feed");
        if (feed._led.version !== version) render(feed);
        if (!refreshParam && feed._led.refresh_seconds >= 1) refresh = feed._led.refresh_seconds;
        led.setAttribute("data-state", "live");
        text("led-offline", "");
      })
      .catch(function () {
        led.setAttribute("data-state", "stale");
        text("led-offline", "（暂时无法获取新数据，正在重试）");
      })
      .then(function () {
        setTimeout(poll, refresh * 1000);
      });
  }

  var resized = null;
  window.addEventListener("resize", function () {
    clearTimeout(resized);
    resized = setTimeout(start, 300);
  });
  if (motion && motion.addEventListener) motion.addEventListener("change", start);
  start();
  poll();
})();
