import type { Page } from 'playwright-core';

/**
 * The handling unit's part of an order, as a unit user does it in the portal: find the order in the inbox,
 * sign it, then fill and send the reply form (which first refuses to go without its three required
 * fields). Resolves once the replied order has left the inbox. `beforeReply` runs with the form filled
 * (the tests take their screenshot there).
 */
export async function signAndReplyInUnitPortal(page: Page, orderNumber: string, beforeReply: () => Promise<void> = async () => undefined): Promise<void> {
  const row = page.locator('[data-testid="unit-inbox"] tr.el-table__row', { hasText: orderNumber });
  await row.waitFor({ timeout: 5_000 });
  await row.locator('[data-testid="action-sign"]').click();
  await row.locator('[data-testid="order-status"]', { hasText: '办理中' }).waitFor({ timeout: 5_000 });

  await row.locator('[data-testid="action-reply"]').click();
  const dialog = page.locator('.el-dialog', { hasText: '办结反馈' });
  await dialog.waitFor();
  await dialog.locator('[data-testid="dialog-submit"]').click();
  await dialog.locator('.el-form-item__error').first().waitFor();
  const errors = await dialog.locator('.el-form-item__error').count();
  if (errors !== 3) throw new Error(`the empty reply form showed ${errors} errors, not 3`);
  await dialog.locator('[data-testid="field-basis"]').fill('《消费者权益保护法》第二十四条');
  await dialog.locator('[data-testid="field-finding"]').fill('经现场检查，诉求情况属实，已责令经营者整改，并为诉求人办理退款。');
  await dialog.locator('[data-testid="field-caller-answer"]').fill('已电话告知诉求人处理结果，诉求人表示认可。');
  // Errors clear as the fields are filled (validation on change too, not only on blur).
  await dialog.locator('.el-form-item__error').first().waitFor({ state: 'detached', timeout: 2_000 });
  await beforeReply();
  await dialog.locator('[data-testid="dialog-submit"]').click();
  // Replied orders leave the unit's inbox.
  await row.waitFor({ state: 'detached', timeout: 5_000 });
}

/**
 * The agent's order form, filled as an agent does it: name, type 投诉, category 市场监管 › 消费维权, region,
 * subject and content, dispatched to 州市场监督管理局. Resolves once no field shows an error.
 */
export async function fillComplaintForMarketUnit(page: Page, order: { callerName: string; subject: string; content: string }): Promise<void> {
  const form = page.locator('[data-testid="work-order-form"]');
  await page.locator('[data-testid="field-caller-name"]').fill(order.callerName);
  await page.locator('[data-testid="field-type"]').getByText('投诉').click();
  await page.locator('[data-testid="field-category"]').click();
  await page.locator('.el-cascader-menu').getByText('市场监管').click();
  await page.locator('.el-cascader-menu').getByText('消费维权').click();
  await page.locator('[data-testid="field-region"]').click();
  await page.locator('.el-select-dropdown__item', { hasText: '652701' }).click();
  await page.locator('[data-testid="field-subject"]').fill(order.subject);
  await page.locator('[data-testid="field-content"]').fill(order.content);
  await pickLeadUnit(page, '州市场监督管理局');
  await form.locator('.el-form-item__error').first().waitFor({ state: 'detached', timeout: 2_000 });
}

/**
 * Picks the lead unit in the form's tree select. Under CI load a click can land while the dropdown is still
 * opening and not select (seen once: the tree stayed open for 30 s), so the pick is confirmed by the field
 * showing the unit, and retried; a dropdown still open after the pick is closed with Escape.
 */
async function pickLeadUnit(page: Page, unit: string): Promise<void> {
  const field = page.locator('[data-testid="field-unit"]');
  const chosen = page.locator('[data-testid="field-unit"] .el-select__selected-item', { hasText: unit });
  for (let attempt = 1; ; attempt += 1) {
    if (!(await page.locator('.el-tree').isVisible())) await field.click();
    const option = page.locator('.el-tree .el-select-dropdown__item', { hasText: new RegExp(`^${unit}$`) });
    await option.waitFor();
    await option.click();
    try {
      await chosen.first().waitFor({ timeout: 3_000 });
      break;
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
  if (await page.locator('.el-tree').isVisible()) await page.keyboard.press('Escape');
  await page.locator('.el-tree').waitFor({ state: 'hidden' });
}
