// A scripted typist: every key the person at the desk presses is counted (what a scanner types is not theirs).
import type { Page } from '@playwright/test';

export function typist(page: Page) {
  let keys = 0;
  return {
    get keys() {
      return keys;
    },
    /** Types the text one key at a time, each counted. */
    async type(text: string) {
      for (const ch of text) {
        await page.keyboard.type(ch);
        keys += 1;
      }
    },
    async press(key: string) {
      await page.keyboard.press(key);
      keys += 1;
    },
  };
}
