// What a person does in VS Code, as Playwright steps: open a file, wait for the squiggle, press
// Ctrl+., pick an action, save. Selectors are VS Code's own DOM classes.
import type { Locator, Page } from 'playwright-core';

export async function openWorkbench(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 90_000 });
}

/** Double-click in the Explorer (faster and steadier than Ctrl+P). */
export async function openFile(page: Page, name: string): Promise<void> {
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();
  await row.waitFor({ timeout: 60_000 });
  await row.dblclick();
  await page.locator(`.tab.active`, { hasText: name }).waitFor({ timeout: 60_000 });
  await editor(page).waitFor({ timeout: 60_000 });
}

export function editor(page: Page): Locator {
  return page.locator('.editor-instance .monaco-editor').first();
}

/** The first error squiggle, once the extension has reported it. */
export async function squiggle(page: Page, timeout = 90_000): Promise<Locator> {
  const s = page.locator('.editor-instance .squiggly-error').first();
  await s.waitFor({ state: 'attached', timeout });
  return s;
}

/** Click into the squiggle's text so the cursor sits on the finding. */
export async function clickSquiggle(page: Page): Promise<void> {
  const box = await (await squiggle(page)).boundingBox();
  if (!box) throw new Error('the squiggle has no box');
  await page.mouse.click(box.x + Math.min(box.width / 2, 10), box.y + box.height / 2);
}

/** Ctrl+. and pick an action by its title; the first press is sometimes ignored, so retry. */
export async function quickFix(page: Page, title: string): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    await clickSquiggle(page);
    await page.locator('.lightBulbWidget').first().waitFor({ state: 'attached', timeout: 15_000 }).catch(() => undefined);
    await page.keyboard.press('Control+Period');
    const item = page.locator('.action-widget .monaco-list-row', { hasText: title }).first();
    try {
      await item.waitFor({ timeout: 8_000 });
    } catch {
      await page.keyboard.press('Escape');
      continue;
    }
    await item.hover();
    await item.click();
    return;
  }
  throw new Error(`the Quick Fix menu never showed "${title}"`);
}

export async function save(page: Page): Promise<void> {
  await page.keyboard.press('Control+S');
}

/** The Problems panel rows (Ctrl+Shift+M), as text. */
export async function problems(page: Page, containing: string): Promise<string> {
  await page.keyboard.press('Control+Shift+M');
  const row = page.locator('.markers-panel .monaco-list-row', { hasText: containing }).first();
  await row.waitFor({ timeout: 60_000 });
  return (await row.innerText()).replace(/\s+/g, ' ');
}
