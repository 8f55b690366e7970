// Verifying chibo's webhooks (Standard Webhooks): HMAC-SHA256 over
// `${webhook-id}.${webhook-timestamp}.${raw body}` with the secret after `whsec_` (base64).
// Checks, in order: the three headers; the timestamp within `toleranceSeconds` of now; one
// `v1,` signature matching in constant time; the webhook-id not seen before (a replay).
// Pass the raw body bytes: re-serialised JSON never verifies.
import { createHmac, timingSafeEqual } from "node:crypto";

export class WebhookVerificationError extends Error {}
export class WebhookReplayError extends WebhookVerificationError {}

const ID = /^[A-Za-z0-9_-]{1,128}$/;

export class Webhook {
  constructor(secrets, { toleranceSeconds = 300, seen = new Map() } = {}) {
    const listed = Array.isArray(secrets) ? secrets : [secrets];
    if (listed.length === 0) throw new Error("at least one secret is needed");
    this.keys = listed.map((s) => {
      if (!s.startsWith("whsec_")) throw new Error("webhook secrets start with 'whsec_'");
      const key = Buffer.from(s.slice("whsec_".length), "base64");
      if (key.length < 24) throw new Error("a webhook secret holds at least 24 random bytes");
      return key;
    });
    this.toleranceSeconds = toleranceSeconds;
    this.seen = seen; // webhook-id -> expiry (seconds); a shared store when several processes
  }

  verify(body, headers, now = Date.now() / 1000) {
    const h = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    const id = h["webhook-id"] ?? "";
    const rawTimestamp = h["webhook-timestamp"] ?? "";
    const signatures = h["webhook-signature"] ?? "";
    if (!id || !rawTimestamp || !signatures) {
      throw new WebhookVerificationError("missing webhook-id, -timestamp or -signature header");
    }
    if (!ID.test(id)) throw new WebhookVerificationError("malformed webhook-id");
    if (!/^[0-9]{1,12}$/.test(rawTimestamp)) {
      throw new WebhookVerificationError("malformed webhook-timestamp");
    }
    const timestamp = Number(rawTimestamp);
    if (Math.abs(now - timestamp) > this.toleranceSeconds) {
      throw new WebhookVerificationError("webhook-timestamp outside the tolerance");
    }
    const signed = Buffer.concat([Buffer.from(`${id}.${timestamp}.`), Buffer.from(body)]);
    const expected = this.keys.map((k) => createHmac("sha256", k).update(signed).digest());
    const offered = signatures
      .split(" ")
      .filter((s) => s.startsWith("v1,"))
      .map((s) => Buffer.from(s.slice(3), "base64"));
    const ok = offered.some((o) => expected.some((e) => o.length === e.length && timingSafeEqual(o, e)));
    if (!ok) throw new WebhookVerificationError("no matching signature");
    for (const [key, expires] of this.seen) if (expires < now) this.seen.delete(key);
    if (this.seen.has(id)) throw new WebhookReplayError("webhook-id already received (replay)");
    this.seen.set(id, timestamp + this.toleranceSeconds + 1);
    try {
      return JSON.parse(Buffer.from(body).toString("utf8"));
    } catch {
      throw new WebhookVerificationError("body is not JSON");
    }
  }
}
