// A supporter's phone on a crowded rally network, in Chromium: a Pixel 7 profile with the
// network held to 400 kbps down, 150 kbps up and 400 ms of latency, a fresh cache for
// every run. Measures what the supporter waits for:
//
//   home     the Urdu home page, from navigation to its load event;
//   caption  a caption remix (Urdu and English in one), from tapping send to the share
//            page with its picture shown;
//   frame    a 12 MP phone JPEG (4 MB, with a GPS position) put in the badge, from tapping
//            send to the framed share page with its picture shown, and what was sent for it;
//   drop     the network drops in the middle of a frame's upload: the form must keep the
//            photo, its place and the caption, and "send again" must land one picture.
//
// Run by `bash benches/phone.sh` (a release build on loopback, five runs each, medians),
// and by `tests/phone.rs` in its short form (one run each against the test's service).
//
//   node benches/phone.mjs --base http://127.0.0.1:8191 [--runs 5] [--only home,frame]
//
// Prints one JSON line per measurement and a table; exits 1 when a flow fails, when the
// photo's position or the original's bytes leave the phone, or when more than 160 KB is
// sent for the framed photo.

import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const playwrightPath = process.env.JALSA_PLAYWRIGHT
  || `${process.env.HOME}/.cache/jalsa-npm/node_modules/playwright-core`;
const { chromium, devices } = require(playwrightPath);

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) => {
  if (arg.startsWith("--")) pairs.push([arg.slice(2), all[i + 1] && !all[i + 1].startsWith("--") ? all[i + 1] : "1"]);
  return pairs;
}, []));
let base = args.base || "http://127.0.0.1:8191";
const runs = Number(args.runs || 5);
const only = (args.only || "home,caption,frame,drop").split(",");
const frameId = args.frame || "jalsa-badge";
const templateId = args.template || "hubble";
const network = { latency: 400, down: 400_000, up: 150_000 };
const budget = 160 * 1024;

const browser = await chromium.launch({
  executablePath: process.env.CHROME_PATH || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-quic"],
});
const failures = [];
const results = {};
const note = (name, value) => {
  (results[name] = results[name] || []).push(value);
  console.log(JSON.stringify({ name, value }));
};

// A fresh phone: new profile (empty cache), the network held down.
async function phone() {
  const context = await browser.newContext({ ...devices["Pixel 7"], locale: "ur-PK" });
  const page = await context.newPage();
  page.on("pageerror", (e) => failures.push(`script error on ${page.url()}: ${e.message}`));
  if (process.env.PHONE_DEBUG) {
    page.on("framenavigated", (f) => f === page.mainFrame() && console.error("navigated", f.url()));
    page.on("requestfailed", (r) => console.error("failed", r.method(), r.url(), r.failure()?.errorText));
  }
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  const slow = (offline = false) => cdp.send("Network.emulateNetworkConditions", {
    offline,
    latency: network.latency,
    downloadThroughput: network.down / 8,
    uploadThroughput: network.up / 8,
  });
  await slow();
  return { context, page, cdp, slow };
}

// A phone camera's photo: 4032 x 3024, a scene with detail and sensor grain, JPEG at 92
// (about 4 MB), with an EXIF block giving its GPS position (Lahore) as a phone writes it.
async function cameraPhoto() {
  const context = await browser.newContext();
  const page = await context.newPage();
  const base64 = await page.evaluate(async () => {
    const c = document.createElement("canvas");
    c.width = 4032; c.height = 3024;
    const x = c.getContext("2d");
    const sky = x.createLinearGradient(0, 0, 0, 3024);
    sky.addColorStop(0, "#6fa8dc"); sky.addColorStop(0.55, "#f3e2c0"); sky.addColorStop(1, "#2e5e2a");
    x.fillStyle = sky; x.fillRect(0, 0, 4032, 3024);
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let i = 0; i < 2500; i++) {
      x.fillStyle = `hsl(${Math.floor(random() * 360)} 60% ${30 + Math.floor(random() * 40)}%)`;
      x.beginPath();
      x.arc(random() * 4032, 1500 + random() * 1524, 8 + random() * 60, 0, 7);
      x.fill();
    }
    x.fillStyle = "#114d2b";
    x.font = "bold 260px sans-serif";
    x.fillText("JALSA 2026", 900, 900);
    const data = x.getImageData(0, 0, 4032, 3024);
    for (let i = 0; i < data.data.length; i += 4) {
      const n = (random() - 0.5) * 26;
      data.data[i] += n; data.data[i + 1] += n; data.data[i + 2] += n;
    }
    x.putImageData(data, 0, 0);
    const blob = await new Promise((done) => c.toBlob(done, "image/jpeg", 0.92));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let text = "";
    for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(text);
  });
  await context.close();
  const jpeg = Buffer.from(base64, "base64");
  // TIFF: IFD0 (8) holding the GPS pointer; the GPS IFD (26) with 31° 32' 59" N,
  // 74° 20' 37" E, its numbers at 80 and 104.
  const tiff = Buffer.alloc(128);
  let o = 0;
  const u16 = (v) => { tiff.writeUInt16BE(v, o); o += 2; };
  const u32 = (v) => { tiff.writeUInt32BE(v, o); o += 4; };
  tiff.write("MM", 0); o = 2; u16(42); u32(8);
  u16(1); u16(0x8825); u16(4); u32(1); u32(26); u32(0);
  u16(4);
  u16(1); u16(2); u32(2); tiff.write("N\0", o); o += 4;
  u16(2); u16(5); u32(3); u32(80);
  u16(3); u16(2); u32(2); tiff.write("E\0", o); o += 4;
  u16(4); u16(5); u32(3); u32(104);
  u32(0);
  for (const v of [31, 32, 59, 74, 20, 37]) { u32(v); u32(1); }
  const payload = Buffer.concat([Buffer.from("Exif\0\0"), tiff]);
  const app1 = Buffer.alloc(4);
  app1.writeUInt16BE(0xffe1, 0);
  app1.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), app1, payload, jpeg.subarray(2)]);
}

