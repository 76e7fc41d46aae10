import createClient, { type Middleware } from "openapi-fetch";
import { EntityTags, resourceKey } from "./etags.js";
import { Session, type TokenPair } from "./session.js";
import type { components, paths } from "./schema.js";

export type { components, paths, operations } from "./schema.js";
export type { TokenPair } from "./session.js";
export { problemOf, unwrap, SpheresApiError, type ApiProblem, type CallResult } from "./problems.js";

/** The API's named JSON bodies: `Schemas["Integration"]`, `Schemas["WorkingHoursRow"]`, `Schemas["Problem"]`… */
export type Schemas = components["schemas"];

export interface SpheresClientOptions {
  /** Where the API is: `http://localhost:7071` for `./run.sh`, the function app's URL in Azure. Paths start with `/api/`. */
  baseUrl: string;
  /** Tokens of a session signed in before (kept by the app across page loads). */
  tokens?: TokenPair;
  /** Called whenever the tokens change: after sign-in, each refresh, and with undefined once the session is over. */
  onTokens?: (tokens: TokenPair | undefined) => void;
  /**
   * `auto` (the default): a PUT or PATCH of a resource whose ETag was seen sends it as `If-Match`, so an edit never
   * overwrites a change made since it was read (the answer is then 412). `off`: send `If-Match` yourself.
   */
  ifMatch?: "auto" | "off";
  /** A fetch of your own (tests, SSR), called with one Request; globalThis.fetch otherwise. */
  fetch?: (request: Request) => Promise<Response>;
}

/**
 * openapi-fetch's client typed by the API's paths (`GET`, `POST`, `PUT`, `PATCH`, `DELETE`, `use`), plus the session
 * (`signIn`, `register`, `signOut`, `tokens`, `setTokens`) and the ETags it keeps (`etag`).
 */
export type SpheresClient = ReturnType<typeof createSpheresClient>;

/** Auth endpoints answer 401 for bad credentials: refreshing would not help them. */
const noRefresh = new Set(["/api/accounts/login/", "/api/accounts/register/", "/api/accounts/token/refresh/", "/api/accounts/logout/"]);

export function createSpheresClient(options: SpheresClientOptions) {
  const fetchImpl = options.fetch ?? ((input: Request) => globalThis.fetch(input));
  // Token refresh goes around the middleware below: it must not retry itself or wait for itself.
  const bare = createClient<paths>({ baseUrl: options.baseUrl, fetch: fetchImpl });
  const api = createClient<paths>({ baseUrl: options.baseUrl, fetch: fetchImpl });
  const etags = new EntityTags();
  const session = new Session(bare, options.tokens, (tokens) => options.onTokens?.(tokens));
  const replays = new Map<string, { request: Request; body: ArrayBuffer | undefined; token: string }>();

  const middleware: Middleware = {
    async onRequest({ request, id }) {
      const key = resourceKey(request.url);
      if (options.ifMatch !== "off" && (request.method === "PUT" || request.method === "PATCH") && !request.headers.has("If-Match")) {
        const etag = etags.get(key);
        if (etag !== undefined) request.headers.set("If-Match", etag);
      }
      const token = session.tokens?.access_token;
      if (token === undefined || request.headers.has("Authorization")) return request;
      request.headers.set("Authorization", `Bearer ${token}`);
      if (!noRefresh.has(key)) {
        // Kept to send again after a refresh: fetch consumes the request's body.
        const body = request.body === null ? undefined : await request.clone().arrayBuffer();
        replays.set(id, { request, body, token });
      }
      return request;
    },

    async onResponse({ request, response, id }) {
      const replay = replays.get(id);
      replays.delete(id);
      let answer = response;
      if (response.status === 401 && replay !== undefined) {
        const token = await session.freshAccessToken(replay.token).catch(() => undefined);
        if (token !== undefined) {
          const headers = new Headers(replay.request.headers);
          headers.set("Authorization", `Bearer ${token}`);
          answer = await fetchImpl(new Request(replay.request.url, { method: replay.request.method, headers, body: replay.body }));
        }
      }
      remember(request, answer);
      return answer;
    },

    onError({ id }) {
      replays.delete(id);
    },
  };
  api.use(middleware);

  /**
   * Keeps the ETag of a successful answer under the resource it describes: the one Content-Location names (an action's
   * answer, such as activate, is the integration's), else the created one Location names on a 201, else the URL asked.
   */
  function remember(request: Request, response: Response): void {
    if (request.method === "DELETE" && response.ok) etags.forget(request.url);
    const etag = response.headers.get("ETag");
    if (etag === null || !response.ok) return;
    const location = response.status === 201 ? response.headers.get("Location") : null;
    etags.set(response.headers.get("Content-Location") ?? location ?? request.url, etag);
  }

  async function keepSession<T extends { data?: unknown; response: Response }>(call: Promise<T>): Promise<T> {
    const result = await call;
    if (isTokenPair(result.data)) session.set(result.data);
    return result;
  }

  return Object.assign(api, {
    /** POST /api/accounts/login/ and keep the session. */
    signIn: (credentials: Schemas["LoginRequest"]) => keepSession(api.POST("/api/accounts/login/", { body: credentials })),
    /** POST /api/accounts/register/ and keep the session of the new account. */
    register: (form: Schemas["RegisterRequest"]) => keepSession(api.POST("/api/accounts/register/", { body: form })),
    /** POST /api/accounts/logout/ (the session's refresh family is revoked), then forget the tokens and ETags. */
    async signOut(): Promise<void> {
      const refreshToken = session.tokens?.refresh_token;
      if (refreshToken !== undefined) await api.POST("/api/accounts/logout/", { body: { refresh_token: refreshToken } });
      session.set(undefined);
      etags.clear();
    },
    /** The current tokens, or undefined when signed out. */
    tokens: (): TokenPair | undefined => session.tokens,
    setTokens: (tokens: TokenPair | undefined): void => session.set(tokens),
    /** The last ETag seen for a resource path: what a PUT or PATCH of it sends as If-Match. */
    etag: (path: string): string | undefined => etags.get(path),
  });
}

function isTokenPair(value: unknown): value is TokenPair {
  if (typeof value !== "object" || value === null) return false;
  const fields: { [key: string]: unknown } = { ...value };
  return typeof fields.access_token === "string" && typeof fields.refresh_token === "string";
}
