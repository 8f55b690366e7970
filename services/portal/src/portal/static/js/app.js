// chibo portal: the little the pages need beyond HTML. Forms work without it; with it:
// (1) forms marked data-offline are queued on this device when there is no connection and
//     sent once, with their Idempotency-Key, when it comes back; the banner says what waits;
// (2) forms marked data-form-key keep what was typed on this device until it is sent;
// (3) the error summary takes the focus; changing the meeting date reloads the roll.
(function () {
  "use strict";
  var QUEUE = "chibo-hang-cho";
  var DRAFT = "chibo-nhap:";
  var sending = false;

  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }
  function read(key, fallback) {
    try { return JSON.parse(localStorage.getItem(key)) || fallback; } catch (e) { return fallback; }
  }
  function write(key, value) { localStorage.setItem(key, JSON.stringify(value)); }
  function queue() { return read(QUEUE, []); }
  function fields(form, submitter) {
    var data = new FormData(form);
    if (submitter && submitter.name) data.set(submitter.name, submitter.value);
    var out = [];
    data.forEach(function (value, name) {
      if (name !== "csrf_token" && typeof value === "string") out.push([name, value]);
    });
    return out;
  }
  function when(iso) {
    var d = new Date(iso);
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return two(d.getHours()) + ":" + two(d.getMinutes()) + " " + two(d.getDate()) + "/" +
      two(d.getMonth() + 1) + "/" + d.getFullYear();
  }
  function text(el, value) { el.textContent = value; return el; }
  function make(tag, cls, value) {
    var el = document.createElement(tag);
    if (cls) el.className = cls;
    if (value !== undefined) text(el, value);
    return el;
  }

  // ---- the banner: what waits to be sent, what was sent, what needs the person
  function banner(message) {
    var box = document.getElementById("hang-cho");
    if (!box) return;
    var items = queue();
    box.replaceChildren();
    if (message) box.appendChild(make("p", "sent", "")).appendChild(message);
    if (items.length) {
      box.appendChild(make("p", "", "Đang chờ gửi " + items.length + " mục (đã lưu trên máy này, tự gửi một lần khi có mạng):"));
      var list = box.appendChild(make("ul"));
      items.forEach(function (item) {
        var li = list.appendChild(make("li", "", item.label + " – lưu lúc " + when(item.saved_at)));
        if (item.state === "invalid") {
          li.appendChild(document.createTextNode(" – cần sửa: "));
          var fix = li.appendChild(make("a", "", "mở lại để sửa"));
          fix.href = item.url;
          fix.dataset.fix = item.key;
        } else if (item.state === "signin") {
          li.appendChild(document.createTextNode(" – "));
          var link = li.appendChild(make("a", "", "đăng nhập lại để gửi"));
          link.href = "/dang-nhap?next=" + encodeURIComponent(location.pathname);
        }
      });
      var now = box.appendChild(make("button", "secondary small", "Gửi ngay"));
      now.type = "button";
      now.addEventListener("click", sync);
    }
    box.hidden = !box.childElementCount;
  }

  function enqueue(form, submitter) {
    var items = queue();
    var data = fields(form, submitter);
    var key = (data.find(function (p) { return p[0] === "idempotency_key"; }) || [])[1] ||
      String(Date.now());
    items = items.filter(function (item) { return item.key !== key; });
    items.push({
      key: key, url: form.getAttribute("action") || location.pathname, fields: data,
      label: form.dataset.label || document.title, saved_at: new Date().toISOString(),
      state: "waiting", form_key: form.dataset.formKey || ""
    });
    write(QUEUE, items);
    if (form.dataset.formKey) localStorage.removeItem(DRAFT + form.dataset.formKey);
    banner(null);
  }

  function sync() {
    if (sending || !navigator.onLine || !csrf()) return;
    var items = queue();
    if (!items.length) return;
    sending = true;
    var item = items[0];
    var body = new URLSearchParams();
    item.fields.forEach(function (p) { body.append(p[0], p[1]); });
    body.append("csrf_token", csrf());
    fetch(item.url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-Portal-Replay": "1", "Accept": "application/json" }
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        var rest = queue().filter(function (i) { return i.key !== item.key; });
        if (response.ok) {
          write(QUEUE, rest);
          // Already recorded (a 409 from meetings): not an error to send again, the record.
          var link = answer.status === "exists"
            ? make("a", "", (answer.message || "Đã ghi nhận trước đó") + ": " + item.label + ". Xem")
            : make("a", "", "Đã gửi: " + item.label + ". Xem");
          link.href = answer.url || "/";
          banner(link);
          sending = false;
          sync();
          return;
        }
        var state = response.status === 422 ? "invalid" : (response.status === 401 || response.status === 403) ? "signin" : "waiting";
        write(QUEUE, queue().map(function (i) {
          if (i.key === item.key) { i.state = state; i.errors = answer.errors || []; }
          return i;
        }));
        sending = false;
        banner(null);
      });
    }).catch(function () { sending = false; banner(null); });
  }

  // ---- forms: queue when offline; keep what was typed
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var action = submitter && submitter.name === "action" ? submitter.value : "gui";
    if (form.dataset.formKey && (action === "gui" || action === "luu-nhap")) {
      if (navigator.onLine) localStorage.removeItem(DRAFT + form.dataset.formKey);
    }
    if (form.dataset.offline && action === "gui" && !navigator.onLine) {
      event.preventDefault();
      enqueue(form, submitter);
      window.scrollTo(0, 0);
    }
  });

  function autosave(form) {
    var key = DRAFT + form.dataset.formKey;
    var saved = read(key, null);
    var timer = null;
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        write(key, { saved_at: new Date().toISOString(), fields: fields(form, null) });
      }, 400);
    });
    var fixing = queue().find(function (i) { return i.state === "invalid" && i.url === form.getAttribute("action"); });
    if (fixing) saved = { saved_at: fixing.saved_at, fields: fixing.fields };
    var offer = document.getElementById("khoi-phuc");
    if (!saved || !offer) return;
    var current = JSON.stringify(fields(form, null));
    var kept = saved.fields.filter(function (p) { return p[0] !== "action"; });
    if (JSON.stringify(kept) === current) return;
    text(offer.querySelector("[data-saved-at]"), when(saved.saved_at));
    offer.hidden = false;
    offer.querySelector("[data-restore]").addEventListener("click", function () {
      restore(form, kept);
      if (fixing) write(QUEUE, queue().filter(function (i) { return i.key !== fixing.key; }));
      offer.hidden = true;
    });
    offer.querySelector("[data-discard]").addEventListener("click", function () {
      localStorage.removeItem(key);
      offer.hidden = true;
    });
  }

  function restore(form, pairs) {
    var byName = {};
    pairs.forEach(function (p) { (byName[p[0]] = byName[p[0]] || []).push(p[1]); });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrf_token" || el.type === "submit") return;
      var values = byName[el.name] || [];
      if (el.type === "checkbox" || el.type === "radio") el.checked = values.indexOf(el.value) !== -1;
      else if (values.length) el.value = values[0];
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-focus]");
    if (summary) summary.focus();
    var date = document.querySelector("[data-reload-roster]");
    if (date) {
      date.addEventListener("change", function () {
        if (!navigator.onLine) return;
        var button = date.form.querySelector('button[value="doi-ngay"]');
        if (button) date.form.requestSubmit(button);
      });
    }
    Array.prototype.forEach.call(document.querySelectorAll("form[data-form-key]"), autosave);
    if (!csrf() && "serviceWorker" in navigator && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage("quen-trang");
    }
    banner(null);
    sync();
  });
  window.addEventListener("online", sync);
  window.addEventListener("offline", function () { banner(null); });
  setInterval(sync, 20000);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
  }
})();
