// facecoach: live updates of the Session page, and its buttons without reloading.
// The page works without this script too (the buttons are plain form posts).
"use strict";
(function () {
  const live = document.getElementById("live");
  const remote = document.getElementById("remote");
  if (!live) { return; }
  const $ = (id) => document.getElementById(id);
  let left = parseFloat(live.dataset.left) || 0;
  let total = parseFloat(live.dataset.total) || 0;
  let state = live.dataset.state;
  let stamp = performance.now();
  let version = 0;
  const TIMER_WORDS = { hold: "Hold", rest: "Rest", ready: "Get ready" };

  function setText(id, text) {
    const el = $(id);
    if (el && el.textContent !== text) { el.textContent = text; }
  }

  // the same words as session_status() in session.py
  function statusText(snap) {
    if (snap.state === "paused") {
      return snap.listening ? "Paused. Press Continue or say \"continue\" to go on."
        : "Paused. Press Continue to go on.";
    }
    if (snap.state === "finished") { return "The session has ended."; }
    if (snap.state === "running" || snap.state === "starting") { return "Session running: " + snap.routine; }
    return "No session is running.";
  }

  function showPicture(id) {
    document.querySelectorAll("#now-pic figure").forEach((figure) => {
      figure.hidden = figure.dataset.exercise !== id;
    });
  }

  function showEnd(ended) {
    const box = $("ended");
    if (!box) { return; }
    const was = !box.hidden;
    box.hidden = !ended;
    document.querySelectorAll("#remote button, .dock button").forEach((b) => { b.disabled = ended; });
    if (ended && !was) {  // the pressed button is now disabled: bring focus to the end
      const heading = $("ended-h");
      if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
    }
  }

  function drawTimer() {
    const timer = $("timer");
    if (!timer) { return; }
    const now = performance.now();
    const shown = state === "running" ? Math.max(0, left - (now - stamp) / 1000) : left;
    const whole = Math.ceil(shown - 0.05);
    setText("timer-left", String(Math.max(0, whole)));
    const bar = $("bar");
    if (bar) { bar.setAttribute("aria-valuenow", String(Math.max(0, whole))); }
    const fill = $("fill");
    if (fill) { fill.style.width = (total > 0 ? (100 * shown / total) : 0).toFixed(1) + "%"; }
  }

  function apply(snap) {
    if (snap.version && snap.version < version) { return; }
    version = snap.version || version;
    state = snap.state;
    live.dataset.state = state;
    setText("status", statusText(snap));
    setText("exercise", snap.exercise || snap.routine || "No session is running");
    setText("rep", snap.rep || "");
    setText("saying", snap.saying || "");
    setText("coming", snap.coming || "-");
    setText("heard", snap.heard || "nothing yet");
    setText("output", snap.output || "-");
    setText("message", snap.message || "");
    setText("finished", snap.finished || "");
    const timer = $("timer");
    if (timer) {
      timer.hidden = !snap.timer || snap.state === "finished";
      setText("timer-kind", TIMER_WORDS[snap.timer] || "Wait");
      const bar = $("bar");
      if (bar) { bar.setAttribute("aria-valuemax", String(Math.round(snap.timer_total))); }
    }
    left = snap.timer_left; total = snap.timer_total; stamp = performance.now();
    const pause = $("pause");
    if (pause) { pause.textContent = state === "paused" ? "Continue" : "Pause"; }
    live.dataset.listening = snap.listening ? "yes" : "no";
    const voice = $("hint-voice");
    const buttons = $("hint-buttons");
    if (voice && buttons) { voice.hidden = !snap.listening; buttons.hidden = !!snap.listening; }
    if (state === "finished") { showPicture(""); } else if (snap.exercise_id) { showPicture(snap.exercise_id); }
    showEnd(state === "finished");
    drawTimer();
  }

  if (window.EventSource) {
    const source = new EventSource("/events");
    source.onmessage = (event) => { apply(JSON.parse(event.data)); };
  }
  window.setInterval(drawTimer, 250);

  if (remote) {
    remote.addEventListener("submit", (event) => {
      const button = event.submitter;
      if (!button || !window.fetch) { return; }
      event.preventDefault();
      const body = new URLSearchParams({ command: button.value });
      fetch("/session/command", {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
      }).then((response) => {
        if (!response.ok) { setText("message", "That did not reach the session. Please try again."); }
      }).catch(() => { setText("message", "facecoach is not answering. Is it still running?"); });
    });
  }
})();

// The Your voice page: follow a running enrolment, and show its end in full.
(function () {
  const box = document.getElementById("enrolment");
  if (!box || !window.fetch) { return; }
  const running = (state) => state === "starting" || state === "running";
  if (!running(box.dataset.state)) { return; }
  const $ = (id) => document.getElementById(id);
  function setText(id, text) {
    const el = $(id);
    if (el && el.textContent !== text) { el.textContent = text; }
  }
  function apply(status) {
    if (!running(status.state)) { window.location.reload(); return; }
    box.dataset.state = status.state;
    setText("enrol-status", status.words);
    setText("enrol-count", status.count);
    setText("enrol-phrase", status.phrase);
    setText("enrol-heard", status.heard || "nothing yet");
    const live = $("enrol-live");
    if (live) { live.hidden = status.state !== "running"; }
  }
  function poll() {
    fetch("/voice/status", { credentials: "same-origin" })
      .then((response) => response.json())
      .then((status) => { apply(status); if (running(status.state)) { window.setTimeout(poll, 700); } })
      .catch(() => { setText("enrol-status", "facecoach is not answering. Is it still running?"); });
  }
  window.setTimeout(poll, 700);
})();
