// The progress check: camera -> face model (in this page) -> a few landmark numbers per
// frame -> /progress/check. The camera image never leaves the page.
"use strict";

(() => {
  const box = document.getElementById("progress-check");
  if (!box || box.dataset.ready !== "yes") return;

  const POINTS = box.dataset.points.split(",").map(Number);
  const SETTLE_MS = Number(box.dataset.settle || 1800); // time to make the expression
  const MAX_MS = 10000; // give up on an expression after this long
  const WANT = 16; // views per expression: half as seen, half mirrored
  const MAX_TURN = 10; // degrees, as the server checks
  const MIN_SHARE = 0.07; // eye distance as a share of the image width
  const DARK = 40; // mean brightness (0-255) below which the face cannot be seen well

  const start = document.getElementById("progress-start");
  const camera = document.getElementById("progress-camera");
  const video = document.getElementById("progress-video");
  const prompt = document.getElementById("progress-prompt");
  const status = document.getElementById("progress-status");
  const result = document.getElementById("progress-result");
  const keepPhotos = document.getElementById("progress-keep-photos");
  const steps = Array.from(document.querySelectorAll("#progress-steps li"));

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const tell = (text) => { status.textContent = text; };

  function say(text) {
    prompt.textContent = text;
    try {
      if (window.speechSynthesis) {
        window.speechSynthesis.cancel();
        window.speechSynthesis.speak(new SpeechSynthesisUtterance(text));
      }
    } catch (e) { /* written prompts are enough */ }
  }

  function loadModel() {
    if (window.FaceMesh) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const s = document.createElement("script");
      s.src = "/progress/model/face_mesh.js";
      s.onload = () => resolve();
      s.onerror = () => reject(new Error("the face model could not be loaded"));
      document.head.appendChild(s);
    });
  }

  function eyeCentre(lm, a, b, w, h) {
    return [(lm[a].x + lm[b].x) / 2 * w, (lm[a].y + lm[b].y) / 2 * h, (lm[a].z + lm[b].z) / 2 * w];
  }

  // The same limits the server applies, said at once so the person can correct.
  function advice(lm, w, h) {
    const r = eyeCentre(lm, 33, 133, w, h);
    const l = eyeCentre(lm, 263, 362, w, h);
    const d = [l[0] - r[0], l[1] - r[1], l[2] - r[2]];
    const dist = Math.hypot(d[0], d[1], d[2]);
    if (dist < MIN_SHARE * w) return "Please come a little closer to the camera.";
    const turn = Math.abs(Math.asin(Math.max(-1, Math.min(1, d[2] / dist)))) * 180 / Math.PI;
    if (turn > MAX_TURN) return "Your face is turned: please look straight at the camera.";
    return "";
  }

  function brightness(ctx, source) {
    ctx.drawImage(source, 0, 0, 32, 24);
    const px = ctx.getImageData(0, 0, 32, 24).data;
    let sum = 0;
    for (let i = 0; i < px.length; i += 4) sum += 0.299 * px[i] + 0.587 * px[i + 1] + 0.114 * px[i + 2];
    return sum / (px.length / 4);
  }

  function showResult(data, ok) {
    result.replaceChildren();
    const p = document.createElement("p");
    p.className = ok ? "big" : "result";
    p.textContent = ok ? "The check is kept. What it measured:" : data.error || "The check failed.";
    result.appendChild(p);
    if (ok) {
      const ul = document.createElement("ul");
      ul.className = "reasons";
      for (const s of data.sentences) {
        const li = document.createElement("li");
        li.textContent = s;
        ul.appendChild(li);
      }
      result.appendChild(ul);
      const a = document.createElement("a");
      a.href = "/progress";
      a.textContent = "See the charts and the kept checks";
      result.appendChild(a);
    }
  }

  // A photo only when the box is ticked: the image as the camera sees it (not mirrored).
  function photoOf(source) {
    const c = document.createElement("canvas");
    c.width = source.videoWidth;
    c.height = source.videoHeight;
    c.getContext("2d").drawImage(source, 0, 0);
    return new Promise((resolve) => c.toBlob(resolve, "image/jpeg", 0.85));
  }

  async function keepPhotosOf(check, photos) {
    for (const [expression, blob] of Object.entries(photos)) {
      if (!blob) continue;
      const query = new URLSearchParams({ check, expression });
      const reply = await fetch("/progress/photo?" + query, {
        method: "POST",
        headers: { "content-type": "image/jpeg", "x-requested-with": "fetch" },
        body: blob,
      });
      if (!reply.ok) tell("A photo was not kept: " + (await reply.text()));
    }
  }

  async function run() {
    start.disabled = true;
    result.replaceChildren();
    tell("Starting the camera…");
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { width: { ideal: 640 }, height: { ideal: 480 }, facingMode: "user" },
        audio: false,
      });
    } catch (e) {
      tell(e && e.name === "NotAllowedError"
        ? "The camera was not allowed: please allow it for this page and start again."
        : "No camera could be opened on this computer.");
      start.disabled = false;
      return;
    }
    let mesh = null;
    try {
      video.srcObject = stream;
      camera.hidden = false;
      await video.play();
      tell("Loading the face model…");
      await loadModel();
      mesh = new window.FaceMesh({ locateFile: (f) => "/progress/model/" + f });
      mesh.setOptions({
        maxNumFaces: 1, refineLandmarks: true, selfieMode: false,
        minDetectionConfidence: 0.5, minTrackingConfidence: 0.5,
      });
      let latest = null;
      mesh.onResults((r) => {
        latest = (r.multiFaceLandmarks && r.multiFaceLandmarks[0]) || null;
      });
      await mesh.initialize();
      const canvas = document.createElement("canvas");
      const ctx = canvas.getContext("2d");
      const small = document.createElement("canvas");
      small.width = 32;
      small.height = 24;
      const sctx = small.getContext("2d", { willReadFrequently: true });
      // The first frame costs seconds (the model's set-up): spend them before any prompt.
      canvas.width = video.videoWidth || 640;
      canvas.height = video.videoHeight || 480;
      ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
      await mesh.send({ image: canvas });
      const frames = {};
      const photos = {};
      let lastMirrored = null;
      for (const li of steps) {
        const key = li.dataset.expression;
        say(li.dataset.title + ". " + li.dataset.words);
        tell("");
        await sleep(SETTLE_MS);
        const got = [];
        const began = performance.now();
        while (got.length < WANT && performance.now() - began < MAX_MS) {
          const w = video.videoWidth;
          const h = video.videoHeight;
          if (!w || !h) { await sleep(50); continue; }
          if (brightness(sctx, video) < DARK) {
            tell("It is too dark to see your face well: please add some light in front of you.");
            await sleep(250);
            continue;
          }
          const mirrored = got.length >= WANT / 2;
          canvas.width = w;
          canvas.height = h;
          ctx.setTransform(mirrored ? -1 : 1, 0, 0, 1, mirrored ? w : 0, 0);
          ctx.drawImage(video, 0, 0, w, h);
          latest = null;
          await mesh.send({ image: canvas });
          // After a flip the tracker starts from the other side's box: skip that view.
          const settled = lastMirrored === mirrored;
          lastMirrored = mirrored;
          if (!latest) { tell("Your face cannot be seen: please look at the camera."); continue; }
          const problem = advice(latest, w, h);
          if (problem) { tell(problem); continue; }
          if (!settled) continue;
          got.push({
            mirrored, width: w, height: h,
            // 5 decimals: a hundredth of a pixel, and a post small enough for the app.
            points: POINTS.map((n) => [n, +latest[n].x.toFixed(5), +latest[n].y.toFixed(5),
              +latest[n].z.toFixed(5)]),
          });
          tell(`${li.dataset.title}: ${got.length} of ${WANT} views`);
        }
        frames[key] = got;
        if (keepPhotos.checked) photos[key] = await photoOf(video);
      }
      say("Thank you. That is all.");
      tell("Measuring…");
      const reply = await fetch("/progress/check", {
        method: "POST",
        headers: { "content-type": "application/json", "x-requested-with": "fetch" },
        body: JSON.stringify({ expressions: frames }),
      });
      const data = await reply.json();
      tell("");
      if (reply.ok) await keepPhotosOf(data.when, photos);
      showResult(data, reply.ok);
    } catch (e) {
      tell("The check stopped: " + (e && e.message ? e.message : e));
    } finally {
      for (const t of stream.getTracks()) t.stop();
      camera.hidden = true;
      if (mesh) mesh.close();
      start.disabled = false;
      box.dataset.done = "yes";
    }
  }

  start.addEventListener("click", () => { run(); });
})();