const pictureShown = (page) => page.waitForFunction(() => {
  const img = document.querySelector("figure.remixed img");
  return img && img.complete && img.naturalWidth > 0;
}, null, { polling: 20, timeout: 120_000 });

async function home() {
  const { context, page } = await phone();
  await page.goto(`${base}/?lang=ur`, { waitUntil: "load", timeout: 120_000 });
  const timing = await page.evaluate(() => {
    const nav = performance.getEntriesByType("navigation")[0];
    const paint = performance.getEntriesByName("first-contentful-paint")[0];
    const font = performance.getEntriesByType("resource").find((r) => r.name.includes("nastaliq"));
    const frames = document.getElementById("frames");
    return {
      load: nav.loadEventEnd,
      fcp: paint ? paint.startTime : null,
      font: font ? font.responseEnd : null,
      bytes: performance.getEntriesByType("resource").reduce((n, r) => n + r.transferSize, nav.transferSize),
      framesInFirstScreen: frames ? frames.getBoundingClientRect().top < window.innerHeight : false,
      photosInFirstScreen: document.getElementById("photos").getBoundingClientRect().top < window.innerHeight,
    };
  });
  note("home_load_ms", Math.round(timing.load));
  if (timing.fcp !== null) note("home_fcp_ms", Math.round(timing.fcp));
  note("home_kb", Math.round(timing.bytes / 1024));
  if (!timing.framesInFirstScreen || !timing.photosInFirstScreen) failures.push("home: photos or frames below the first screen");
  await context.close();
}

