#!/usr/bin/env node
// A reference consumer of chibo's public events for an agency (Node 20, no dependencies).
//
//   node consumer.mjs catch-up         read GET /v1/agency-feed from the stored cursor (first run:
//                                      CHIBO_SINCE, else the oldest event kept), validate every
//                                      event against its served JSON Schema, handle each id once,
//                                      store the cursor after each page
//   node consumer.mjs serve-webhooks   receive signed webhooks (Standard Webhooks), verify,
//                                      validate and handle each id once
//
// Settings (environment):
//   CHIBO_NOTIFICATIONS_URL   where the feed is, e.g. https://thongbao.chibo.vn
//   CHIBO_TOKEN               an access token, or the three below to get one (client credentials)
//   CHIBO_TOKEN_URL           e.g. https://dangky.chibo.vn/v1/auth/token
//   CHIBO_CLIENT_ID, CHIBO_CLIENT_SECRET
//   CHIBO_SCHEMAS_URL         where https://chibo.vn/schemas/events/ is served (default: the feed's
//                             host, /schemas/events/)
//   CHIBO_STATE_DIR           cursor.json and seen.json (default ./state)
//   CHIBO_OUT                 where handled events go, one JSON line each (default ./events.jsonl)
//   CHIBO_SINCE               first run only: an RFC 3339 time to start from
//   CHIBO_TYPES               optional topic patterns, comma-separated (meetings.request.#)
//   CHIBO_WEBHOOK_SECRETS     whsec_… (space-separated while rotating), CHIBO_PORT (8080)
//
// The last line on stdout is a JSON summary; the exit code is 1 when an event was invalid.
import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";

import { validate } from "./schema.mjs";
import { Webhook, WebhookReplayError, WebhookVerificationError } from "./verify.mjs";

const SCHEMA_BASE = "https://chibo.vn/schemas/events/";
const env = process.env;
const feedUrl = (env.CHIBO_NOTIFICATIONS_URL ?? "").replace(/\/$/, "");
const schemasUrl = env.CHIBO_SCHEMAS_URL ?? `${feedUrl}/schemas/events/`;
const stateDir = env.CHIBO_STATE_DIR ?? "state";
const out = env.CHIBO_OUT ?? "events.jsonl";
const MAX_SEEN = 200_000;

// --- state: the cursor and the ids already handled (idempotency by event id) ----------------
mkdirSync(stateDir, { recursive: true });

function load(name, fallback) {
  try {
    return JSON.parse(readFileSync(join(stateDir, name), "utf8"));
  } catch {
    return fallback;
  }
}

function save(name, value) {
  const path = join(stateDir, name);
  writeFileSync(`${path}.tmp`, JSON.stringify(value));
  renameSync(`${path}.tmp`, path); // atomic: a crash leaves the old or the new, never half
}

const seen = new Set(load("seen.json", []));

// --- schemas, fetched once from where the deployment serves each event's dataschema ---------
const schemas = new Map();

async function schemaOf(dataschema) {
  if (!dataschema?.startsWith(SCHEMA_BASE)) throw new Error(`unknown dataschema ${dataschema}`);
  if (!schemas.has(dataschema)) {
    const r = await fetch(schemasUrl + dataschema.slice(SCHEMA_BASE.length));
    if (!r.ok) throw new Error(`schema ${dataschema}: HTTP ${r.status}`);
    schemas.set(dataschema, await r.json());
  }
  return schemas.get(dataschema);
}

async function problems(event) {
  const found = [];
  if (event.specversion !== "1.0") found.push("specversion is not 1.0");
  if (typeof event.id !== "string" || !event.id) found.push("no id");
  if (!/^vn\.chibo\.[a-z_]+\.[a-z_]+\.[a-z_]+\.v[0-9]+$/.test(event.type ?? "")) found.push("bad type");
  if (Number.isNaN(Date.parse(event.time))) found.push("bad time");
  if (typeof event.data !== "object" || event.data === null) found.push("no data");
  if (found.length) return found;
  const schema = await schemaOf(event.dataschema);
  if (schema["x-event-type"] !== event.type) found.push(`dataschema is not ${event.type}'s`);
  return found.concat(validate(schema, event.data));
}

// --- handling: what the agency does with an event, once per id -------------------------------
const summary = { handled: 0, duplicates: 0, invalid: [], pages: 0, lost: 0, cursor: null };

