/**
 * Playwright locators and actions for VS Code's own UI, as a person uses it: the command palette,
 * quick picks, notifications (toast or the notification centre), modal dialogs, tree rows of a
 * sidebar view and their inline and context-menu actions, the integrated terminal's text and the
 * nested iframes of a webview. Selectors are VS Code 1.139's (code-server 4.139.1).
 */
import type { FrameLocator, Locator, Page } from 'playwright-core';

/** Ceilings, never sleeps: each wait ends as soon as its element is there. */
const SHORT_MS = 30_000;

/** The palette's input and the rows of whichever quick input is open. */
export function quickInput(page: Page): { readonly widget: Locator; readonly input: Locator; readonly rows: Locator } {
  const widget = page.locator('.quick-input-widget').first();
  return { widget, input: widget.locator('.quick-input-box input').first(), rows: widget.locator('.monaco-list-row') };
}

/**
 * Runs a command by its palette title: F1, the title, Enter on its row. The palette lists the
 * commands known when it opens, so it is reopened while an extension's contributions load.
 */
export async function runCommand(page: Page, title: string, timeoutMs = 60_000): Promise<void> {
  const { input, widget } = quickInput(page);
  // The whole label, so "Open Serial Console" is not "Open Serial Console Log" (an ellipsis may follow).
  const exact = new RegExp(`^\\s*${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}…?\\s*$`);
  const row = widget.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: exact }) }).first();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    await input.waitFor({ timeout: SHORT_MS });
    await input.fill(`>${title}`);
    if (await row.waitFor({ timeout: 5_000 }).then(() => true, () => false)) break;
    if (Date.now() > deadline) throw new Error(`the palette never listed "${title}"`);
  }
  await row.click();
}

/** Waits for a quick pick whose title (or placeholder) shows `title`; returns its rows. */
export async function waitForQuickPick(page: Page, title: string | RegExp, timeoutMs = SHORT_MS): Promise<Locator> {
  const widget = page.locator('.quick-input-widget', { hasText: title }).first();
  await widget.waitFor({ state: 'visible', timeout: timeoutMs });
  return widget;
}

/** Clicks the row of an open quick pick whose text matches. */
export async function pickRow(widget: Locator, text: string | RegExp, timeoutMs = SHORT_MS): Promise<string> {
  const row = widget.locator('.monaco-list-row', { hasText: text }).first();
  // A pick that refreshes its items (the drive pick on plug and unplug) redraws its rows: a row
  // found a moment ago can be gone by the click, so find it again and retry until the deadline.
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await row.waitFor({ timeout: Math.max(1_000, deadline - Date.now()) });
      const label = await row.innerText({ timeout: 3_000 });
      await row.click({ timeout: 3_000 });
      return label;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
  }
}

