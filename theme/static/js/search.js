/* Site search (search.html) on Pagefind's JavaScript API, served from this
   site: no network. Filters come from the pages' data-pagefind-filter
   attributes (类别, 部门, 年份 first). State lives in the URL:
   search.html?q=停水&类别=城市管理. The filters' values are written into
   the page when the site is built (data-filters): asking Pagefind for them
   would download every filter file of every year's bundle before the
   first search; this way a filter file is loaded only once that filter
   is chosen.

   The index is one bundle per year of receipt (search.html's data-bundles,
   newest first). A search starts in the newest year and goes on into
   older years only while the page is not full: a year's bundle is merged
   in when the years before it have no more results. So the results are
   listed newest year first, best first within a year, and a common query
   downloads one or two years' index instead of every year's. A new query
   starts again from the newest year.

   Pagefind ignores a query word that is nowhere in the index ("best
   effort"): a caller's full name, split into surname and given name,
   would find the case of 某女士 through the surname alone. Here a result
   is shown only if its text contains every space-separated part of the
   query as typed. Results are loaded and checked 20 at a time. */
(function () {
  "use strict";

  const FIRST = ["类别", "部门", "年份"];
  const PAGE = 20;
  const form = document.getElementById("search-form");
  const input = form.elements.q;
  const filterBox = document.getElementById("search-filters");
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  const more = document.getElementById("search-more");
  const OPTIONS = { excerptLength: 40 };
  let pagefind = null;
  let bundles = [];  // {path, year} of each year's bundle, newest first
  let held = [];  // the bundles Pagefind holds, in the order merged
  let queue = Promise.resolve();
  let generation = 0;
  let timer = 0;

  const norm = (s) => s.normalize("NFKC").replace(/[\s\u200b]+/g, "").toLowerCase();
  const clean = (s) => s.replace(/\u200b/g, "");
  const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

  function filterOrder(a, b) {
    const rank = (n) => (FIRST.includes(n) ? FIRST.indexOf(n) : FIRST.length);
    return rank(a) - rank(b) || a.localeCompare(b, "zh-CN");
  }

  function addFilters(filters, params) {
    for (const name of Object.keys(filters).sort(filterOrder)) {
      const values = filters[name].slice();
      values.sort(name === "年份" ? (a, b) => b.localeCompare(a) : (a, b) => a.localeCompare(b, "zh-CN"));
      const label = document.createElement("label");
      const select = document.createElement("select");
      select.name = name;
      select.add(new Option("全部", ""));
      for (const value of values) select.add(new Option(value, value));
      select.value = values.includes(params.get(name)) ? params.get(name) : "";
      select.addEventListener("change", search);
      label.append(name + " ", select);
      filterBox.append(label, " ");
    }
  }

  function chosenFilters() {
    const chosen = {};
    for (const select of filterBox.querySelectorAll("select")) {
      if (select.value) chosen[select.name] = select.value;
    }
    return chosen;
  }

  function remember(q, chosen) {
    const params = new URLSearchParams();
    if (q) params.set("q", q);
    for (const [name, value] of Object.entries(chosen)) params.set(name, value);
    const query = params.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
  }

  function highlight(element, text, parts) {
    if (!parts.length) {
      element.textContent = text;
      return;
    }
    const pattern = new RegExp("(" + parts.map(escapeRe).join("|") + ")", "gi");
    text.split(pattern).forEach((piece, i) => {
      if (i % 2) {
        const mark = document.createElement("mark");
        mark.textContent = piece;
        element.append(mark);
      } else {
        element.append(piece);
      }
    });
  }

  function item(data, parts) {
    const li = document.createElement("li");
    const link = document.createElement("a");
    link.href = data.url;
    link.textContent = clean((data.meta && data.meta.title) || data.url);
    const about = document.createElement("p");
    about.className = "search-about";
    about.textContent = FIRST.flatMap((name) => (data.filters && data.filters[name]) || []).join(" · ");
    const excerpt = document.createElement("p");
    highlight(excerpt, clean(data.plain_excerpt || data.excerpt.replace(/<\/?mark>/g, "")), parts);
    li.append(link, about, excerpt);
    return li;
  }

  // Which bundles (indexes into `bundles`, newest first) a query goes
  // through: all of them, or with a 年份 (year resolved) chosen, the newest
  // and those received in that year or before.
  function route(chosen) {
    const year = Number(chosen["年份"]);
    return bundles.map((b, i) => i).filter((i) => i === 0 || !year || bundles[i].year <= year);
  }

  // Let Pagefind hold exactly the first `count` bundles of `order`: merge
  // the next ones in, or start again from the newest if it holds others.
  async function hold(order, count) {
    const prefix = held.length <= count && held.every((b, i) => b === order[i]);
    if (!prefix) {
      await pagefind.destroy();
      held = [];
    }
    if (!held.length) {
      await pagefind.options(OPTIONS);
      await pagefind.init();
      held = [0];
    }
    while (held.length < count) {
      await pagefind.mergeIndex(bundles[order[held.length]].path, OPTIONS);
      held.push(order[held.length]);
    }
  }

  function years(order, count) {
    const from = bundles[order[count - 1]].year;
    return from === bundles[0].year ? from + " 年" : from + "—" + bundles[0].year + " 年";
  }

  async function search(event) {
    if (event) event.preventDefault();
    clearTimeout(timer);
    const mine = ++generation;
    const q = input.value.trim();
    const chosen = chosenFilters();
    remember(q, chosen);
    list.replaceChildren();
    more.hidden = true;
    if (!q && !Object.keys(chosen).length) {
      status.textContent = "";
      return;
    }
    status.textContent = "正在搜索……";
    const parts = q.split(/\s+/).filter(Boolean).map(norm);
    const order = route(chosen);
    const seen = new Set();
    let count = 0;
    let results = [];
    let next = 0;
    let shown = 0;

    // The next results not shown yet: those of the bundles held, then of
    // one more bundle each time these run out. False once all are done.
    async function refill() {
      while (next >= results.length) {
        if (count >= order.length) return false;
        count += 1;
        await hold(order, count);
        const found = await pagefind.search(q || null, { filters: chosen });
        if (mine !== generation) return false;
        results = found ? found.results.filter((r) => !seen.has(r.id)) : [];
        results.forEach((r) => seen.add(r.id));
        next = 0;
      }
      return true;
    }

    async function showMore() {
      let added = 0;
      while (added < PAGE && (await refill())) {
        const batch = results.slice(next, next + PAGE);
        next += batch.length;
        const pages = await Promise.all(batch.map((r) => r.data()));
        if (mine !== generation) return;
        for (const data of pages) {
          const text = norm(data.content + ((data.meta && data.meta.title) || ""));
          if (parts.every((part) => text.includes(part))) {
            list.append(item(data, parts));
            added += 1;
          }
        }
      }
      if (mine !== generation) return;
      shown += added;
      const done = next >= results.length && count >= order.length;
      more.hidden = done;
      if (shown === 0 && done) {
        status.textContent = q ? "没有找到包含“" + q + "”的案件。" : "没有符合条件的案件。";
      } else if (done) {
        status.textContent = "找到 " + shown + " 个案件。";
      } else if (next < results.length) {
        status.textContent = "已列出 " + shown + " 个案件，还有更多。";
      } else {
        status.textContent = "已列出 " + shown + " 个案件（" + years(order, count) + "受理的），还可以接着搜索更早的年份。";
      }
    }

    more.onclick = () => run(showMore);
    await run(showMore);
  }

  // One search step at a time: a step that changes the bundles Pagefind
  // holds must not run while another is searching them. A step of a query
  // typed over meanwhile stops at its next check of `generation`.
  function run(step) {
    queue = queue.then(step).catch(() => {
      status.textContent = "搜索索引加载失败，请稍后再试。";
    });
    return queue;
  }

  async function start() {
    bundles = form.dataset.bundles.split(" ").filter(Boolean).map((bundle) => {
      const path = new URL(bundle, document.baseURI).pathname;
      return { path: path, year: Number(path.match(/(\d{4})\/?$/)[1]) };
    });
    if (!bundles.length) {
      status.textContent = "目前还没有公开的案件可以搜索。";
      return;
    }
    try {
      pagefind = await import(bundles[0].path + "pagefind.js");
      await hold([0], 1);
    } catch (e) {
      status.textContent = location.protocol === "file:"
        ? "站内搜索需要通过网站服务器打开本页（直接打开硬盘上的文件时，浏览器不允许读取搜索索引）。"
        : "搜索索引加载失败，请稍后再试。";
      return;
    }
    const params = new URLSearchParams(location.search);
    addFilters(JSON.parse(form.dataset.filters || "{}"), params);
    input.value = params.get("q") || "";
    form.hidden = false;
    form.addEventListener("submit", search);
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(search, 300);
    });
    input.focus();
    await search();
  }

  start();
})();