async function caption(run) {
  const { context, page } = await phone();
  // The phone's share sheet, as Android's Chrome offers it (a desktop Linux Chromium has
  // none): what the page hands it is kept to be looked at.
  await context.addInitScript(() => {
    window.__shared = [];
    navigator.canShare = (data) => !!(data && data.files && data.files.length);
    navigator.share = (data) => {
      window.__shared.push({ text: data.text, files: data.files.map((f) => ({ name: f.name, type: f.type, size: f.size })) });
      return Promise.resolve();
    };
  });
  await page.goto(`${base}/t/${templateId}?lang=ur`, { waitUntil: "load", timeout: 120_000 });
  const fields = page.locator("textarea[name=text]");
  await fields.nth(0).fill(`ووٹ ضرور ڈالیں ${run}`);
  // Typing in the lower field, the preview is still in sight above it.
  await fields.nth(1).focus();
  await fields.nth(1).scrollIntoViewIfNeeded();
  const sight = await page.evaluate(() => {
    const p = document.getElementById("preview").getBoundingClientRect();
    const f = document.activeElement.getBoundingClientRect();
    return { preview: p.top >= -1 && p.bottom <= innerHeight + 1 && p.height > 100, field: f.top >= p.bottom - 1 && f.bottom <= innerHeight + 1 };
  });
  if (!sight.preview || !sight.field) failures.push(`caption: preview out of sight while typing: ${JSON.stringify(sight)}`);
  // A key in the second field: the page draws the captions at once (timed in the page,
  // from the key's input event to the drawn draft), then the server's preview of the same
  // words replaces it, as the supporter sees them before tapping send.
  const keyed = Date.now();
  const drawn = await page.evaluate((text) => {
    const field = document.querySelectorAll("textarea[name=text]")[1];
    const started = performance.now();
    field.value = text;
    field.dispatchEvent(new InputEvent("input", { bubbles: true, data: text.slice(-1) }));
    return new Promise((done) => requestAnimationFrame(() => {
      done({ ms: performance.now() - started, shown: !document.getElementById("preview-draft").hidden });
    }));
  }, `8 Feb - be there! ${Date.now() % 100000}`);
  note("caption_key_to_draft_ms", Math.round(drawn.ms));
  if (!drawn.shown) failures.push("caption: no draft drawn at the key");
  await page.waitForFunction(() => document.getElementById("preview-draft").hidden, null, { polling: 20, timeout: 60_000 });
  note("caption_key_to_server_preview_ms", Date.now() - keyed);
  const started = Date.now();
  await page.locator("form[data-preview] button[type=submit]").click();
  await page.waitForURL(/\/m\//, { timeout: 120_000, waitUntil: "commit" });
  // Shown: the picture itself, or the phone's own preview of it in its place meanwhile.
  await page.waitForFunction(() => {
    const img = document.querySelector("figure.remixed img");
    return img && ((img.complete && img.naturalWidth > 0) || img.style.backgroundImage.startsWith("url"));
  }, null, { polling: 20, timeout: 120_000 });
  note("caption_send_to_picture_shown_ms", Date.now() - started);
  await pictureShown(page);
  note("caption_send_to_full_picture_ms", Date.now() - started);
  // The picture itself to the share sheet, and the status shape in place of its download.
  await page.locator("[data-share-file] button").first().click();
  await page.locator("#download-story").waitFor({ state: "hidden" });
  await page.locator("[data-replaces=download-story] button").click();
  await page.waitForFunction(() => window.__shared.length === 2, null, { timeout: 60_000 });
  const shared = await page.evaluate(() => window.__shared);
  const [picture, story] = shared.map((s) => s.files[0]);
  if (!(picture.type === "image/jpeg" && picture.size > 10_000 && /\.jpg$/.test(picture.name))
      || !(story.type === "image/jpeg" && /status/.test(story.name))
      || !shared[0].text.includes("/m/")) {
    failures.push(`caption: the share sheet got ${JSON.stringify(shared)}`);
  }
  await context.close();
}

async function choosePhoto(page, photo) {
  await page.goto(`${base}/f/${frameId}?lang=ur`, { waitUntil: "load", timeout: 120_000 });
  await page.setInputFiles("#frame-photo", { name: "IMG_20261207_181502.jpg", mimeType: "image/jpeg", buffer: photo });
  await page.waitForFunction(() => !document.getElementById("frame-canvas").hidden, null, { timeout: 60_000 });
  const caption = page.locator("#frame-form input[name=text]").first();
  if (await caption.count()) {
    await caption.fill(`میں بھی جلسے میں ${Date.now() % 100000}`);
    // The caption is drawn over the frame as it is typed.
    const inked = await page.evaluate(() => {
      const c = document.getElementById("frame-captions");
      const pixels = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) n++;
      return n;
    });
    if (inked < 100) failures.push(`frame: the caption was not drawn over the frame (${inked} pixels)`);
  }
}

