// The seed frontend's flows through the SDK (@spheres/api-client, installed from its `npm pack` tarball), typed by
// path and compiled with `tsc --strict`: no casts, no any, no explicit nulls, no non-null assertions; every URL is
// written as ../shared/API.md writes it. OpenApiClientTests packs the SDK, compiles this file and runs it against
// DevHost (with a fake Telegram and fake OAuth providers); config.mts is written by the test.
import { createSpheresClient, problemOf, unwrap, SpheresApiError, type Schemas } from "@spheres/api-client";
import { baseUrl, functionKey, telegramBotToken } from "./config.mjs";

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`flow failed: ${what}`);
}

// Counts the token refreshes the SDK makes, to show that many 401s at once cost one refresh.
let refreshes = 0;
const countingFetch = (input: Request): Promise<Response> => {
  if (new URL(input.url).pathname === "/api/accounts/token/refresh/") refreshes++;
  return fetch(input);
};
const api = createSpheresClient({ baseUrl, fetch: countingFetch });
const admin = { "x-functions-key": functionKey };

// Registration form: the sphere dropdown is filled from /spheres/, and the <select> gives its id as a string.
const spheres = await unwrap(api.GET("/api/accounts/spheres/"));
const beauty = spheres.find((sphere) => sphere.slug === "beauty");
check(beauty !== undefined, "the sphere dropdown lists beauty");
const form: Schemas["RegisterRequest"] = {
  name: "Olena",
  email: `olena-${Date.now()}@example.com`,
  password: "correct horse battery",
  sphere_id: String(beauty?.id),
  country: "UA",
  timezone: "Europe/Kyiv",
};
const registered = await unwrap(api.register(form));
const profile: Schemas["Profile"] = registered.profile;
check(profile.business_name === form.name && profile.sphere_slug === "beauty", "registration: the profile has the form's sphere and name");
check(api.tokens()?.access_token === registered.access_token, "registration keeps the session");

// Available tab: the sphere's types, Telegram among them, with its connect form.
const available = await unwrap(api.GET("/api/integrations/api/available/"));
const telegramType = available.find((type) => type.slug === "telegram");
check(telegramType !== undefined && telegramType.is_available, "Telegram is available");
const tokenField = telegramType?.connect.credential_fields.find((field) => field.name === "bot_token");
check(tokenField !== undefined && (tokenField.pattern === undefined || new RegExp(tokenField.pattern).test(telegramBotToken)),
  "the bot token field is there and takes a valid token");
const locked = available.filter((type) => !type.is_available).map((type) => `${type.slug}: ${type.unavailable_reason} (${type.required_plan})`);

// Connect Telegram: credentials and settings by the names the connect block gives, then activate.
const connect: Schemas["IntegrationRequest"] = {
  integration_type_slug: "telegram",
  credentials: { [tokenField?.name ?? "bot_token"]: telegramBotToken },
  settings: { greeting: "Вітаємо!" },
};
const created = await api.POST("/api/integrations/api/", { body: connect });
const telegram = await unwrap(created);
check(created.response.headers.get("Location") === `/api/integrations/api/${telegram.id}/`, "Location is the contract's URL of the integration");
check(telegram.integration_type_name === "Telegram" && telegram.has_credentials && telegram.status === "pending", "connected, pending");
const activated = await unwrap(api.POST("/api/integrations/api/{id}/activate/", { params: { path: { id: telegram.id } } }));
check(activated.status === "active", "Telegram is active");

