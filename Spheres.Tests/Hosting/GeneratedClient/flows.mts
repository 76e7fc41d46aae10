// The seed frontend's flows through types generated from /api/openapi.json by openapi-typescript
// (api.d.ts) and compiled with `tsc --strict`: no casts, no explicit nulls. OpenApiClientTests
// generates the types, compiles this file and runs it against DevHost; config.mts is written by the test.
import type { components } from "./api.js";
import { baseUrl, functionKey } from "./config.mjs";

type Schemas = components["schemas"];

async function call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const response = await fetch(baseUrl + path, {
    method,
    headers: { "Content-Type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  const result: T = text === "" ? undefined : JSON.parse(text);
  return result;
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

// Registration form: the sphere as the <select> gives it (a string), no business name.
const form: Schemas["RegisterRequest"] = {
  name: "Olena",
  email: `olena-${Date.now()}@example.com`,
  password: "correct horse battery",
  sphere_id: "2",
  country: "UA",
  timezone: "Europe/Kyiv",
};
const registered = await call<Schemas["Registration"]>("POST", "/api/accounts/register/", form);
const token = registered.access_token;
const profile: Schemas["Profile"] = registered.profile;
if (profile.business_name !== form.name || profile.sphere_slug !== "beauty") throw new Error("registration: unexpected profile");

// Billing's step (not the frontend's): the plan that has working hours.
const plan: Schemas["SetPlanRequest"] = { plan: "starter" };
await call<Schemas["Profile"]>("PUT", `/api/admin/tenants/${profile.tenant_id}/plan/`, plan, { "x-functions-key": functionKey });

// Available tab: the sphere's types, Telegram among them, with its connect form.
const available = await call<Schemas["AvailableIntegration"][]>("GET", "/api/integrations/api/available/", undefined, bearer(token));
const telegramType = available.find((type) => type.slug === "telegram");
if (telegramType === undefined || !telegramType.is_available) throw new Error("Telegram is not available");
const tokenField = telegramType.connect.credential_fields.find((field) => field.name === "bot_token");
const botToken = "123456789:AAE" + "abcdefghij".repeat(4);
if (tokenField === undefined || (tokenField.pattern !== undefined && !new RegExp(tokenField.pattern).test(botToken))) {
  throw new Error("the bot token field is missing or refuses a valid token");
}

// Connect form: credentials and settings by the names the connect block gives.
const connect: Schemas["IntegrationRequest"] = {
  integration_type_slug: telegramType.slug,
  credentials: { [tokenField.name]: botToken },
  settings: { greeting: "Вітаємо!" },
};
const telegram = await call<Schemas["Integration"]>("POST", "/api/integrations/api/", connect, bearer(token));
if (telegram.integration_type_name !== "Telegram" || !telegram.has_credentials) throw new Error("connect: unexpected integration");

// Working-hours modal: Mon-Fri 09:00-18:00 on, Saturday 10:00-14:00 off, Sunday off with no times.
const week: Schemas["WeekRowRequest"][] = [0, 1, 2, 3, 4].map((weekday) => ({ weekday, start_time: "09:00", end_time: "18:00", is_enabled: true }));
week.push({ weekday: 5, start_time: "10:00", end_time: "14:00", is_enabled: false }, { weekday: 6, is_enabled: false });
const path = `/api/integrations/api/${telegram.id}/working_hours/`;
const saved = await call<Schemas["WorkingHoursRow"][]>("POST", path, week, bearer(token));
const read = await call<Schemas["WorkingHoursRow"][]>("GET", path, undefined, bearer(token));
const sunday = read.find((row) => row.weekday === 6);
if (read.length !== 7 || JSON.stringify(saved) !== JSON.stringify(read) || sunday === undefined || sunday.start_time !== read[6].start_time) {
  throw new Error("the week read back differs from the week saved");
}
console.log(`seed flows ok: ${available.length} types available, integration ${telegram.id}, ${read.length} rows`);
