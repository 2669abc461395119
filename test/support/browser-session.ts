import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '@hotline/auth';

/** Chromium flags for this machine (see DEVELOPERS.md). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface UserPage {
  context: BrowserContext;
  page: Page;
  errors: string[];
}

/**
 * A fresh browser context (its own sessionStorage) at 1366×768 in Chinese, logged in through the login
 * page as a demo user, on the user's landing page. Page errors are collected for the test to assert on.
 */
export async function loginAs(browser: Browser, apiUrl: string, username: string, landing: string): Promise<UserPage> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    // Chromium logs every non-2xx fetch; /api/health's 503 (Asterisk is down here) is an expected answer.
    if (message.type() === 'error' && !message.text().includes('503')) errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${apiUrl}/login`);
  // Element Plus puts attributes of <ElInput> on the <input> itself: the test ids name the fields.
  await page.locator('[data-testid="login-username"]').fill(username);
  await page.locator('[data-testid="login-password"]').fill(DEMO_PASSWORD);
  await page.locator('[data-testid="login-submit"]').click();
  await page.waitForURL(`${apiUrl}${landing}`);
  await page.locator('[data-testid="realtime-status"][data-state="live"]').waitFor({ timeout: 5_000 });
  return { context, page, errors };
}