// Working hours on the free plan: 403 plan-required, naming the plan for the upgrade button.
const week: Schemas["WeekRowRequest"][] = [0, 1, 2, 3, 4].map((weekday) => ({ weekday, start_time: "09:00", end_time: "18:00", is_enabled: true }));
week.push({ weekday: 5, start_time: "10:00", end_time: "14:00", is_enabled: false }, { weekday: 6, is_enabled: false });
const weekPath = { params: { path: { id: telegram.id } } };
const refused = await api.POST("/api/integrations/api/{id}/working_hours/", { ...weekPath, body: week });
const planProblem = problemOf(refused);
check(refused.response.status === 403 && planProblem?.type.endsWith("/plan-required") === true, "working hours on free: 403 plan-required");
check(planProblem?.required_plan === "starter", `plan-required names required_plan starter, got ${planProblem?.required_plan}`);
const upgradeTo: Schemas["SetPlanRequest"] = { plan: planProblem?.required_plan ?? "starter" };
await unwrap(api.PUT("/api/admin/tenants/{tenant_id}/plan/", { params: { path: { tenant_id: profile.tenant_id } }, body: upgradeTo, headers: admin }));

// The working-hours modal: Mon-Fri 09:00-18:00 on, Saturday 10:00-14:00 off, Sunday off with no times.
const saved = await unwrap(api.POST("/api/integrations/api/{id}/working_hours/", { ...weekPath, body: week }));
const read = await unwrap(api.GET("/api/integrations/api/{id}/working_hours/", weekPath));
const sunday = read.find((row) => row.weekday === 6);
check(read.length === 7 && JSON.stringify(saved) === JSON.stringify(read), "the week reads back unchanged");
check(sunday !== undefined && sunday.start_time === read[6]?.start_time && !sunday.is_enabled && typeof sunday.end_time !== "string",
  "Sunday is off without times");

// The modal again: Monday open the whole day, 00:00-24:00; it reads back as 24:00, not 00:00.
const wholeMonday = week.map((row) => (row.weekday === 0 ? { ...row, start_time: "00:00", end_time: "24:00" } : row));
await unwrap(api.POST("/api/integrations/api/{id}/working_hours/", { ...weekPath, body: wholeMonday }));
const reread = await unwrap(api.GET("/api/integrations/api/{id}/working_hours/", weekPath));
const monday = reread.find((row) => row.weekday === 0);
check(monday?.start_time === "00:00" && monday.end_time === "24:00", `Monday reads back 00:00-24:00, got ${monday?.start_time}-${monday?.end_time}`);
const mondayRow = await unwrap(api.GET("/api/integrations/api/working-hours/{id}/", { params: { path: { id: monday?.id ?? 0 } } }));
check(mondayRow.end_time === "24:00", "the single row reads 24:00 too");

// Status: open now? the next opening and closing, in the profile's zone.
const status = await unwrap(api.GET("/api/integrations/api/{id}/working_hours/status/", weekPath));
check(status.timezone === "Europe/Kyiv" && (status.is_open || typeof status.next_open_at === "string"), "status says when it opens");

// Connect Google Calendar up to the redirect: the authorization URL the frontend sends the owner to.
const calendar = await unwrap(api.POST("/api/integrations/api/", { body: { integration_type_slug: "google-calendar" } }));
const consent = await unwrap(api.POST("/api/integrations/api/{id}/connect/", { params: { path: { id: calendar.id } } }));
const authorization = new URL(consent.authorization_url);
check(authorization.searchParams.get("code_challenge_method") === "S256" && (authorization.searchParams.get("state") ?? "") !== ""
  && (authorization.searchParams.get("redirect_uri") ?? "").endsWith("/api/oauth/google/callback/"), "an authorization URL with state and PKCE");
check(Date.parse(consent.expires_at) > Date.now(), "the consent expires later");

// The Connected tab: every integration with its status badge (the switch is exhaustive over the API's statuses).
function badge(integration: Schemas["Integration"]): string {
  switch (integration.status) {
    case "active": return "Connected";
    case "pending": return "Finish setup";
    case "inactive": return "Paused";
    case "error": return `Error: ${integration.status_detail ?? "unknown"}`;
    case "relink_required": return "Reconnect";
    default: {
      const unknown: never = integration.status;
      return unknown;
    }
  }
}
const connected = await unwrap(api.GET("/api/integrations/api/"));
const badges = connected.map((integration) => `${integration.integration_type_slug}=${badge(integration)}`).sort();
check(JSON.stringify(badges) === JSON.stringify(["google-calendar=Finish setup", "telegram=Connected"]), `badges: ${badges.join(", ")}`);

