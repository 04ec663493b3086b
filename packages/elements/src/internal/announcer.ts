/**
 * Polite screen-reader announcements through one live region the element renders. Clearing first
 * and setting a moment later makes a repeated sentence ("Assistant is replying") heard again.
 */
export class Announcer {
  private region: HTMLElement | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;

  connect(region: HTMLElement | null): void {
    this.region = region;
  }

  say(text: string): void {
    const region = this.region;
    if (!region) return;
    region.textContent = '';
    clearTimeout(this.timer);
    this.timer = setTimeout(() => (region.textContent = text), 50);
  }
}
