import type { components } from "./schema.js";

/**
 * An RFC 9457 problem as the API sends it, with `trace_id` (the W3C trace id of the request, which the API's logs
 * carry too) when the server adds it: quote it when reporting a failure.
 */
export type ApiProblem = Omit<components["schemas"]["Problem"], "trace_id"> & { trace_id?: string };

/** What a call through the client resolved to: openapi-fetch's `{ data, error, response }`. */
export interface CallResult<T, E> {
  data?: T;
  error?: E;
  response: Response;
}

/**
 * The problem of a failed call, or undefined when it succeeded. Always a whole problem: an answer without a JSON
 * problem body (a proxy's 502, an empty 401) is described from its status, so `status` and `title` are always there.
 */
export function problemOf(result: CallResult<unknown, unknown>): ApiProblem | undefined {
  const { error, response } = result;
  if (response.ok) return undefined;
  if (isProblem(error)) {
    const problem: ApiProblem = { type: error.type, title: error.title, status: error.status, detail: error.detail };
    if (isFieldErrors(error.errors)) problem.errors = error.errors;
    if (isPlan(error.required_plan)) problem.required_plan = error.required_plan;
    if (typeof error.trace_id === "string") problem.trace_id = error.trace_id;
    return problem;
  }
  return {
    type: "about:blank",
    title: response.statusText || `HTTP ${response.status}`,
    status: response.status,
    detail: typeof error === "string" ? error.slice(0, 500) : "",
  };
}

/** A failed call as an exception (see {@link unwrap}): the problem, its status, trace id and the plan that unlocks it. */
export class SpheresApiError extends Error {
  readonly problem: ApiProblem;

  constructor(problem: ApiProblem) {
    super(`${problem.status} ${problem.title}${problem.detail ? `: ${problem.detail}` : ""}` +
      (problem.trace_id ? ` (trace ${problem.trace_id})` : ""));
    this.name = "SpheresApiError";
    this.problem = problem;
  }

  get status(): number {
    return this.problem.status;
  }

  /** The W3C trace id of the failed request, when the server sent one. */
  get traceId(): string | undefined {
    return this.problem.trace_id;
  }

  /** On a 403 plan-required: the plan to offer the upgrade to. */
  get requiredPlan(): ApiProblem["required_plan"] {
    return this.problem.required_plan;
  }
}

/** The data of a successful call, or a {@link SpheresApiError} thrown with its problem. */
export async function unwrap<T, E>(call: Promise<CallResult<T, E>> | CallResult<T, E>): Promise<T> {
  const result = await call;
  const problem = problemOf(result);
  if (problem !== undefined) throw new SpheresApiError(problem);
  // A 2xx whose document says it has a body always has one; 204s resolve to undefined, as their type says.
  return result.data as T;
}

interface ProblemShape {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: unknown;
  required_plan?: unknown;
  trace_id?: unknown;
}

function isProblem(value: unknown): value is ProblemShape {
  if (typeof value !== "object" || value === null) return false;
  const fields: { [key: string]: unknown } = { ...value };
  return typeof fields.type === "string" && typeof fields.title === "string" && typeof fields.status === "number"
    && typeof fields.detail === "string";
}

function isFieldErrors(value: unknown): value is { [field: string]: string[] } {
  return typeof value === "object" && value !== null
    && Object.values(value).every((messages) => Array.isArray(messages) && messages.every((m) => typeof m === "string"));
}

const plans = ["free", "starter", "professional"] as const;

function isPlan(value: unknown): value is (typeof plans)[number] {
  return plans.some((plan) => plan === value);
}
