/**
 * The ETags the API answered with, by resource path (`/api/accounts/profile/`, `/api/integrations/api/12/`), so that a
 * PUT or PATCH of the same resource can send `If-Match` and never overwrite a change made since it was read (412).
 * Bounded: the oldest entries go first.
 */
export class EntityTags {
  private readonly tags = new Map<string, string>();

  constructor(private readonly capacity = 500) {}

  get(path: string): string | undefined {
    return this.tags.get(resourceKey(path));
  }

  set(path: string, etag: string): void {
    const key = resourceKey(path);
    this.tags.delete(key); // re-inserted last: the newest
    this.tags.set(key, etag);
    for (const oldest of this.tags.keys()) {
      if (this.tags.size <= this.capacity) break;
      this.tags.delete(oldest);
    }
  }

  forget(path: string): void {
    this.tags.delete(resourceKey(path));
  }

  clear(): void {
    this.tags.clear();
  }
}

/** A URL or path as the key of its resource: the path only, with its trailing slash (the API serves both forms). */
export function resourceKey(urlOrPath: string): string {
  const path = new URL(urlOrPath, "http://resource.invalid").pathname;
  return path.endsWith("/") ? path : `${path}/`;
}