async function frame(photo) {
  const counted = await through(null, async () => {
    const { context, page } = await phone();
    await choosePhoto(page, photo);
    const started = Date.now();
    await page.locator("#frame-send").click();
    await page.waitForURL(/\/m\//, { timeout: 120_000, waitUntil: "commit" });
    await pictureShown(page);
    note("frame_send_to_picture_ms", Date.now() - started);
    await context.close();
  });
  const uploads = counted.uploads();
  const bytes = uploads.reduce((n, u) => n + u.length, 0);
  note("frame_sent_kb", Math.round(bytes / 1024));
  if (uploads.length !== 1) failures.push(`frame: ${uploads.length} uploads seen, not 1`);
  if (bytes > budget) failures.push(`frame: ${bytes} bytes sent for the photo (budget ${budget})`);
  // What a phone camera writes and the photo's own first bytes: neither may leave it.
  if (uploads.some((u) => u.includes(Buffer.from("Exif\0\0")) || u.includes(photo.subarray(2, 4096)))) {
    failures.push("frame: the original or its EXIF left the phone");
  }
}

// A TCP proxy in front of the service that counts what photo uploads through it carry
// on the wire (the request line to the last byte before the answer) and keeps their
// bytes, and, given `cutAfter`, cuts each one once that much has passed until `heal()`
// (so the browser's own quiet retry on a fresh connection dies too): the network drops
// mid-body, as on a rally network, and is back when the supporter taps "send again".
async function proxy(cutAfter = null) {
  const net = await import("node:net");
  const target = new URL(base);
  let cuts = 0;
  let healed = false;
  const uploads = [];
  const cutting = () => cutAfter !== null && !healed;
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    let upload = null;
    client.on("data", (chunk) => {
      if (chunk.includes(`POST /f/${frameId}`)) {
        upload = { chunks: [] };
        uploads.push(upload);
      }
      if (upload) {
        upload.chunks.push(chunk);
        const passed = upload.chunks.reduce((n, c) => n + c.length, 0);
        if (cutting() && passed > cutAfter) {
          cuts += 1;
          client.destroy();
          upstream.destroy();
          return;
        }
      }
      upstream.write(chunk);
    });
    upstream.on("data", (chunk) => { upload = null; client.write(chunk); });
    const end = () => { client.destroy(); upstream.destroy(); };
    client.on("error", end); upstream.on("error", end);
    client.on("close", end); upstream.on("close", end);
  });
  await new Promise((done) => server.listen(0, "127.0.0.1", done));
  return {
    server,
    url: `http://127.0.0.1:${server.address().port}`,
    uploads: () => uploads.map((u) => Buffer.concat(u.chunks)),
    cuts: () => cuts,
    heal: () => { healed = true; },
  };
}

// Runs `flow` with `base` pointing at a proxy; the proxy's account.
async function through(cutAfter, flow) {
  const p = await proxy(cutAfter);
  const direct = base;
  base = p.url;
  try {
    await flow(p);
  } finally {
    base = direct;
    p.server.close();
  }
  return p;
}

async function drop(photo) {
  await through(30 * 1024, async (proxy) => {
    const { context, page } = await phone();
    await choosePhoto(page, photo);
    const before = await page.evaluate(() => ({
      crop: document.getElementById("frame-crop").value,
      caption: document.querySelector("#frame-form input[name=text]")?.value ?? "",
    }));
    await page.locator("#frame-send").click();
    await page.waitForFunction(() => document.getElementById("frame-failure")?.hidden === false, null, { timeout: 60_000 });
    if (!proxy.cuts()) failures.push("drop: the upload was never cut");
    const after = await page.evaluate(() => ({
      crop: document.getElementById("frame-crop").value,
      caption: document.querySelector("#frame-form input[name=text]")?.value ?? "",
      photo: !document.getElementById("frame-canvas").hidden,
      again: !document.getElementById("frame-send-again").hidden,
      message: document.getElementById("frame-failed-text").textContent,
      path: location.pathname,
    }));
    console.log(JSON.stringify({ name: "drop_form_after_failure", value: after }));
    if (after.crop !== before.crop || after.caption !== before.caption || !after.photo || !after.again || !after.message) {
      failures.push(`drop: the form did not keep everything: ${JSON.stringify({ before, after })}`);
    }
    // The supporter reads the message; meanwhile the network comes back.
    proxy.heal();
    await page.locator("#frame-send").click();
    await page.waitForURL(/\/m\//, { timeout: 120_000, waitUntil: "commit" });
    await pictureShown(page);
    note("drop_landed", new URL(page.url()).pathname);
    await context.close();
  });
}

try {
  const photo = only.some((o) => o === "frame" || o === "drop") ? await cameraPhoto() : null;
  if (photo) console.log(JSON.stringify({ name: "camera_photo_kb", value: Math.round(photo.length / 1024) }));
  for (let run = 0; run < runs; run++) {
    if (only.includes("home")) await home();
    if (only.includes("caption")) await caption(run);
    if (only.includes("frame")) await frame(photo);
  }
  if (only.includes("drop")) await drop(photo);
} catch (e) {
  failures.push(String(e && e.stack || e));
} finally {
  await browser.close();
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
};
console.log(`\nphone (Pixel 7 profile), ${network.down / 1000}/${network.up / 1000} kbps, ${network.latency} ms, fresh cache, ${runs} run(s)`);
console.log("| measure | median | all |\n| --- | --- | --- |");
for (const [name, values] of Object.entries(results)) {
  if (typeof values[0] === "number") console.log(`| ${name} | ${median(values)} | ${values.join(", ")} |`);
}
if (failures.length) {
  console.error("FAILED:\n" + failures.join("\n"));
  process.exit(1);
}
