// The swimlane editor of a process map (ui/process_maps.go): lanes down the
// left, time across, numbered activity cards and arrows. Cards move by
// dragging (pointer events) or with the keyboard (Tab to a card, the arrow
// keys move it, Enter edits it, Delete removes it); Ctrl+Z and the Undo
// button step back. Save sends the whole map to PATCH /api/v1/process-maps/{id}
// with If-Match, so a map someone else saved meanwhile is not overwritten.
// The geometry is internal/processmap/svg.go's: keep the numbers in step.
(function () {
  "use strict";
  var dataEl = document.getElementById("map-data");
  var root = document.getElementById("map-editor");
  if (!dataEl || !root) return;
  var G = { laneHeader: 170, axisHeight: 34, rowHeight: 84, boxHeight: 58, boxMin: 130, boxMax: 420, unit: 120, margin: 24 };
  var FAIL = "#c0392b";
  var SVGNS = "http://www.w3.org/2000/svg";
  var data = JSON.parse(dataEl.textContent);
  var state = {
    name: data.name, description: data.description || "", time_unit: data.time_unit,
    lanes: data.lanes || [], activities: data.activities || [], arrows: data.arrows || []
  };
  var marked = {};
  (data.marked || []).forEach(function (k) { marked[k] = true; });
  var version = data.version;
  var history = [];
  var selected = null; // an activity's key
  var dirty = false;

  var $ = function (id) { return document.getElementById(id); };
  var canvas = $("editor-canvas");
  var status = $("editor-status");
  var errors = $("editor-errors");

  function minutesOf(unit) { return unit === "minutes" ? 1 : unit === "hours" ? 60 : unit === "days" ? 1440 : 0; }
  function unitWords(n, unit) { return String(n) + " " + (n === 1 ? unit.slice(0, -1) : unit); }
  function activity(key) { return state.activities.find(function (a) { return a.key === key; }); }
  function lane(key) { return state.lanes.find(function (l) { return l.key === key; }); }
  function laneIndex(key) { return state.lanes.findIndex(function (l) { return l.key === key; }); }

  function snapshot() { return JSON.stringify(state); }
  // change records the state before a change, for undo.
  function change() {
    history.push(snapshot());
    if (history.length > 200) history.shift();
    dirty = true;
    $("undo").disabled = false;
  }
  function undo() {
    if (!history.length) return;
    state = JSON.parse(history.pop());
    $("undo").disabled = history.length === 0;
    if (selected && !activity(selected)) selected = null;
    say("Undone.");
    renderAll(selected);
  }
  function say(msg) { status.textContent = msg; }

  function uniqueKey(base, taken) {
    var k = base, n = 2;
    while (taken(k)) { k = base + "-" + n; n++; }
    return k;
  }
  function renumber() {
    state.activities.sort(function (a, b) { return a.number - b.number; });
    state.activities.forEach(function (a, i) { a.number = i + 1; });
  }

  function layout() {
    var rows = {}, top = {}, height = {}, boxes = {};
    state.activities.forEach(function (a) { rows[a.lane] = Math.max(rows[a.lane] || 0, (a.position.y || 0) + 1); });
    var y = G.axisHeight;
    state.lanes.forEach(function (l) {
      top[l.key] = y;
      height[l.key] = Math.max(rows[l.key] || 0, 1) * G.rowHeight;
      y += height[l.key];
    });
    var right = 0, unit = minutesOf(state.time_unit);
    state.activities.forEach(function (a) {
      var w = Math.min(Math.max(a.duration * minutesOf(a.duration_unit) / unit * G.unit, G.boxMin), G.boxMax);
      var b = { x: G.laneHeader + 12 + a.position.x * G.unit, y: (top[a.lane] || G.axisHeight) + (a.position.y || 0) * G.rowHeight + (G.rowHeight - G.boxHeight) / 2, w: w };
      boxes[a.key] = b;
      right = Math.max(right, b.x + b.w);
    });
    return { top: top, height: height, boxes: boxes, bottom: y, width: Math.max(right + G.margin + G.unit * 2, 720) };
  }

  function el(name, attrs, parent, text) {
    var e = document.createElementNS(SVGNS, name);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }

  var L; // the current layout
  function render(focusKey) {
    L = layout();
    var h = L.bottom + G.margin;
    var svg = el("svg", { "class": "process-map-svg editing", width: L.width, height: h, viewBox: "0 0 " + L.width + " " + h,
      "font-family": "system-ui, sans-serif", "font-size": "13", role: "group", "aria-label": "Activities of the map" });
    var defs = el("defs", {}, svg);
    var mk = el("marker", { id: "ed-arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 8, markerHeight: 8, orient: "auto-start-reverse" }, defs);
    el("path", { d: "M0,0 L10,5 L0,10 z", fill: "#444" }, mk);
    var mf = el("marker", { id: "ed-arrow-fail", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 8, markerHeight: 8, orient: "auto-start-reverse" }, defs);
    el("path", { d: "M0,0 L10,5 L0,10 z", fill: FAIL }, mf);
    el("rect", { width: L.width, height: h, fill: "#fff" }, svg);
    var ticks = Math.floor((L.width - G.laneHeader - 12) / G.unit);
    var short = state.time_unit === "minutes" ? "min" : state.time_unit === "hours" ? "h" : "d";
    el("text", { x: 12, y: 22, "font-weight": 600 }, svg, "Time (" + state.time_unit + ")");
    for (var i = 0; i <= ticks; i++) {
      var x = G.laneHeader + 12 + i * G.unit;
      el("line", { x1: x, y1: G.axisHeight - 6, x2: x, y2: L.bottom, stroke: "#e3e3e3" }, svg);
      el("text", { x: x + 3, y: 22, fill: "#555" }, svg, i + " " + short);
    }
    state.lanes.forEach(function (l, i) {
      var top = L.top[l.key], lh = L.height[l.key];
      var g = el("g", { "class": "pm-lane", id: "lane-" + l.key }, svg);
      el("rect", { x: 0, y: top, width: L.width, height: lh, fill: i % 2 ? "#fdfdfd" : "#f7f7f7", stroke: "#ccc" }, g);
      el("rect", { x: 0, y: top, width: G.laneHeader, height: lh, fill: "#eef2f6", stroke: "#ccc" }, g);
      el("text", { x: 10, y: top + 24, "font-weight": 600 }, g, l.name.length > 20 ? l.name.slice(0, 19) + "…" : l.name);
      if (l.customer_facing) el("text", { x: 10, y: top + 42, fill: "#555", "font-size": 11 }, g, "customer sees");
      var next = state.lanes[i + 1];
      if (l.customer_facing && next && !next.customer_facing) {
        el("line", { x1: 0, y1: top + lh, x2: L.width, y2: top + lh, stroke: "#1f5fa8", "stroke-width": 2, "stroke-dasharray": "8 5" }, svg);
      }
    });
    state.arrows.forEach(function (r) {
      var f = L.boxes[r.from], t = L.boxes[r.to];
      if (!f || !t) return;
      var x1 = f.x + f.w, y1 = f.y + G.boxHeight / 2, x2 = t.x, y2 = t.y + G.boxHeight / 2, d, my = (y1 + y2) / 2;
      if (x2 >= x1 + 10) {
        var dx = Math.max((x2 - x1) / 2, 20);
        d = "M" + x1 + "," + y1 + " C" + (x1 + dx) + "," + y1 + " " + (x2 - dx) + "," + y2 + " " + x2 + "," + y2;
      } else {
        var low = Math.max(f.y, t.y) + G.boxHeight + 14;
        d = "M" + x1 + "," + y1 + " C" + (x1 + 60) + "," + (low + 30) + " " + (x2 - 60) + "," + (low + 30) + " " + x2 + "," + y2;
        my = low + 30;
      }
      var fail = marked["r:" + r.key];
      var g = el("g", { "class": "pm-arrow" + (fail ? " fail" : ""), id: "arrow-" + r.key }, svg);
      el("path", { d: d, fill: "none", stroke: fail ? FAIL : "#444", "stroke-width": fail ? 3 : 1.5, "marker-end": "url(#" + (fail ? "ed-arrow-fail" : "ed-arrow") + ")" }, g);
      if (r.label) el("text", { x: (x1 + x2) / 2, y: my - 6, "font-size": 11, "text-anchor": "middle", "paint-order": "stroke", stroke: "#fff", "stroke-width": 3 }, g, r.label);
    });
    state.activities.forEach(function (a) {
      var b = L.boxes[a.key], fail = marked["a:" + a.key], sel = a.key === selected;
      var ln = lane(a.lane);
      var g = el("g", { "class": "pm-activity" + (fail ? " fail" : "") + (sel ? " selected" : ""), id: "activity-" + a.key, "data-key": a.key,
        tabindex: 0, role: "button", "aria-pressed": sel ? "true" : "false",
        "aria-label": a.number + ". " + a.name + ", " + (ln ? ln.name : "") + ", " + unitWords(a.duration, a.duration_unit) + ", starts at " + a.position.x + " " + state.time_unit }, svg);
      el("rect", { x: b.x, y: b.y, width: b.w, height: G.boxHeight, rx: 6, fill: sel ? "#fff8e1" : "#fff", stroke: fail ? FAIL : "#335", "stroke-width": fail || sel ? 3 : 1.5 }, g);
      el("circle", { cx: b.x + 16, cy: b.y + 16, r: 11, fill: "#335" }, g);
      el("text", { x: b.x + 16, y: b.y + 20, fill: "#fff", "font-size": 12, "text-anchor": "middle", "font-weight": 700 }, g, String(a.number));
      var chars = Math.max(Math.floor((b.w - 40) / 7), 8);
      el("text", { x: b.x + 32, y: b.y + 21, "font-weight": 600 }, g, a.name.length > chars ? a.name.slice(0, chars - 1) + "…" : a.name);
      el("text", { x: b.x + 10, y: b.y + 45, fill: "#555", "font-size": 12 }, g, unitWords(a.duration, a.duration_unit));
      g.addEventListener("pointerdown", startDrag);
      g.addEventListener("keydown", onKey);
      g.addEventListener("focus", function () {
        if (selected === a.key) return;
        selected = a.key;
        renderPanel();
        if (!drag) render(a.key); // while a drag starts, the card it holds must stay: endDrag redraws
      });
    });
    canvas.replaceChildren(svg);
    if (focusKey) {
      var f = $("activity-" + focusKey);
      if (f) f.focus({ preventScroll: false });
    }
  }

  // Dragging a card: along the time axis (snapped to a quarter unit) and
  // into the lane (and row) under the pointer.
  var drag = null;
  function svgPoint(ev) {
    var svg = canvas.querySelector("svg");
    var r = svg.getBoundingClientRect();
    return { x: (ev.clientX - r.left) * (L.width / r.width), y: (ev.clientY - r.top) * ((L.bottom + G.margin) / r.height) };
  }
  function startDrag(ev) {
    if (ev.button !== 0) return;
    var key = this.getAttribute("data-key");
    var a = activity(key);
    var p = svgPoint(ev);
    drag = { key: key, start: p, x: a.position.x, moved: false, pointer: ev.pointerId, g: this };
    this.setPointerCapture(ev.pointerId);
    this.addEventListener("pointermove", onDrag);
    this.addEventListener("pointerup", endDrag);
    this.addEventListener("pointercancel", endDrag);
    selected = key;
    renderPanel();
  }
  function onDrag(ev) {
    if (!drag) return;
    var p = svgPoint(ev);
    var dx = p.x - drag.start.x;
    if (!drag.moved && Math.abs(dx) < 4 && Math.abs(p.y - drag.start.y) < 4) return;
    var a = activity(drag.key);
    if (!drag.moved) { change(); drag.moved = true; }
    a.position.x = Math.max(0, Math.round((drag.x + dx / G.unit) * 4) / 4);
    var over = state.lanes.find(function (l) { return p.y >= L.top[l.key] && p.y < L.top[l.key] + L.height[l.key]; });
    if (over) {
      a.lane = over.key;
      a.position.y = Math.max(0, Math.min(19, Math.floor((p.y - L.top[over.key]) / G.rowHeight)));
    }
    var b = L.boxes[a.key];
    // Move the card now; the whole drawing is redone when the drag ends.
    drag.g.setAttribute("transform", "translate(" + (G.laneHeader + 12 + a.position.x * G.unit - b.x) + "," +
      ((L.top[a.lane] || 0) + a.position.y * G.rowHeight + (G.rowHeight - G.boxHeight) / 2 - b.y) + ")");
  }
  function endDrag(ev) {
    if (!drag) return;
    var key = drag.key, moved = drag.moved;
    drag.g.releasePointerCapture(drag.pointer);
    drag = null;
    if (moved) {
      var a = activity(key);
      say("Moved " + a.number + " " + a.name + " to " + a.position.x + " " + state.time_unit + " in " + lane(a.lane).name + ".");
    }
    renderAll(key);
  }

  function onKey(ev) {
    var key = this.getAttribute("data-key");
    var a = activity(key);
    var step = ev.shiftKey ? 0.25 : 1;
    var i = laneIndex(a.lane);
    switch (ev.key) {
      case "ArrowLeft":
        change(); a.position.x = Math.max(0, Math.round((a.position.x - step) * 4) / 4); break;
      case "ArrowRight":
        change(); a.position.x = Math.round((a.position.x + step) * 4) / 4; break;
      case "ArrowUp":
        if (i <= 0) return;
        change(); a.lane = state.lanes[i - 1].key; a.position.y = 0; break;
      case "ArrowDown":
        if (i >= state.lanes.length - 1) return;
        change(); a.lane = state.lanes[i + 1].key; a.position.y = 0; break;
      case "Enter":
        ev.preventDefault(); select(key, false); $("act-name").focus(); $("act-name").select(); return;
      case "Delete":
      case "Backspace":
        ev.preventDefault(); removeActivity(key); return;
      default:
        return;
    }
    ev.preventDefault();
    say(a.number + " " + a.name + ": " + lane(a.lane).name + ", starts at " + a.position.x + " " + state.time_unit + ".");
    renderAll(key);
  }

  function select(key, keepFocus) {
    selected = key;
    renderPanel();
    if (!keepFocus) render(null); else render(key);
  }

  function removeActivity(key) {
    var a = activity(key);
    if (!a) return;
    if (marked["a:" + key] || state.arrows.some(function (r) { return marked["r:" + r.key] && (r.from === key || r.to === key); })) {
      say("Activity " + a.number + " carries a fail point: it stays on the map until the fail point is resolved.");
      return;
    }
    change();
    state.activities = state.activities.filter(function (x) { return x.key !== key; });
    state.arrows = state.arrows.filter(function (r) { return r.from !== key && r.to !== key; });
    renumber();
    selected = null;
    say("Removed " + a.name + ".");
    renderAll();
  }

  function option(value, label, current) {
    var o = document.createElement("option");
    o.value = value; o.textContent = label;
    if (value === current) o.selected = true;
    return o;
  }

  function renderPanel() {
    $("map-name-input").value = state.name;
    $("map-desc-input").value = state.description;
    $("map-unit-input").value = state.time_unit;
    var a = selected && activity(selected);
    $("activity-panel").hidden = !a;
    if (a) {
      $("activity-number").textContent = a.number;
      $("act-name").value = a.name;
      $("act-desc").value = a.description || "";
      $("act-lane").replaceChildren.apply($("act-lane"), state.lanes.map(function (l) { return option(l.key, l.name, a.lane); }));
      $("act-number").value = a.number;
      $("act-number").max = state.activities.length;
      $("act-duration").value = a.duration;
      $("act-unit").value = a.duration_unit;
      $("act-start").value = a.position.x;
      var others = state.activities.filter(function (x) { return x.key !== a.key; });
      $("arrow-to").replaceChildren.apply($("arrow-to"), others.map(function (x) { return option(x.key, x.number + " " + x.name, ""); }));
      $("add-arrow").disabled = others.length === 0;
    }
    var lanes = state.lanes.map(function (l, i) {
      var li = document.createElement("li");
      li.id = "lane-item-" + l.key;
      var name = document.createElement("input");
      name.value = l.name; name.maxLength = 100; name.setAttribute("aria-label", "Name of lane " + (i + 1));
      name.className = "lane-name";
      name.addEventListener("change", function () { change(); l.name = name.value; renderAll(); });
      var lab = document.createElement("label");
      var cb = document.createElement("input");
      cb.type = "checkbox"; cb.checked = !!l.customer_facing; cb.className = "lane-facing";
      cb.addEventListener("change", function () { change(); l.customer_facing = cb.checked; renderAll(); });
      lab.append(cb, " customer sees it");
      var up = button("Up", "Move lane " + l.name + " up", i === 0, function () { change(); state.lanes.splice(i - 1, 0, state.lanes.splice(i, 1)[0]); renderAll(); });
      var down = button("Down", "Move lane " + l.name + " down", i === state.lanes.length - 1, function () { change(); state.lanes.splice(i + 1, 0, state.lanes.splice(i, 1)[0]); renderAll(); });
      var used = state.activities.some(function (x) { return x.lane === l.key; });
      var rm = button("Remove", "Remove lane " + l.name, used, function () { change(); state.lanes.splice(i, 1); renderAll(); });
      if (used) rm.title = "Move its activities to another lane first";
      li.append(name, lab, up, down, rm);
      return li;
    });
    $("lane-list").replaceChildren.apply($("lane-list"), lanes);
    var arrows = state.arrows.map(function (r, i) {
      var li = document.createElement("li");
      li.id = "arrow-item-" + r.key;
      var f = activity(r.from), t = activity(r.to);
      var text = document.createElement("span");
      text.textContent = (f ? f.number + " " + f.name : r.from) + " → " + (t ? t.number + " " + t.name : r.to) + " ";
      var label = document.createElement("input");
      label.value = r.label || ""; label.maxLength = 60; label.placeholder = "label";
      label.setAttribute("aria-label", "Label of the arrow " + text.textContent);
      label.addEventListener("change", function () { change(); r.label = label.value; renderAll(); });
      var rm = button("Remove", "Remove the arrow " + text.textContent, !!marked["r:" + r.key], function () { change(); state.arrows.splice(i, 1); renderAll(); });
      li.append(text, label, rm);
      return li;
    });
    $("arrow-list").replaceChildren.apply($("arrow-list"), arrows);
  }

  function button(text, label, disabled, fn) {
    var b = document.createElement("button");
    b.type = "button"; b.className = "secondary small"; b.textContent = text;
    b.setAttribute("aria-label", label); b.disabled = disabled;
    b.addEventListener("click", fn);
    return b;
  }

  function renderAll(focusKey) {
    renderPanel();
    render(focusKey);
  }

  // The fields of the panel.
  function bindMap(id, fn) {
    $(id).addEventListener("change", function () { change(); fn($(id).value); renderAll(); });
  }
  bindMap("map-name-input", function (v) { state.name = v; });
  bindMap("map-desc-input", function (v) { state.description = v; });
  bindMap("map-unit-input", function (v) { state.time_unit = v; });
  function bindAct(id, fn) {
    $(id).addEventListener("change", function () {
      var a = selected && activity(selected);
      if (!a) return;
      change(); fn(a, $(id).value); renderAll();
    });
  }
  bindAct("act-name", function (a, v) { a.name = v; });
  bindAct("act-desc", function (a, v) { a.description = v; });
  bindAct("act-lane", function (a, v) { a.lane = v; a.position.y = 0; });
  bindAct("act-duration", function (a, v) { a.duration = Math.max(0, Number(v) || 0); });
  bindAct("act-unit", function (a, v) { a.duration_unit = v; });
  bindAct("act-start", function (a, v) { a.position.x = Math.max(0, Number(v) || 0); });
  bindAct("act-number", function (a, v) {
    var n = Math.max(1, Math.min(state.activities.length, Math.round(Number(v) || a.number)));
    state.activities = state.activities.filter(function (x) { return x !== a; });
    state.activities.splice(n - 1, 0, a);
    state.activities.forEach(function (x, i) { x.number = i + 1; });
  });

  $("add-lane").addEventListener("click", function () {
    change();
    var n = state.lanes.length + 1;
    var key = uniqueKey("lane-" + n, function (k) { return !!lane(k); });
    state.lanes.push({ key: key, name: "Lane " + n, customer_facing: false });
    renderAll();
    var input = document.querySelector("#lane-item-" + key + " .lane-name");
    if (input) { input.focus(); input.select(); }
    say("Lane added: name it in the list of lanes.");
  });

  $("add-activity").addEventListener("click", function () {
    if (!state.lanes.length) { say("Add a lane first: every activity is done by someone."); return; }
    change();
    var sel = selected && activity(selected);
    var laneKey = sel ? sel.lane : state.lanes[0].key;
    var unit = minutesOf(state.time_unit), end = 0;
    state.activities.forEach(function (a) {
      if (a.lane === laneKey) end = Math.max(end, a.position.x + Math.max(a.duration * minutesOf(a.duration_unit) / unit, G.boxMin / G.unit) + 0.25);
    });
    var n = state.activities.length + 1;
    var key = uniqueKey("activity-" + n, function (k) { return !!activity(k); });
    state.activities.push({ key: key, number: n, name: "Activity " + n, description: "", lane: laneKey, duration: 1,
      duration_unit: state.time_unit, position: { x: Math.ceil(end * 4) / 4, y: 0 } });
    selected = key;
    renderAll();
    $("act-name").focus();
    $("act-name").select();
    say("Activity " + n + " added: name it.");
  });

  $("add-arrow").addEventListener("click", function () {
    var a = selected && activity(selected);
    var to = $("arrow-to").value;
    if (!a || !to) return;
    var label = $("arrow-label").value.trim();
    if (state.arrows.some(function (r) { return r.from === a.key && r.to === to && (r.label || "") === label; })) {
      say("That arrow is on the map already."); return;
    }
    change();
    var key = uniqueKey("arrow-" + (state.arrows.length + 1), function (k) { return state.arrows.some(function (r) { return r.key === k; }); });
    state.arrows.push({ key: key, from: a.key, to: to, label: label });
    $("arrow-label").value = "";
    say("Arrow added from " + a.name + " to " + activity(to).name + ".");
    renderAll();
  });
  $("delete-activity").addEventListener("click", function () { if (selected) removeActivity(selected); });
  $("undo").addEventListener("click", undo);
  document.addEventListener("keydown", function (ev) {
    if ((ev.ctrlKey || ev.metaKey) && !ev.shiftKey && ev.key.toLowerCase() === "z") {
      var t = ev.target;
      if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA")) return; // the field's own undo
      ev.preventDefault();
      undo();
    }
  });

  $("save-map").addEventListener("click", function () {
    errors.hidden = true;
    say("Saving…");
    var body = {
      name: state.name, description: state.description, time_unit: state.time_unit,
      lanes: state.lanes.map(function (l) { return { key: l.key, name: l.name, customer_facing: !!l.customer_facing }; }),
      activities: state.activities.map(function (a) {
        return { key: a.key, number: a.number, name: a.name, description: a.description || "", lane: a.lane,
          duration: Number(a.duration) || 0, duration_unit: a.duration_unit, position: { x: Number(a.position.x) || 0, y: a.position.y || 0 } };
      }),
      arrows: state.arrows.map(function (r) { return { key: r.key, from: r.from, to: r.to, label: r.label || "" }; })
    };
    fetch("/api/v1/process-maps/" + data.id, {
      method: "PATCH", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "If-Match": '"' + version + '"' },
      body: JSON.stringify(body)
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (out) { return { res: res, out: out }; });
    }).then(function (r) {
      if (r.res.ok) {
        version = r.out.version;
        dirty = false;
        say("Saved: version " + version + ".");
        return;
      }
      var lines = [];
      if (r.res.status === 412) {
        lines.push("Someone else saved this map since you opened it. Reload the page to see their version; your changes here are not saved.");
      } else {
        lines.push(r.out.detail || "The map could not be saved.");
        (r.out.errors || []).forEach(function (e) { lines.push((e.location || "").replace(/^body\./, "") + ": " + e.message); });
      }
      errors.replaceChildren.apply(errors, lines.map(function (l) { var p = document.createElement("p"); p.textContent = l; return p; }));
      errors.hidden = false;
      say("Not saved.");
    }).catch(function () { say("Not saved: the server could not be reached."); });
  });
  window.addEventListener("beforeunload", function (ev) { if (dirty) { ev.preventDefault(); } });

  renderAll();
})();