// Two tabs edit the same integration: the SDK sends the ETag it read as If-Match, so the stale tab gets 412.
const telegramPath = { params: { path: { id: telegram.id } } };
await unwrap(api.GET("/api/integrations/api/{id}/", telegramPath));
const otherTab = createSpheresClient({ baseUrl, tokens: api.tokens() });
await unwrap(otherTab.PATCH("/api/integrations/api/{id}/", { ...telegramPath, body: { settings: { greeting: "Other tab" } } }));
const stale = await api.PATCH("/api/integrations/api/{id}/", { ...telegramPath, body: { settings: { greeting: "This tab" } } });
const staleProblem = problemOf(stale);
check(stale.response.status === 412 && staleProblem?.type.endsWith("/precondition-failed") === true, "a stale ETag is 412 precondition-failed");
await unwrap(api.GET("/api/integrations/api/{id}/", telegramPath)); // reload: the fresh ETag
const retried = await unwrap(api.PATCH("/api/integrations/api/{id}/", { ...telegramPath, body: { settings: { greeting: "This tab" } } }));
check(retried.settings.greeting === "This tab", "after a reload the edit goes through");

// An expired access token: five calls fail with 401 at once, one refresh serves them all, and they all succeed.
const signedIn = api.tokens();
api.setTokens({ access_token: "expired.token", refresh_token: signedIn?.refresh_token ?? "" });
const before = refreshes;
const together = await Promise.all([0, 1, 2, 3, 4].map(() => api.GET("/api/accounts/profile/")));
check(together.every((call) => call.response.status === 200), `every call succeeds after the refresh: ${together.map((c) => c.response.status).join(",")}`);
check(refreshes - before === 1, `one refresh for five 401s, got ${refreshes - before}`);
check(api.tokens()?.refresh_token !== signedIn?.refresh_token, "the refresh token rotated");

// The top plan's analytics on starter: unwrap throws a SpheresApiError with required_plan and the request's trace_id.
const surfaced = await unwrap(api.GET("/api/analytics/sentiment/")).then(() => undefined, (error: unknown) => error);
check(surfaced instanceof SpheresApiError && surfaced.status === 403 && surfaced.requiredPlan === "professional",
  "analytics on starter: SpheresApiError 403 with required_plan professional");
const traceIds = [surfaced instanceof SpheresApiError ? surfaced.traceId : undefined, staleProblem?.trace_id];
check(traceIds.every((id) => /^[0-9a-f]{32}$/.test(id ?? "")) && traceIds[0] !== traceIds[1], `each problem has its own trace_id: ${traceIds.join(" ")}`);

// Disconnect: the integration is gone from the Connected tab.
const removed = await api.DELETE("/api/integrations/api/{id}/", telegramPath);
check(removed.response.status === 204, "disconnect answers 204");
const gone = await api.GET("/api/integrations/api/{id}/", telegramPath);
check(gone.response.status === 404 && problemOf(gone)?.status === 404, "a disconnected integration is 404");
const left = await unwrap(api.GET("/api/integrations/api/"));
check(left.length === 1 && left[0]?.integration_type_slug === "google-calendar", "only the calendar is left");
await api.signOut();
check(api.tokens() === undefined, "signed out");

console.log(`locked types: ${locked.length}`);
console.log(`seed flows ok: ${available.length} types available, integration ${telegram.id}, ${read.length} rows, ` +
  `monday ${monday?.start_time}-${monday?.end_time}, badges ${badges.join(" ")}, 412 ${staleProblem?.status}, refreshes ${refreshes - before}`);
