import type { Client } from "openapi-fetch";
import type { paths } from "./schema.js";

/** The pair the sign-in endpoints answer with. */
export interface TokenPair {
  access_token: string;
  refresh_token: string;
}

/**
 * The signed-in session: its tokens, and the one refresh that may be in flight. Refresh tokens are single-use (a spent
 * one presented again ends the whole session), so however many calls fail with 401 at once, they all wait for the
 * same refresh and retry with its new access token.
 */
export class Session {
  private current: TokenPair | undefined;
  private refreshing: Promise<string | undefined> | undefined;

  constructor(
    private readonly api: Client<paths>,
    tokens: TokenPair | undefined,
    private readonly onChange: (tokens: TokenPair | undefined) => void,
  ) {
    this.current = tokens;
  }

  get tokens(): TokenPair | undefined {
    return this.current;
  }

  set(tokens: TokenPair | undefined): void {
    this.current = tokens === undefined ? undefined : { access_token: tokens.access_token, refresh_token: tokens.refresh_token };
    this.onChange(this.current);
  }

  /**
   * An access token newer than `stale` (the one a call was refused with): the current one if another call refreshed
   * already, else the result of the refresh in flight, started here if none is. Undefined when the session cannot be
   * refreshed (signed out, or the refresh token was refused): sign in again.
   */
  async freshAccessToken(stale: string): Promise<string | undefined> {
    const current = this.current?.access_token;
    if (current !== undefined && current !== stale) return current;
    this.refreshing ??= this.refresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async refresh(): Promise<string | undefined> {
    const refreshToken = this.current?.refresh_token;
    if (refreshToken === undefined) return undefined;
    const { data, response } = await this.api.POST("/api/accounts/token/refresh/", { body: { refresh_token: refreshToken } });
    if (data !== undefined) {
      this.set(data);
      return data.access_token;
    }
    if (response.status === 400 || response.status === 401) {
      this.set(undefined); // spent, revoked or expired: only a new sign-in helps
    }
    return undefined; // 429, 503…: the session stays; the call's own 401 is answered
  }
}