/** The rows of an open quick pick, as text. */
export async function quickPickRows(widget: Locator): Promise<string[]> {
  return (await widget.locator('.monaco-list-row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
}

/**
 * A notification whose message matches: a toast, or, once VS Code has tucked it away, an entry
 * of the notification centre (the status bar's bell opens it). `busy` names progress
 * notifications still running: the centre is only opened once none of them is left.
 */
export async function waitForNotification(page: Page, message: RegExp, options: { readonly timeoutMs?: number; readonly busy?: RegExp; readonly fail?: RegExp } = {}): Promise<Locator> {
  const item = page.locator('.notification-list-item', { hasText: message }).first();
  const busy = options.busy === undefined ? undefined : page.locator('.notification-list-item', { hasText: options.busy });
  const failed = options.fail === undefined ? undefined : page.locator('.notification-list-item', { hasText: options.fail }).first();
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  let quietSince: number | undefined;
  let centreOpened = false;
  while (!(await item.isVisible())) {
    if (failed !== undefined && (await failed.isVisible())) throw new Error(`a notification reported failure: ${await failed.innerText()}`);
    if (Date.now() > deadline) throw new Error(`no notification matching ${String(message)}`);
    if (busy !== undefined && (await busy.count()) > 0) quietSince = undefined;
    else quietSince ??= Date.now();
    if (!centreOpened && quietSince !== undefined && Date.now() - quietSince > 5_000) {
      await page.locator('[id="status.notifications"]').first().click();
      centreOpened = true;
    }
    // Polling the page: the toast and the centre are two places with no event for "either".
    await page.waitForTimeout(300);
  }
  return item;
}

/** The text of a notification's message. */
export async function notificationText(item: Locator): Promise<string> {
  return (await item.locator('.notification-list-item-message').innerText()).trim();
}

/** Clicks a button of a notification. */
export async function clickNotificationButton(item: Locator, label: string): Promise<void> {
  await item.locator('.monaco-button', { hasText: label }).first().click();
}

/** Closes every notification toast and the centre, so the next step starts with none. */
export async function clearNotifications(page: Page): Promise<void> {
  await runCommand(page, 'Notifications: Clear All Notifications');
  await page.locator('.notifications-toasts .notification-toast-container').first().waitFor({ state: 'hidden', timeout: SHORT_MS }).catch(() => undefined);
  await page.locator('.notifications-center.visible').first().waitFor({ state: 'hidden', timeout: 5_000 }).catch(async () => {
    await page.locator('[id="status.notifications"]').first().click();
  });
}

/** Waits for a modal dialog whose text matches; returns its text after clicking `button`. */
export async function answerModal(page: Page, text: RegExp, button: string, timeoutMs = SHORT_MS): Promise<string> {
  const modal = page.locator('.monaco-dialog-box', { hasText: text }).first();
  await modal.waitFor({ timeout: timeoutMs });
  const shown = await modal.innerText();
  await modal.locator('.monaco-button', { hasText: button }).first().click();
  await modal.waitFor({ state: 'hidden', timeout: SHORT_MS });
  return shown;
}

/** Opens the extension's container in the activity bar (once: a second click would close it). */
export async function openSidebar(page: Page, ariaLabelPrefix = 'NixOS Devices'): Promise<Locator> {
  const sidebar = page.locator('.part.sidebar');
  const title = sidebar.locator('.composite.title h2', { hasText: new RegExp(ariaLabelPrefix, 'i') });
  if (!(await title.isVisible())) {
    const item = page.locator(`.activitybar .action-item [aria-label^="${ariaLabelPrefix}"]`).first();
    await item.waitFor({ timeout: 120_000 });
    await item.click();
    await title.waitFor({ timeout: 60_000 });
  }
  return sidebar;
}

/** A sidebar view's pane by its header title; expanded when collapsed. */
export async function viewPane(page: Page, title: RegExp): Promise<Locator> {
  const pane = page.locator('.part.sidebar .pane', { has: page.locator('.pane-header h3.title', { hasText: title }) }).first();
  await pane.waitFor({ timeout: 60_000 });
  const header = pane.locator('.pane-header').first();
  if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
  return pane;
}

/** A tree row of a pane whose text matches. */
export function treeRow(pane: Locator, text: string | RegExp): Locator {
  return pane.locator('.monaco-list-row', { hasText: text }).first();
}

/** Expands a collapsed tree row (a click on its twistie). */
export async function expandRow(row: Locator): Promise<void> {
  await row.waitFor({ timeout: 60_000 });
  if ((await row.getAttribute('aria-expanded')) === 'false') await row.locator('.monaco-tl-twistie').first().click();
}

/** Hovers a row and clicks its inline action by the action's title (aria-label prefix). */
export async function clickInlineAction(row: Locator, title: string): Promise<void> {
  await row.hover();
  await row.locator(`.actions .action-label[aria-label^="${title}"]`).first().click();
}

/** Right-clicks a row and chooses a context-menu entry by its text. */
export async function contextMenu(page: Page, row: Locator, entry: string): Promise<void> {
  await row.click({ button: 'right' });
  const item = page.locator('.context-view .monaco-menu .action-item', { hasText: entry }).first();
  await item.waitFor({ timeout: SHORT_MS });
  // A hover focuses the entry and Enter runs it: a click right after the menu opened is
  // ignored by VS Code's menu (the mouse-up of the opening gesture is still being filtered).
  await item.hover();
  await page.keyboard.press('Enter');
  await item.waitFor({ state: 'hidden', timeout: SHORT_MS });
}

/**
 * The visible text of the active terminal. Needs the DOM renderer
 * (`terminal.integrated.gpuAcceleration: "off"`), whose rows are spans in `.xterm-rows`.
 */
export async function terminalText(page: Page): Promise<string> {
  const rows = page.locator('.terminal-wrapper.active .xterm-rows > div');
  return (await rows.allTextContents()).map((line) => line.replace(/\u00a0/g, ' ').trimEnd()).join('\n');
}

/** Waits until the active terminal shows text matching `pattern`; returns the text. */
export async function waitForTerminalText(page: Page, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await terminalText(page);
    if (pattern.test(text)) return text;
    if (Date.now() > deadline) throw new Error(`the terminal never showed ${String(pattern)}; it shows:\n${text.slice(-2000)}`);
    // Polling the DOM: xterm redraws rows without an event a test can wait for.
    await page.waitForTimeout(300);
  }
}

/**
 * The content of a webview panel: VS Code nests the extension's page in an iframe
 * (`iframe#active-frame`) inside the webview host's iframe. `title` picks the panel's host
 * frame by the editor tab it belongs to when several are open; the visible one is used.
 */
export function webviewContent(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready:visible').first().frameLocator('iframe#active-frame');
}

/**
 * Every line the terminals show from now on, including those u-boot scrolls away within
 * milliseconds (the DOM renderer holds only the visible rows): a MutationObserver in the page
 * records each row's text whenever xterm redraws. `lines()` returns them in first-seen order.
 */
export async function recordTerminalLines(page: Page): Promise<{ lines(): Promise<string> }> {
  // Strings, not functions: tsx's transform would wrap a function in helpers the page lacks.
  await page.evaluate(`(() => {
    const seen = (window.__journeyLines = []);
    const known = new Set();
    const take = () => {
      for (const row of document.querySelectorAll('.terminal-wrapper .xterm-rows > div')) {
        const text = (row.textContent || '').replace(/\\u00a0/g, ' ').trimEnd();
        if (text !== '' && !known.has(text)) { known.add(text); seen.push(text); }
      }
    };
    window.__journeyObserver?.disconnect();
    window.__journeyObserver = new MutationObserver(take);
    window.__journeyObserver.observe(document.body, { subtree: true, childList: true, characterData: true });
    take();
  })()`);
  return { lines: async () => (await page.evaluate<string[]>('window.__journeyLines || []')).join('\n') };
}