async function handle(event, via) {
  const wrong = await problems(event);
  if (wrong.length) {
    summary.invalid.push({ id: event.id, type: event.type, problems: wrong.slice(0, 5) });
    return false;
  }
  if (seen.has(event.id)) {
    summary.duplicates += 1; // a push and the feed, or a retry: handled already
    return true;
  }
  appendFileSync(out, `${JSON.stringify({ via, id: event.id, type: event.type, subject: event.subject, data: event.data })}\n`);
  seen.add(event.id);
  if (seen.size > MAX_SEEN) seen.delete(seen.values().next().value);
  summary.handled += 1;
  return true;
}

// --- the access token (client credentials), renewed before it expires ------------------------
let token = env.CHIBO_TOKEN ?? null;
let tokenExpires = token ? Infinity : 0;

async function bearer() {
  if (token && Date.now() < tokenExpires - 30_000) return token;
  const form = new URLSearchParams({
    grant_type: "client_credentials",
    client_id: env.CHIBO_CLIENT_ID ?? "",
    client_secret: env.CHIBO_CLIENT_SECRET ?? "",
  });
  const r = await fetch(env.CHIBO_TOKEN_URL, { method: "POST", body: form });
  if (!r.ok) throw new Error(`token: HTTP ${r.status} ${await r.text()}`);
  const body = await r.json();
  token = body.access_token;
  tokenExpires = Date.now() + 1000 * (body.expires_in ?? 300);
  return token;
}

// --- catch-up through the feed ---------------------------------------------------------------
async function catchUp() {
  const state = load("cursor.json", {});
  for (let page = 0; page < 10_000; page += 1) {
    const params = new URLSearchParams({ limit: "200" });
    if (state.cursor) params.set("cursor", state.cursor);
    else if (env.CHIBO_SINCE) params.set("since", env.CHIBO_SINCE);
    if (env.CHIBO_TYPES) params.set("types", env.CHIBO_TYPES);
    const r = await fetch(`${feedUrl}/v1/agency-feed?${params}`, {
      headers: { authorization: `Bearer ${await bearer()}` },
    });
    if (r.status === 503 || r.status === 429) {
      const wait = Number(r.headers.get("retry-after") ?? "5");
      await new Promise((done) => setTimeout(done, Math.min(wait, 30) * 1000));
      continue;
    }
    if (!r.ok) throw new Error(`feed: HTTP ${r.status} ${await r.text()}`);
    const body = await r.json();
    summary.pages += 1;
    if (body.truncated) {
      // Never silent: the retention dropped events before we read them.
      summary.lost += body.truncated.lost;
      console.error(`lost ${body.truncated.lost} offsets to retention before ${body.truncated.first_available}`);
    }
    for (const event of body.items) await handle(event, "feed");
    save("seen.json", [...seen]);
    if (body.next_cursor) {
      state.cursor = body.next_cursor; // stored only once the page is handled
      save("cursor.json", state);
    }
    if (!body.has_more) break;
  }
  summary.cursor = state.cursor ?? null;
}

// --- signed webhooks -------------------------------------------------------------------------
function serveWebhooks() {
  const hook = new Webhook((env.CHIBO_WEBHOOK_SECRETS ?? "").split(" ").filter(Boolean));
  const port = Number(env.CHIBO_PORT ?? "8080");
  const server = createServer(async (request, response) => {
    const chunks = [];
    for await (const chunk of request) chunks.push(chunk);
    let status = 204;
    try {
      const event = hook.verify(Buffer.concat(chunks), request.headers);
      status = (await handle(event, "webhook")) ? 204 : 422;
      save("seen.json", [...seen]);
    } catch (error) {
      // A replay of a delivery already accepted: 2xx, so the sender stops; else refuse.
      status = error instanceof WebhookReplayError ? 204 : error instanceof WebhookVerificationError ? 401 : 500;
    }
    response.writeHead(status).end();
    console.log(JSON.stringify({ ...summary, status }));
  });
  server.listen(port, "127.0.0.1", () => console.log(JSON.stringify({ listening: port })));
  process.on("SIGTERM", () => server.close(() => process.exit(0)));
}

const command = process.argv[2];
if (command === "catch-up") {
  try {
    await catchUp();
  } catch (error) {
    summary.error = String(error.message ?? error);
  }
  console.log(JSON.stringify(summary));
  process.exitCode = summary.invalid.length || summary.error ? 1 : 0;
} else if (command === "serve-webhooks") {
  serveWebhooks();
} else {
  console.error("usage: node consumer.mjs catch-up | serve-webhooks");
  process.exitCode = 2;
}
